package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import org.junit.jupiter.api.Test;

/**
 * The reference model: its kwh bands reproduce the 2018 envelope, so the 2018 forms give the 2018
 * scores; its floors and 24-h mean score the readings the issue is about as a person would expect.
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

  /** A 2 kW heater on since 01:00 at 04:00: every floor far above this house's night. */
  @Test
  void aHeaterLeftOnAtNightIsHigh() {
    final int minute = 4 * 60 + 30;
    final Double score = udf.anomolyPower(minute, 2150.0, 2150.0, 2150.0, 520.0);
    // The 15-min floor at 04:30: ref 150, upper 1.3 x 320 = 416 (the script's statistics).
    assertEquals((2150 - 150.0) / (416 - 150.0), score, 0.05);
    assertTrue(score > 1, "high: " + score);
  }

  /** Water heating between 01:00 and 02:30 is this house's normal: the 15-min floor is not used
   * there (upper 100000) and the 1-h floor's upper is 1.3 x 2450 + 100. */
  @Test
  void theNightlyWaterHeatingIsNormal() {
    final int minute = 90;
    assertTrue(bands.value(Band.FLOOR_15M_UPPER, minute) > 99000,
        "not used: " + bands.value(Band.FLOOR_15M_UPPER, minute));
    final Double score = udf.anomolyPower(minute, 2540.0, 2500.0, 300.0, 470.0);
    assertTrue(score >= 0 && score <= 1, "normal: " + score);
  }

  /** A week away: floors at the fridge, the 24-h mean at a third of usual. */
  @Test
  void aHouseAwayIsLow() {
    final int minute = 19 * 60;
    final double lower = bands.value(Band.MEAN_24H_LOWER, minute);
    final double ref = bands.value(Band.MEAN_24H_REF, minute);
    final Double score = udf.anomolyPower(minute, 90.0, 85.0, 80.0, ref / 3);
    assertEquals((ref / 3 - lower) / (ref - lower), score, 1e-12);
    assertTrue(score < 0, "low: " + score);
  }

  /** An ordinary evening: floors at their usual levels, the usual mean. */
  @Test
  void anOrdinaryEveningIsNormal() {
    final int minute = 20 * 60 + 15;
    final Double score = udf.anomolyPower(minute, bands.value(Band.FLOOR_15M_REF, minute),
        bands.value(Band.FLOOR_1H_REF, minute), bands.value(Band.FLOOR_3H_REF, minute),
        bands.value(Band.MEAN_24H_REF, minute));
    assertEquals(0.0, score);
  }
}
