package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import org.junit.jupiter.api.Test;

/**
 * The reference model: its kwh bands reproduce the 2018 envelope, so the 2018 forms give the 2018
 * scores; its high measures and 24-h mean score the readings the issue is about as a person would
 * expect, on weekdays and at weekends.
 */
class ReferenceScoresTest {

  private final AnomolyPowerUdf udf = configured();
  private final Bands bands = Fixture.reference().bands();

  private static AnomolyPowerUdf configured() {
    final AnomolyPowerUdf udf = new AnomolyPowerUdf();
    udf.configure(Fixture.configFor("anomoly_power", Fixture.modelDir()));
    return udf;
  }

  @Test
  void documentedScoresOfThe2018Function() {
    assertEquals(5.4588, udf.anomolyPower(4.0, 1500.0), 1e-3);
    assertEquals(0.6914, udf.anomolyPower(9.0, 1500.0), 1e-3);
  }

  @Test
  void correctSpellingScoresTheSame() {
    final AnomalyPowerUdf other = new AnomalyPowerUdf();
    other.configure(Fixture.configFor("anomaly_power", Fixture.modelDir()));
    for (int hour = 0; hour < 24; hour++) {
      assertEquals(udf.anomolyPower((double) hour, 777.0), other.anomalyPower((double) hour, 777.0));
      assertEquals(udf.anomolyPower(3, hour, 777.0), other.anomalyPower(3, hour, 777.0));
    }
    for (int minute = 0; minute < 1440; minute += 7) {
      assertEquals(udf.anomolyPower(minute, 900.0, 400.0, 300.0, 200.0),
          other.anomalyPower(minute, 900.0, 400.0, 300.0, 200.0));
      for (final int day : new int[] {2, 6}) {
        assertEquals(
            udf.anomolyPower(day, minute, 900.0, 400.0, 300.0, 80.0, 60.0, 40.0, 300.0, 200.0),
            other.anomalyPower(day, minute, 900.0, 400.0, 300.0, 80.0, 60.0, 40.0, 300.0, 200.0));
      }
    }
  }

  @Test
  void hourlyEnvelopeIsTheReferenceWithinHalfAWattHour() {
    for (int hour = 0; hour < 24; hour++) {
      assertEquals(Fixture.REFERENCE_MIN[hour], bands.hourLower(hour), 0.5, "lower " + hour);
      assertEquals(Fixture.REFERENCE_MAX[hour], bands.hourUpper(hour), 0.5, "upper " + hour);
    }
  }

  @Test
  void everyHourScoresLikeTheOriginalFormula() {
    for (int hour = 0; hour < 24; hour++) {
      final double min = Fixture.REFERENCE_MIN[hour];
      final double max = Fixture.REFERENCE_MAX[hour];
      for (final double kwh : new double[] {0, min, (min + max) / 2, max, 1500, 5000}) {
        assertEquals((kwh - min) / (max - min), udf.anomolyPower((double) hour, kwh), 2e-3,
            "hour " + hour + " kwh " + kwh);
      }
    }
  }

  @Test
  void dayFormUsesTheHoursEnvelopeOnEveryDay() {
    for (int day = 1; day <= 7; day++) {
      for (int hour = 0; hour < 24; hour++) {
        assertEquals(udf.anomolyPower((double) hour, 1500.0), udf.anomolyPower(day, hour, 1500.0));
      }
    }
  }

  /** A 2 kW heater on since 01:00 at 04:30: every floor far above this house's night. */
  @Test
  void aHeaterLeftOnAtNightIsHigh() {
    final int minute = 4 * 60 + 30;
    for (final int day : new int[] {3, 6}) {
      final Double score = udf.anomolyPower(day, minute, 2150.0, 2150.0, 2150.0, 0.0, 0.0, 0.0,
          10.0, 520.0);
      // The 15-min floor at 04:30: ref 150, upper 1.3 x 320 = 416 (the script's statistics).
      assertEquals((2150 - 150.0) / (416 - 150.0), score, 0.05);
      assertTrue(score > 1, "high: " + score);
      // The collector of raw_power version 2 (5 arguments) sees it too.
      assertEquals(score, udf.anomolyPower(minute, 2150.0, 2150.0, 2150.0, 520.0), 0.05);
    }
  }

