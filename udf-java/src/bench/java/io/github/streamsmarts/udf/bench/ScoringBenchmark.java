package io.github.streamsmarts.udf.bench;

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
 * Scores per second on one thread, over the same readings (day, minute, the seven high measures,
 * the 24-h mean, boxed as ksqlDB passes them): (a) the UDF's 10-argument form, a table lookup;
 * (b) one genmodel wrapper of bands.zip held in a field, predicting the sixteen bands of the
 * reading's day type and minute every call; (c) the MOJO read and wrapped on every call. Also
 * (a5) the 5-argument form on the same readings' floors and mean, (a2) the 2018 2-argument form,
 * (a3) the 10-argument form on readings that take every branch in turn, and (f) the floor of any
 * 10-argument call: unboxing the ten arguments and boxing a result, nothing looked up.
 *
 * <p>The readings of (a), (a5), (b), (c) are a stream as a house makes it: one every 10 s from
 * 10:00 on a Wednesday (six to a minute), every measure around its ref (the median of its
 * history, so half below it) and inside its band, the mean around its ref, one reading in 32 high
 * (a heater: floors and the 20-min step up) and one in 32 low, one measure in 256 NULL (after a
 * gap). Those of (a3) are made to defeat branch prediction: measures from quiet to 2.6 kW whatever
 * the time, every day of the week, one measure in ten NULL. Short runs: this answers "how many
 * times faster", not "how fast to 1%".
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
  /** The stream's day: a Wednesday (the weekday tables). */
  static final int DAY = 3;

  final Integer[] days = new Integer[READINGS];
  final Integer[] minutes = new Integer[READINGS];
  /** [measure][reading]: the seven high measures in order, then the 24-h mean. */
  final Double[][] x = new Double[8][READINGS];
  final Integer[] mixedDays = new Integer[READINGS];
  final Integer[] mixedMinutes = new Integer[READINGS];
  final Double[][] mixed = new Double[8][READINGS];
  final Double[] hours = new Double[READINGS];
  final Double[] kwhs = new Double[READINGS];
  int next;

  AnomolyPowerUdf udf;
  /** bands.zip read once and wrapped by genmodel, held in a field: (b). */
  BandsMojo.Mojo read;
  byte[] mojo;

  @Setup
  public void setUp() throws Exception {
    final Path model = modelDir();
    udf = new AnomolyPowerUdf();
    udf.configure(Map.of("ksql.functions.anomoly_power.model.path", model.toString(),
        "ksql.functions.anomoly_power.model.check.interval.ms", "0"));
    mojo = Files.readAllBytes(model.resolve("bands.zip"));
    read = BandsMojo.read(mojo, "bands.zip");
    final Bands bands = ModelDirectories.load(model).bands();
    final int t = bands.dayTypes() == 2 && DAY >= 6 ? 1 : 0;
    final Random random = new Random(20181117);
    // One reading every 10 s, so six share a minute (and its row of the tables), and each
    // reading's values are allocated together, as a deserialised record's are.
    for (int i = 0; i < READINGS; i++) {
      final int m = (600 + i / 6) % Bands.MINUTES;
      days[i] = DAY;
      minutes[i] = m;
      // Inside the band, z from -0.5 to 0.5; one in 32 a heater left on, one in 32 a house away.
      final boolean high = i % 32 == 5;
      final boolean low = i % 32 == 21;
      for (int k = 0; k < 7; k++) {
        x[k][i] = inside(bands, k, t, m, random, high && (k < 4));
      }
      final double ref = bands.value(Band.MEAN_24H_REF, t, m);
      x[7][i] = low ? 0.3 * ref : ref * (0.8 + 0.4 * random.nextDouble());
      if (i % 256 == 100) {
        x[0][i] = null;
      }
      if (i % 256 == 150) {
        x[4][i] = null;
      }
      if (i % 256 == 200) {
        x[7][i] = null;
      }
    }
    for (int i = 0; i < READINGS; i++) {
      mixedDays[i] = 1 + (i * 3) % 7;
      mixedMinutes[i] = (i * 37) % 1440;
      for (int k = 0; k < 8; k++) {
        mixed[k][i] = i % 10 == k + 1 ? null
            : (Double) (k == 7 ? 100.0 + (i * 29) % 700 : (60.0 + 10 * k) + (i * (17 + 6 * k))
                % (2600 - 50 * k));
      }
      hours[i] = (double) ((i * 5) % 24);
      kwhs[i] = 100.0 + (i * 37) % 3700;
    }
  }

  private static Double inside(final Bands bands, final int k, final int t, final int m,
      final Random random, final boolean high) {
    final double r = bands.value(Band.ref(k), t, m);
    final double u = Math.min(bands.value(Band.upper(k), t, m), r + 3000);
    // ref is the median of the measure's history, so half the readings are below it.
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
  public Double a_udf10() {
    final int i = advance();
    return udf.anomolyPower(days[i], minutes[i], x[0][i], x[1][i], x[2][i], x[3][i], x[4][i],
        x[5][i], x[6][i], x[7][i]);
  }

  @Benchmark
  public Double a3_udf10EveryBranch() {
    final int i = advance();
    return udf.anomolyPower(mixedDays[i], mixedMinutes[i], mixed[0][i], mixed[1][i], mixed[2][i],
        mixed[3][i], mixed[4][i], mixed[5][i], mixed[6][i], mixed[7][i]);
  }

  @Benchmark
  public Double a5_udf5() {
    final int i = advance();
    return udf.anomolyPower(minutes[i], x[0][i], x[1][i], x[2][i], x[7][i]);
  }

  @Benchmark
  public Double a2_udf2018() {
    final int i = advance();
    return udf.anomolyPower(hours[i], kwhs[i]);
  }

  /**
   * The least a 10-argument call costs: the same loads, null checks and unboxing of the ten
   * arguments, and a boxed result, but no bands looked up and nothing compared or divided.
   */
  @Benchmark
  public Double f_unboxTen() {
    final int i = advance();
    return unboxed(days[i], minutes[i], x[0][i], x[1][i], x[2][i], x[3][i], x[4][i], x[5][i],
        x[6][i], x[7][i]);
  }

  private static Double unboxed(final Integer day, final Integer minute, final Double a,
      final Double b, final Double c, final Double d, final Double e, final Double f,
      final Double g, final Double h) {
    if (day == null || minute == null) {
      return null;
    }
    double s = day + minute;
    s += a == null ? 0 : a;
    s += b == null ? 0 : b;
    s += c == null ? 0 : c;
    s += d == null ? 0 : d;
    s += e == null ? 0 : e;
    s += f == null ? 0 : f;
    s += g == null ? 0 : g;
    s += h == null ? 0 : h;
    return s;
  }

  @Benchmark
  public Double b_heldWrapper() throws Exception {
    final int i = advance();
    return scoreWith(read, i);
  }

  @Benchmark
  public Double c_wrapperPerCall() throws Exception {
    final int i = advance();
    return scoreWith(BandsMojo.read(mojo, "bands.zip"), i);
  }

  /**
   * The same score from genmodel's predictions of the sixteen bands at the reading's day type and
   * minute.
   */
  private Double scoreWith(final BandsMojo.Mojo w, final int i) throws Exception {
    final int t = w.dayTypes() == 2 && days[i] >= 6 ? 1 : 0;
    final double[] bands = new double[Bands.SCORE_ORDER.size()];
    int slot = 0;
    for (final Band band : Bands.SCORE_ORDER) {
      bands[slot++] = BandsMojo.predict(w, band, t, minutes[i]);
    }
    final double[] row = new double[bands.length];
    Bands.row(bands, row, 0);
    return Scores.at(row, 0, x[0][i], x[1][i], x[2][i], x[3][i], x[4][i], x[5][i], x[6][i],
        x[7][i]);
  }
}
