package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever a stream carries, the function answers null and never throws (a throw stops a query). */
class InvalidInputsTest {

  private static final Double[] BAD_KWH = {
      null, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.001, -1500.0,
      -Double.MIN_VALUE, -Double.MAX_VALUE};
  private static final Double[] BAD_DOUBLE_HOURS = {
      null, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1.0, -0.5, 24.0, 23.5,
      4.5, 4.000001, 3.999999, 1e300, -1e300, Double.MIN_VALUE, (double) Integer.MAX_VALUE};
  private static final Integer[] BAD_INT_HOURS = {null, -1, 24, Integer.MIN_VALUE, Integer.MAX_VALUE};
  private static final Integer[] BAD_DAYS = {null, 0, 8, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
  private static final Integer[] BAD_MINUTES = {null, -1, 1440, 1441, 100000, Integer.MIN_VALUE,
      Integer.MAX_VALUE};
  /** What a measure may carry that is not a reading: each counts as absent. */
  private static final Double[] NOT_READINGS = {
      null, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.001, -1500.0,
      -Double.MIN_VALUE, -Double.MAX_VALUE};

  private final AnomolyPowerUdf udf = new AnomolyPowerUdf();
  private final AnomalyPowerUdf other = new AnomalyPowerUdf();

  InvalidInputsTest() {
    udf.configure(Fixture.configFor("anomoly_power", Fixture.modelDir()));
    other.configure(Fixture.configFor("anomaly_power", Fixture.modelDir()));
  }

  @Test
  void badKwh() {
    for (final Double kwh : BAD_KWH) {
      assertNull(udf.anomolyPower(4.0, kwh), "kwh " + kwh);
      assertNull(udf.anomolyPower(1, 4, kwh), "kwh " + kwh);
      assertNull(other.anomalyPower(4.0, kwh), "kwh " + kwh);
      assertNull(other.anomalyPower(1, 4, kwh), "kwh " + kwh);
    }
  }

  @Test
  void badHours() {
    for (final Double hour : BAD_DOUBLE_HOURS) {
      assertNull(udf.anomolyPower(hour, 500.0), "hour " + hour);
      assertNull(other.anomalyPower(hour, 500.0), "hour " + hour);
    }
    for (final Integer hour : BAD_INT_HOURS) {
      assertNull(udf.anomolyPower(1, hour, 500.0), "hour " + hour);
      assertNull(other.anomalyPower(1, hour, 500.0), "hour " + hour);
    }
  }

  @Test
  void badDays() {
    for (final Integer day : BAD_DAYS) {
      assertNull(udf.anomolyPower(day, 4, 500.0), "day " + day);
      assertNull(other.anomalyPower(day, 4, 500.0), "day " + day);
    }
  }

  @Test
  void badMinutesScoreNullWhateverTheMeasures() {
    for (final Integer minute : BAD_MINUTES) {
      assertNull(udf.anomolyPower(minute, 5000.0, 5000.0, 5000.0, 1.0), "minute " + minute);
      assertNull(other.anomalyPower(minute, 5000.0, 5000.0, 5000.0, 1.0), "minute " + minute);
      for (final Integer day : new Integer[] {1, 7}) {
        assertNull(udf.anomolyPower(day, minute, 5000.0, 5000.0, 5000.0, 5000.0, 5000.0, 5000.0,
            5000.0, 1.0), "minute " + minute);
        assertNull(other.anomalyPower(day, minute, 5000.0, 5000.0, 5000.0, 5000.0, 5000.0,
            5000.0, 5000.0, 1.0), "minute " + minute);
      }
    }
  }

  /** The reference model has two day types: a day that is no ISO day of the week has no bands. */
  @Test
  void badDaysOfTheTenArgumentFormScoreNull() {
    for (final Integer day : BAD_DAYS) {
      assertNull(udf.anomolyPower(day, 240, 5000.0, 5000.0, 5000.0, 5000.0, 5000.0, 5000.0,
          5000.0, 1.0), "day " + day);
      assertNull(other.anomalyPower(day, 240, 5000.0, null, null, null, null, null, null, null),
          "day " + day);
    }
  }

  @Test
  void measuresThatAreNotReadingsCountAsAbsent() {
    // Each bad value in each position scores like a NULL there.
    final Double[] good = {5000.0, 300.0, 200.0, 450.0};
    for (final Double bad : NOT_READINGS) {
      for (int position = 0; position < 4; position++) {
        final Double[] with = good.clone();
        with[position] = bad;
        final Double[] nulled = good.clone();
        nulled[position] = null;
        assertEquals(udf.anomolyPower(240, nulled[0], nulled[1], nulled[2], nulled[3]),
            udf.anomolyPower(240, with[0], with[1], with[2], with[3]),
            "value " + bad + " at position " + position);
      }
      assertNull(udf.anomolyPower(240, bad, bad, bad, bad), "all " + bad);
      assertNull(other.anomalyPower(0, bad, bad, bad, bad), "all " + bad);
    }
    // The same in each of the ten-argument form's eight measures, weekdays and weekends.
    final Double[] good10 = {5000.0, 300.0, 200.0, 900.0, 50.0, 1200.0, 400.0, 450.0};
    for (final Integer day : new Integer[] {2, 6}) {
      for (final Double bad : NOT_READINGS) {
        for (int position = 0; position < 8; position++) {
          final Double[] with = good10.clone();
          with[position] = bad;
          final Double[] nulled = good10.clone();
          nulled[position] = null;
          assertEquals(ten(udf, day, 240, nulled), ten(udf, day, 240, with),
              "value " + bad + " at position " + position);
        }
        final Double[] all = new Double[8];
        java.util.Arrays.fill(all, bad);
        assertNull(ten(udf, day, 240, all), "all " + bad);
      }
    }
  }

  private static Double ten(final AnomolyPowerUdf udf, final Integer day, final Integer minute,
      final Double[] x) {
    return udf.anomolyPower(day, minute, x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
  }

  /** Whatever the stream carries, never a throw, and a score is a finite number. */
  @Test
  void neverThrowsOnAnything() {
    final Random random = new Random(20181117);
    final Double[] odd = {null, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, -1.0, 1e300};
    for (int i = 0; i < 20000; i++) {
      final Integer minute = random.nextInt(10) == 0 ? null : random.nextInt(1600) - 80;
      final Double[] x = new Double[4];
      for (int k = 0; k < 4; k++) {
        x[k] = random.nextBoolean() ? odd[random.nextInt(odd.length)]
            : (Double) (random.nextDouble() * 6000);
      }
      final Double score = udf.anomolyPower(minute, x[0], x[1], x[2], x[3]);
      assertEquals(score, other.anomalyPower(minute, x[0], x[1], x[2], x[3]));
      if (score != null) {
        assertTrue(Double.isFinite(score), "score " + score);
      }
    }
    for (int i = 0; i < 20000; i++) {
      final Integer day = random.nextInt(10) == 0 ? null : random.nextInt(12) - 2;
      final Integer minute = random.nextInt(10) == 0 ? null : random.nextInt(1600) - 80;
      final Double[] x = new Double[8];
      for (int k = 0; k < 8; k++) {
        x[k] = random.nextBoolean() ? odd[random.nextInt(odd.length)]
            : (Double) (random.nextDouble() * 6000);
      }
      final Double score = ten(udf, day, minute, x);
      assertEquals(score, other.anomalyPower(day, minute, x[0], x[1], x[2], x[3], x[4], x[5],
          x[6], x[7]));
      if (score != null) {
        assertTrue(Double.isFinite(score), "score " + score);
      }
    }
  }

  @Test
  void boundariesAreValid() {
    assertNotNull(udf.anomolyPower(0, 0.0, null, null, null));
    assertNotNull(udf.anomolyPower(1439, null, null, null, 0.0));
    assertNotNull(udf.anomolyPower(720, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE,
        Double.MAX_VALUE));
    for (final int day : new int[] {1, 5, 6, 7}) {
      assertNotNull(udf.anomolyPower(day, 0, null, null, null, 0.0, null, null, null, null));
      assertNotNull(udf.anomolyPower(day, 1439, null, null, null, null, null, null, null, 0.0));
      final Double max = Double.MAX_VALUE;
      assertNotNull(udf.anomolyPower(day, 720, max, max, max, max, max, max, max, max));
      assertNotNull(udf.anomolyPower(day, 720, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0));
    }
    for (final double hour : new double[] {0.0, -0.0, 23.0}) {
      assertNotNull(udf.anomolyPower(hour, 0.0), "hour " + hour);
    }
    assertNotNull(udf.anomolyPower(1, 0, 0.0));
    assertNotNull(udf.anomolyPower(7, 23, 0.0));
    assertNotNull(udf.anomolyPower(4.0, Double.MAX_VALUE));
    assertEquals(udf.anomolyPower(0.0, 0.0), udf.anomolyPower(-0.0, -0.0));
  }

  @Test
  void anUnconfiguredInstanceWithoutAModelScoresNullInsteadOfThrowing() {
    // Unit tests run from target/classes, which has an embedded model only when the build found
    // one (../models/current); either way a call must not throw.
    new AnomolyPowerUdf().anomolyPower(4.0, 1500.0);
    new AnomalyPowerUdf().anomalyPower(null, null, null);
    new AnomolyPowerUdf().anomolyPower(240, 5000.0, null, null, 450.0);
    new AnomalyPowerUdf().anomalyPower(6, 240, 5000.0, null, null, 1.0, null, null, null, 450.0);
  }
}
