package io.github.streamsmarts.udf.bench;

import hex.genmodel.easy.EasyPredictModelWrapper;
import io.github.streamsmarts.udf.AnomolyPowerUdf;
import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.BandsMojo;
import io.github.streamsmarts.udf.model.ModelDirectories;
import io.github.streamsmarts.udf.model.Scores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
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
 * Scores per second on one thread, over the same readings (minute, three floors, 24-h mean, boxed
 * as ksqlDB passes them): (a) the UDF's 5-argument form, a table lookup; (b) one genmodel wrapper
 * of bands.zip held in a field, predicting the eight bands of the reading's minute every call;
 * (c) the MOJO read and wrapped on every call. Also (a2) the 2018 2-argument form, and (a3) the
 * 5-argument form on readings that take every branch in turn.
 *
 * <p>The readings of (a), (b), (c) are a stream as a house makes it: one every 10 s from 10:00
 * (six to a minute), floors around their ref (the median of their history, so half below it) and
 * inside their bands, the mean around its ref, one reading in 32 high and one in 32 low, one
 * measure in 256 NULL (after a gap). Those of (a3) are made to defeat branch prediction: floors from quiet to 2.6 kW
 * whatever the time, one measure in ten NULL. Short runs: this answers "how many times faster",
 * not "how fast to 1%".
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

  final Integer[] minutes = new Integer[READINGS];
  final Double[] floor15m = new Double[READINGS];
  final Double[] floor1h = new Double[READINGS];
  final Double[] floor3h = new Double[READINGS];
  final Double[] mean24h = new Double[READINGS];
  final Integer[] mixedMinutes = new Integer[READINGS];
  final Double[][] mixed = new Double[4][READINGS];
  final Double[] hours = new Double[READINGS];
  final Double[] kwhs = new Double[READINGS];
  int next;

  AnomolyPowerUdf udf;
  EasyPredictModelWrapper wrapper;
  byte[] mojo;

  @Setup
  public void setUp() throws Exception {
    final Path model = modelDir();
    udf = new AnomolyPowerUdf();
    udf.configure(Map.of("ksql.functions.anomoly_power.model.path", model.toString(),
        "ksql.functions.anomoly_power.model.check.interval.ms", "0"));
    mojo = Files.readAllBytes(model.resolve("bands.zip"));
    wrapper = BandsMojo.wrapper(mojo, "bands.zip");
    final Bands bands = ModelDirectories.load(model).bands();
    final Random random = new Random(20181117);
    // One reading every 10 s, so six share a minute (and its row of the tables), and each
    // reading's five values are allocated together, as a deserialised record's are.
    for (int i = 0; i < READINGS; i++) {
      final int m = (600 + i / 6) % Bands.MINUTES;
      minutes[i] = m;
      // Inside the band, z from -0.5 to 0.5; one in 32 a heater left on, one in 32 a house away.
      final boolean high = i % 32 == 5;
      final boolean low = i % 32 == 21;
      floor15m[i] = inside(bands, Band.FLOOR_15M_REF, Band.FLOOR_15M_UPPER, m, random, high);
      floor1h[i] = inside(bands, Band.FLOOR_1H_REF, Band.FLOOR_1H_UPPER, m, random, high);
      floor3h[i] = inside(bands, Band.FLOOR_3H_REF, Band.FLOOR_3H_UPPER, m, random, high);
      final double ref = bands.value(Band.MEAN_24H_REF, m);
      mean24h[i] = low ? 0.3 * ref : ref * (0.8 + 0.4 * random.nextDouble());
      if (i % 256 == 100) {
        floor15m[i] = null;
      }
      if (i % 256 == 200) {
        mean24h[i] = null;
      }
    }
    for (int i = 0; i < READINGS; i++) {
      mixedMinutes[i] = (i * 37) % 1440;
      mixed[0][i] = i % 10 == 1 ? null : (Double) (80.0 + (i * 53) % 2600);
      mixed[1][i] = i % 10 == 2 ? null : (Double) (70.0 + (i * 31) % 2400);
      mixed[2][i] = i % 10 == 3 ? null : (Double) (60.0 + (i * 17) % 2300);
      mixed[3][i] = i % 10 == 4 ? null : (Double) (100.0 + (i * 29) % 700);
      hours[i] = (double) ((i * 5) % 24);
      kwhs[i] = 100.0 + (i * 37) % 3700;
    }
  }

  private static Double inside(final Bands bands, final Band ref, final Band upper, final int m,
      final Random random, final boolean high) {
    final double r = bands.value(ref, m);
    final double u = Math.min(bands.value(upper, m), r + 3000);
    // ref is the median of the floor's history, so half the readings are below it.
    return high ? u + 2000 : Math.max(0, r + (random.nextDouble() - 0.5) * (u - r));
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
    return udf.anomolyPower(minutes[i], floor15m[i], floor1h[i], floor3h[i], mean24h[i]);
  }

  @Benchmark
  public Double a3_udfEveryBranch() {
    final int i = advance();
    return udf.anomolyPower(mixedMinutes[i], mixed[0][i], mixed[1][i], mixed[2][i], mixed[3][i]);
  }

  @Benchmark
  public Double a2_udf2018() {
    final int i = advance();
    return udf.anomolyPower(hours[i], kwhs[i]);
  }

  @Benchmark
  public Double b_heldWrapper() throws Exception {
    final int i = advance();
    return scoreWith(wrapper, i);
  }

  @Benchmark
  public Double c_wrapperPerCall() throws Exception {
    final int i = advance();
    return scoreWith(BandsMojo.wrapper(mojo, "bands.zip"), i);
  }

  /** The same score from genmodel's predictions of the eight bands at the reading's minute. */
  private Double scoreWith(final EasyPredictModelWrapper w, final int i) throws Exception {
    final double[] bands = new double[Bands.SCORE_ORDER.size()];
    int slot = 0;
    for (final Band band : Bands.SCORE_ORDER) {
      bands[slot++] = BandsMojo.predict(w, band, minutes[i]);
    }
    final double[] row = new double[bands.length];
    Bands.row(bands, row, 0);
    return Scores.at(row, 0, floor15m[i], floor1h[i], floor3h[i], mean24h[i]);
  }
}
