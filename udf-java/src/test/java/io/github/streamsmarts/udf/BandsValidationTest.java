package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.ModelException;
import io.github.streamsmarts.udf.model.Scores;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every check MODEL-FORMAT asks of a model's tables, one violation at a time, on tables made by
 * hand (the real MOJOs that break them are in ModelLoadingTest), and the derived hours and cells.
 */
class BandsValidationTest {

  private static final String FILE = "/models/x/bands.zip";

  /**
   * Valid tables of {@code dayTypes} day types, as {@link Bands#of} takes them: every high measure
   * ref 100 upper 300, the mean lower 240 ref 400 (the weekend's 10 W higher throughout), kwh
   * 110 + m % 60 .. 1000 + m (once, in day type 0).
   */
  static double[][][] valid(final int dayTypes) {
    final double[][][] v = new double[dayTypes][Band.values().length][];
    for (int t = 0; t < dayTypes; t++) {
      for (final Band band : Band.values()) {
        if (t == 0 || band.perDayType()) {
          v[t][band.ordinal()] = new double[Bands.MINUTES];
        }
      }
      for (int m = 0; m < Bands.MINUTES; m++) {
        for (int k = 0; k < Bands.HIGH; k++) {
          v[t][Band.ref(k).ordinal()][m] = 100;
          v[t][Band.upper(k).ordinal()][m] = 300;
        }
        v[t][Band.MEAN_24H_LOWER.ordinal()][m] = 240 + 10 * t;
        v[t][Band.MEAN_24H_REF.ordinal()][m] = 400 + 10 * t;
        if (t == 0) {
          v[t][Band.KWH_LOWER.ordinal()][m] = 110 + m % 60;
          v[t][Band.KWH_UPPER.ordinal()][m] = 1000 + m;
        }
      }
    }
    return v;
  }

  /** Where a message says the band is: the minute and, for a band with one, its day type. */
  private static String where(final Band band, final int t, final int dayTypes, final String at) {
    return at + " of " + (!band.perDayType() ? "every day" : dayTypes == 1
        ? "every day (day type 0)" : t == 0 ? "weekdays (day type 0)" : "weekends (day type 1)");
  }

  private static String refused(final int dayTypes, final int t, final Band band,
      final int minute, final double value) {
    final double[][][] v = valid(dayTypes);
    v[t][band.ordinal()][minute] = value;
    return assertThrows(ModelException.class, () -> Bands.of(v, FILE)).getMessage();
  }

  @Test
  void validTablesLoad() {
    final Bands two = Bands.of(valid(2), FILE);
    assertEquals(2, two.dayTypes());
    assertEquals(100, two.value(Band.ACTIVITY_3H_REF, 1, 1439));
    assertEquals(410, two.value(Band.MEAN_24H_REF, 1, 0));
    assertEquals(1439 + 1000, two.value(Band.KWH_UPPER, 0, 1439));
    // The kwh bands are one for every day type.
    assertEquals(1439 + 1000, two.value(Band.KWH_UPPER, 1, 1439));
    final Bands one = Bands.of(valid(1), FILE);
    assertEquals(1, one.dayTypes());
    assertEquals(400, one.value(Band.MEAN_24H_REF, 0, 0));
  }

