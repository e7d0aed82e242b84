package io.github.streamsmarts.udf.bench;

import hex.genmodel.easy.EasyPredictModelWrapper;
import io.github.streamsmarts.udf.AnomolyPowerUdf;
import io.github.streamsmarts.udf.model.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scores per second on one thread, three ways over the same readings: (a) the UDF's table lookup,
 * (b) two genmodel wrappers held in fields, predicting every call, (c) the MOJOs read and wrapped
 * on every call. Short runs: this answers "how many times faster", not "how fast to 1%".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ScoringBenchmark {

  /** A spread of readings, walked in turn so no call repeats the previous one. */
  static final int READINGS = 1024;

  final int[] days = new int[READINGS];
  final int[] hours = new int[READINGS];
  final double[] kwhs = new double[READINGS];
  int next;

  AnomolyPowerUdf udf;
  EasyPredictModelWrapper lower;
  EasyPredictModelWrapper upper;
  byte[] lowerMojo;
  byte[] upperMojo;

  @Setup
  public void setUp() throws Exception {
    final Path model = modelDir();
    udf = new AnomolyPowerUdf();
    udf.configure(Map.of("ksql.functions.anomoly_power.model.path", model.toString()));
    lowerMojo = Files.readAllBytes(model.resolve("lower.zip"));
    upperMojo = Files.readAllBytes(model.resolve("upper.zip"));
    lower = Envelope.wrapper(lowerMojo, "lower.zip");
    upper = Envelope.wrapper(upperMojo, "upper.zip");
    for (int i = 0; i < READINGS; i++) {
      days[i] = i % 7 + 1;
      hours[i] = (i * 5) % 24;
      kwhs[i] = 100 + (i * 37) % 3700;
    }
  }

  static Path modelDir() {
    return Path.of(System.getProperty("bench.model", "src/test/resources/models/reference"))
        .toAbsolutePath();
  }

  private int advance() {
    final int i = next;
    next = (i + 1) & (READINGS - 1);
    return i;
  }

  @Benchmark
  public Double a_udfLookup() {
    final int i = advance();
    return udf.anomolyPower(days[i], hours[i], kwhs[i]);
  }

  @Benchmark
  public double b_heldWrappers() throws Exception {
    final int i = advance();
    return Envelope.score(kwhs[i],
        Envelope.predict(lower, days[i], hours[i]), Envelope.predict(upper, days[i], hours[i]));
  }

  @Benchmark
  public double c_wrapperPerCall() throws Exception {
    final int i = advance();
    final EasyPredictModelWrapper lo = Envelope.wrapper(lowerMojo, "lower.zip");
    final EasyPredictModelWrapper hi = Envelope.wrapper(upperMojo, "upper.zip");
    return Envelope.score(kwhs[i],
        Envelope.predict(lo, days[i], hours[i]), Envelope.predict(hi, days[i], hours[i]));
  }
}