  /**
   * A 2 kW heater under a thermostat at night, on 70 % of the time since 03:30: the floors stay
   * at the base load, but the 45-min step (its 40th percentile above the hour before) is at
   * 2 kW, far above the night's upper of 1.3 x 150 + 100 = 295.
   */
  @Test
  void aCyclingHeaterIsSeenByTheStepsNotTheFloors() {
    final int minute = 4 * 60 + 30;
    final Double floorsOnly = udf.anomolyPower(minute, 150.0, 140.0, 130.0, 470.0);
    assertTrue(floorsOnly >= 0 && floorsOnly <= 1, "normal by the floors: " + floorsOnly);
    final Double score = udf.anomolyPower(3, minute, 150.0, 140.0, 130.0, 0.0, 2000.0, 0.0, 900.0,
        470.0);
    assertEquals((2000 - 0.0) / (295 - 0.0), score, 0.05);
    assertTrue(score > 1, "high: " + score);
  }

  /** At 09:00 a 1 kW floor is high on a Wednesday (the house is empty) but not on a Saturday. */
  @Test
  void weekdaysAndWeekendsHaveTheirOwnBands() {
    final int minute = 9 * 60;
    // Weekday 09:00: ref 210, upper 1.3 x 600 = 780; weekend (breakfast): ref 200, upper 1170.
    final Double wednesday = udf.anomolyPower(3, minute, 1000.0, null, null, null, null, null, null,
        null);
    final Double saturday = udf.anomolyPower(6, minute, 1000.0, null, null, null, null, null, null,
        null);
    assertEquals((1000 - 210.0) / (780 - 210.0), wednesday, 0.01);
    assertEquals((1000 - 200.0) / (1170 - 200.0), saturday, 0.01);
    assertTrue(wednesday > 1 && saturday < 1, wednesday + " " + saturday);
    assertEquals(saturday, udf.anomolyPower(7, minute, 1000.0, null, null, null, null, null, null,
        null));
    // The 5-argument form reads the weekday tables.
    assertEquals(wednesday, udf.anomolyPower(minute, 1000.0, null, null, null));
    // And a day that is no day of the week scores NULL in this two-day-type model.
    assertNull(udf.anomolyPower(0, minute, 1000.0, null, null, null, null, null, null, null));
    assertNull(udf.anomolyPower(null, minute, 1000.0, null, null, null, null, null, null, null));
  }

  /** Water heating between 01:00 and 02:30 is this house's normal: the 15-min floor and the
   * 20-min step are not used there (upper 100000) and the 1-h floor's upper is 1.3 x 2450 + 100. */
  @Test
  void theNightlyWaterHeatingIsNormal() {
    final int minute = 90;
    for (int t = 0; t < 2; t++) {
      assertTrue(bands.value(Band.FLOOR_15M_UPPER, t, minute) > 99000,
          "not used: " + bands.value(Band.FLOOR_15M_UPPER, t, minute));
      assertTrue(bands.value(Band.STEP_20M_UPPER, t, minute) > 99000,
          "not used: " + bands.value(Band.STEP_20M_UPPER, t, minute));
    }
    // Half an hour of 2.4 kW: steps of 2.4 kW over 20 and 45 min, not yet over 90 (on a third of
    // them), 400 W of activity over 3 h.
    final Double score = udf.anomolyPower(2, minute, 2540.0, 2500.0, 300.0, 2400.0, 2300.0, 0.0,
        400.0, 470.0);
    assertTrue(score >= 0 && score <= 1, "normal: " + score);
    assertTrue(udf.anomolyPower(minute, 2540.0, 2500.0, 300.0, 470.0) <= 1);
  }

  /** A week away: the high measures at the fridge, the 24-h mean at a third of usual. */
  @Test
  void aHouseAwayIsLow() {
    final int minute = 19 * 60;
    for (final int day : new int[] {1, 7}) {
      final int t = day >= 6 ? 1 : 0;
      final double lower = bands.value(Band.MEAN_24H_LOWER, t, minute);
      final double ref = bands.value(Band.MEAN_24H_REF, t, minute);
      final Double score = udf.anomolyPower(day, minute, 90.0, 85.0, 80.0, 0.0, 0.0, 0.0, 5.0,
          ref / 3);
      assertEquals((ref / 3 - lower) / (ref - lower), score, 1e-12);
      assertTrue(score < 0, "low: " + score);
    }
  }

  /** An ordinary evening: every measure at its usual level, the usual mean. */
  @Test
  void anOrdinaryEveningIsNormal() {
    final int minute = 20 * 60 + 15;
    for (final int day : new int[] {4, 6}) {
      final int t = day >= 6 ? 1 : 0;
      final Double[] x = new Double[8];
      for (int k = 0; k < 7; k++) {
        x[k] = bands.value(Band.ref(k), t, minute);
      }
      x[7] = bands.value(Band.MEAN_24H_REF, t, minute);
      assertEquals(0.0, udf.anomolyPower(day, minute, x[0], x[1], x[2], x[3], x[4], x[5], x[6],
          x[7]));
    }
  }
}
