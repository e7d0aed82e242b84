package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
  void boundariesAreValid() {
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
  }
}
