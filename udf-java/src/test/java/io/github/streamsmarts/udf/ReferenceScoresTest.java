package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.streamsmarts.udf.model.Envelope;
import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelSource;
import org.junit.jupiter.api.Test;

/** The fixture model reproduces the 2018 envelope, so the UDF gives the 2018 scores. */
class ReferenceScoresTest {

  private final AnomolyPowerUdf udf = configured();

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
  }

  @Test
  void hourlyEnvelopeIsTheReferenceWithinHalfAWattHour() {
    final Envelope envelope = Model.load(ModelSource.directory(Fixture.modelDir())).envelope();
    for (int hour = 0; hour < 24; hour++) {
      assertEquals(Fixture.REFERENCE_MIN[hour], envelope.hourLower(hour), 0.5, "lower " + hour);
      assertEquals(Fixture.REFERENCE_MAX[hour], envelope.hourUpper(hour), 0.5, "upper " + hour);
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
  void dayFormUsesTheCellNotTheHour() {
    final Envelope envelope = Model.load(ModelSource.directory(Fixture.modelDir())).envelope();
    final double lower = envelope.cellLower(3, 9);
    final double upper = envelope.cellUpper(3, 9);
    assertEquals((1500 - lower) / Math.max(upper - lower, 1), udf.anomolyPower(3, 9, 1500.0), 1e-12);
  }
}
