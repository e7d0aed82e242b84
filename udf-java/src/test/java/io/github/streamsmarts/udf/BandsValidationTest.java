package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.ModelException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every check MODEL-FORMAT asks of a model's tables, one violation at a time, on tables made by
 * hand (the real MOJOs that break them are in ModelLoadingTest), and the derived hours and cells.
 */
class BandsValidationTest {

  private static final String FILE = "/models/x/bands.zip";

  /** A valid model: floors ref 100 upper 300, mean lower 240 ref 400, kwh 110..(hour-dependent). */
  static double[][] valid() {
    final double[][] v = new double[Band.values().length][Bands.MINUTES];
    for (int m = 0; m < Bands.MINUTES; m++) {
      v[Band.FLOOR_15M_REF.ordinal()][m] = 100;
      v[Band.FLOOR_15M_UPPER.ordinal()][m] = 300;
      v[Band.FLOOR_1H_REF.ordinal()][m] = 100;
      v[Band.FLOOR_1H_UPPER.ordinal()][m] = 300;
      v[Band.FLOOR_3H_REF.ordinal()][m] = 100;
      v[Band.FLOOR_3H_UPPER.ordinal()][m] = 300;
      v[Band.MEAN_24H_LOWER.ordinal()][m] = 240;
      v[Band.MEAN_24H_REF.ordinal()][m] = 400;
      v[Band.KWH_LOWER.ordinal()][m] = 110 + m % 60;
      v[Band.KWH_UPPER.ordinal()][m] = 1000 + m;
    }
    return v;
  }

  private static String refused(final Band band, final int minute, final double value) {
    final double[][] v = valid();
    v[band.ordinal()][minute] = value;
    return assertThrows(ModelException.class, () -> Bands.of(v, FILE)).getMessage();
  }

  @Test
  void validTablesLoad() {
    final Bands bands = Bands.of(valid(), FILE);
    assertEquals(100, bands.value(Band.FLOOR_3H_REF, 1439));
    assertEquals(1439 + 1000, bands.value(Band.KWH_UPPER, 1439));
  }

  @Test
  void everyBandMustBeFinite() {
    for (final Band band : Band.values()) {
      for (final double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY}) {
        final String message = refused(band, 777, bad);
        assertEquals(FILE + ": band " + band.level() + " at minute 777 (12:57) is " + bad
            + "; every band must be a finite number of Wh/h", message);
      }
    }
  }

  @Test
  void noBandMayBeBelowZero() {
    for (final Band band : Band.values()) {
      assertEquals(FILE + ": band " + band.level() + " at minute 0 (00:00) is -0.001 Wh/h;"
          + " no band may be below 0", refused(band, 0, -0.001));
    }
    // -0.0 is not below 0 (and 0 W is a possible floor).
    final double[][] v = valid();
    v[Band.FLOOR_15M_REF.ordinal()][5] = -0.0;
    Bands.of(v, FILE);
  }

  @Test
  void refsMustNotExceedUppersNorLowersRefs() {
    assertEquals(FILE + ": band floor_15m.ref at minute 1439 (23:59) is 300.5, above"
        + " floor_15m.upper 300.0 there; floor_15m.ref must not exceed floor_15m.upper",
        refused(Band.FLOOR_15M_REF, 1439, 300.5));
    assertTrue(refused(Band.FLOOR_1H_UPPER, 61, 99.0).startsWith(
        FILE + ": band floor_1h.ref at minute 61 (01:01) is 100.0, above floor_1h.upper 99.0"));
    assertTrue(refused(Band.FLOOR_3H_REF, 600, 1e6).startsWith(
        FILE + ": band floor_3h.ref at minute 600 (10:00) is 1000000.0, above floor_3h.upper"));
    assertTrue(refused(Band.MEAN_24H_LOWER, 2, 400.25).startsWith(
        FILE + ": band mean_24h.lower at minute 2 (00:02) is 400.25, above mean_24h.ref 400.0"));
    assertTrue(refused(Band.KWH_UPPER, 1000, 109.0).startsWith(
        FILE + ": band kwh.lower at minute 1000 (16:40) is 150.0, above kwh.upper 109.0"));
    // Equal is allowed: a band that is zero wide.
    final double[][] v = valid();
    v[Band.FLOOR_1H_UPPER.ordinal()][9] = 100;
    v[Band.MEAN_24H_LOWER.ordinal()][9] = 400;
    Bands.of(v, FILE);
  }

  @Test
  void theFirstViolationIsReported() {
    final double[][] v = valid();
    v[Band.KWH_UPPER.ordinal()][3] = Double.NaN;
    v[Band.FLOOR_15M_REF.ordinal()][900] = -5;
    final String message = assertThrows(ModelException.class, () -> Bands.of(v, FILE))
        .getMessage();
    assertTrue(message.contains("floor_15m.ref at minute 900"), message);
  }

  @Test
  void hoursAreTheLowestLowerAndHighestUpperOfTheirMinutesAndCellsEqualTheirHour() {
    final Bands bands = Bands.of(valid(), FILE);
    for (int h = 0; h < 24; h++) {
      // kwh.lower is 110 + m % 60 (lowest at the hour's first minute), kwh.upper 1000 + m.
      assertEquals(110, bands.hourLower(h), "hour " + h);
      assertEquals(1000 + h * 60 + 59, bands.hourUpper(h), "hour " + h);
      for (int day = 1; day <= 7; day++) {
        assertEquals(bands.hourLower(h), bands.cellLower(day, h));
        assertEquals(bands.hourUpper(h), bands.cellUpper(day, h));
      }
    }
  }

  @Test
  void theTablesAreCopiedSoTheCallerCannotChangeThem() {
    final double[][] v = valid();
    final Bands bands = Bands.of(v, FILE);
    Arrays.fill(v[Band.FLOOR_15M_REF.ordinal()], 299);
    assertEquals(100, bands.value(Band.FLOOR_15M_REF, 10));
    assertEquals(0.0, io.github.streamsmarts.udf.model.Scores.score(bands, 10, 100.0, null, null,
        null));
  }
}