  @Test
  void everyBandMustBeFinite() {
    for (final int dayTypes : new int[] {1, 2}) {
      for (int t = 0; t < dayTypes; t++) {
        for (final Band band : Band.values()) {
          if (t > 0 && !band.perDayType()) {
            continue;
          }
          for (final double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY,
              Double.NEGATIVE_INFINITY}) {
            assertEquals(FILE + ": band " + band.level() + " at "
                + where(band, t, dayTypes, "minute 777 (12:57)") + " is " + bad
                + "; every band must be a finite number of Wh/h",
                refused(dayTypes, t, band, 777, bad));
          }
        }
      }
    }
  }

  @Test
  void noBandMayBeBelowZero() {
    for (final int dayTypes : new int[] {1, 2}) {
      for (int t = 0; t < dayTypes; t++) {
        for (final Band band : Band.values()) {
          if (t > 0 && !band.perDayType()) {
            continue;
          }
          assertEquals(FILE + ": band " + band.level() + " at "
              + where(band, t, dayTypes, "minute 0 (00:00)") + " is -0.001 Wh/h;"
              + " no band may be below 0", refused(dayTypes, t, band, 0, -0.001));
        }
      }
    }
    // -0.0 is not below 0 (and 0 W is a possible band: a step's median).
    final double[][][] v = valid(2);
    v[1][Band.STEP_20M_REF.ordinal()][5] = -0.0;
    v[0][Band.STEP_45M_REF.ordinal()][5] = 0.0;
    Bands.of(v, FILE);
  }

  @Test
  void refsMustNotExceedUppersNorLowersRefs() {
    assertEquals(FILE + ": band floor_15m.ref at minute 1439 (23:59) of weekdays (day type 0) is"
        + " 300.5, above floor_15m.upper 300.0 there; floor_15m.ref must not exceed"
        + " floor_15m.upper", refused(2, 0, Band.FLOOR_15M_REF, 1439, 300.5));
    assertEquals(FILE + ": band step_45m.ref at minute 310 (05:10) of weekends (day type 1) is"
        + " 100.0, above step_45m.upper 99.0 there; step_45m.ref must not exceed step_45m.upper",
        refused(2, 1, Band.STEP_45M_UPPER, 310, 99.0));
    assertEquals(FILE + ": band activity_3h.ref at minute 61 (01:01) of every day (day type 0) is"
        + " 100.0, above activity_3h.upper 99.0 there; activity_3h.ref must not exceed"
        + " activity_3h.upper", refused(1, 0, Band.ACTIVITY_3H_UPPER, 61, 99.0));
    for (int k = 0; k < Bands.HIGH; k++) {
      for (int t = 0; t < 2; t++) {
        final String message = refused(2, t, Band.ref(k), 600, 1e6);
        assertTrue(message.startsWith(FILE + ": band " + Band.ref(k) + " at minute 600 (10:00) of "
            + (t == 0 ? "weekdays" : "weekends") + " (day type " + t + ") is 1000000.0, above "
            + Band.upper(k) + " 300.0"), message);
      }
    }
    assertTrue(refused(2, 1, Band.MEAN_24H_LOWER, 2, 410.25).startsWith(FILE + ": band"
        + " mean_24h.lower at minute 2 (00:02) of weekends (day type 1) is 410.25, above"
        + " mean_24h.ref 410.0"));
    assertTrue(refused(2, 0, Band.KWH_UPPER, 1000, 109.0).startsWith(
        FILE + ": band kwh.lower at minute 1000 (16:40) of every day is 150.0, above kwh.upper"
            + " 109.0"));
    // Equal is allowed: a band that is zero wide.
    final double[][][] v = valid(2);
    v[1][Band.FLOOR_1H_UPPER.ordinal()][9] = 100;
    v[0][Band.MEAN_24H_LOWER.ordinal()][9] = 400;
    v[0][Band.KWH_LOWER.ordinal()][9] = 1009;
    Bands.of(v, FILE);
  }

  @Test
  void theFirstViolationIsReported() {
    // In the order day type, then band, then minute: the weekday kwh NaN is after the weekday
    // floor but before anything of the weekend.
    final double[][][] v = valid(2);
    v[0][Band.KWH_UPPER.ordinal()][3] = Double.NaN;
    v[0][Band.FLOOR_15M_REF.ordinal()][900] = -5;
    v[1][Band.FLOOR_15M_REF.ordinal()][1] = -5;
    String message = assertThrows(ModelException.class, () -> Bands.of(v, FILE)).getMessage();
    assertTrue(message.contains("floor_15m.ref at minute 900"), message);
    v[0][Band.FLOOR_15M_REF.ordinal()][900] = 100;
    message = assertThrows(ModelException.class, () -> Bands.of(v, FILE)).getMessage();
    assertTrue(message.contains("kwh.upper at minute 3"), message);
    // A value that is invalid is reported before an order that is.
    final double[][][] w = valid(2);
    w[0][Band.FLOOR_1H_UPPER.ordinal()][0] = 50;
    w[1][Band.MEAN_24H_REF.ordinal()][700] = Double.NaN;
    message = assertThrows(ModelException.class, () -> Bands.of(w, FILE)).getMessage();
    assertTrue(message.contains("mean_24h.ref at minute 700 (11:40) of weekends"), message);
  }

  @Test
  void theTablesMustHaveTheirShape() {
    assertThrows(IllegalArgumentException.class,
        () -> Bands.of(new double[3][Band.values().length][Bands.MINUTES], FILE));
    final double[][][] kwhTwice = valid(2);
    kwhTwice[1][Band.KWH_LOWER.ordinal()] = new double[Bands.MINUTES];
    assertThrows(IllegalArgumentException.class, () -> Bands.of(kwhTwice, FILE));
    final double[][][] short1 = valid(1);
    short1[0][Band.STEP_90M_UPPER.ordinal()] = new double[Bands.MINUTES - 1];
    assertThrows(IllegalArgumentException.class, () -> Bands.of(short1, FILE));
    final double[][][] missing = valid(2);
    missing[1][Band.STEP_90M_UPPER.ordinal()] = null;
    assertThrows(IllegalArgumentException.class, () -> Bands.of(missing, FILE));
  }

  @Test
  void hoursAreTheLowestLowerAndHighestUpperOfTheirMinutesAndCellsEqualTheirHour() {
    for (final int dayTypes : new int[] {1, 2}) {
      final Bands bands = Bands.of(valid(dayTypes), FILE);
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
  }

  @Test
  void theTablesAreCopiedSoTheCallerCannotChangeThem() {
    final double[][][] v = valid(2);
    final Bands bands = Bands.of(v, FILE);
    Arrays.fill(v[0][Band.FLOOR_15M_REF.ordinal()], 299);
    Arrays.fill(v[1][Band.STEP_20M_REF.ordinal()], 299);
    Arrays.fill(v[0][Band.KWH_UPPER.ordinal()], 5);
    assertEquals(100, bands.value(Band.FLOOR_15M_REF, 0, 10));
    assertEquals(100, bands.value(Band.STEP_20M_REF, 1, 10));
    assertEquals(1010, bands.value(Band.KWH_UPPER, 1, 10));
    assertEquals(0.0, Scores.score(bands, 10, 100.0, null, null, null));
    assertEquals(0.0, Scores.score(bands, 6, 10, null, null, null, 100.0, null, null, null,
        null));
  }
}
