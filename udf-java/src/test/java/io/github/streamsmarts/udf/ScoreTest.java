package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.Scores;
import org.junit.jupiter.api.Test;

/**
 * The bands@3 score on cases worked out by hand (MODEL-FORMAT, "The score"), on tables whose
 * numbers make the arithmetic easy. Two day types; at minute 600 of weekdays:
 * <pre>
 *   floor_15m   ref 100 upper  300  (z denominator 200)
 *   floor_1h    ref  80 upper  180  (100)
 *   floor_3h    ref  60 upper  100  (40)
 *   step_20m    ref   0 upper  500  (500)
 *   step_45m    ref  10 upper  410  (400)
 *   step_90m    ref  20 upper  270  (250)
 *   activity_3h ref 200 upper 1000  (800)
 *   mean_24h    lower 240 ref 400   (160)
 * </pre>
 * and at minute 600 of weekends every band twice that (denominators twice too). At minute 601 of
 * weekdays the degenerate bands: floor_3h ref 60 upper 60.5, step_20m ref 0 upper 0 (a 0 W band),
 * mean_24h lower 399.5 ref 400 (denominators below 1, so max(..., 1) = 1), floor_15m upper 100000
 * ("not used"). Elsewhere {@link BandsValidationTest#valid}: high measures ref 100 upper 300, mean
 * lower 240 ref 400 (weekends 250, 410).
 */
class ScoreTest {

  private static final double[] WEEKDAY_600 = {
      100, 300, 80, 180, 60, 100, 0, 500, 10, 410, 20, 270, 200, 1000, 400, 240};
  private static final Bands BANDS = bands(2);
  /** The same weekday tables, as a model with one day type. */
  private static final Bands ONE = bands(1);

  private static Bands bands(final int dayTypes) {
    final double[][][] v = BandsValidationTest.valid(dayTypes);
    set(v, 0, 600, WEEKDAY_600);
    set(v, 0, 601, 100, 100000, 80, 180, 60, 60.5, 0, 0, 10, 410, 20, 270, 200, 1000, 400, 399.5);
    if (dayTypes == 2) {
      final double[] weekend = new double[WEEKDAY_600.length];
      for (int i = 0; i < weekend.length; i++) {
        weekend[i] = 2 * WEEKDAY_600[i];
      }
      set(v, 1, 600, weekend);
    }
    return Bands.of(v, "hand-made");
  }

  /** Sets the sixteen bands of (t, m), in Bands.SCORE_ORDER. */
  private static void set(final double[][][] v, final int t, final int m, final double... bands) {
    for (int slot = 0; slot < bands.length; slot++) {
      v[t][Bands.SCORE_ORDER.get(slot).ordinal()][m] = bands[slot];
    }
  }

  /** The 10-argument form: day, minute, the seven high measures in order, the 24-h mean. */
  private static Double at(final Bands bands, final Integer day, final Integer minute,
      final Double... x) {
    return Scores.score(bands, day, minute, x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
  }

  /** Weekday (Wednesday) at minute 600. */
  private static Double wed(final Double... x) {
    return at(BANDS, 3, 600, x);
  }

  /** The 5-argument form at minute 600. */
  private static Double five(final int minute, final Double f15, final Double f1h,
      final Double f3h, final Double m24) {
    return Scores.score(BANDS, minute, f15, f1h, f3h, m24);
  }

  @Test
  void highIsTheLargestZOfTheMeasuresPresentWhenAbove1() {
    // z15 = (500-100)/200 = 2, z1h = (130-80)/100 = 0.5, z3h = (70-60)/40 = 0.25
    assertEquals(2.0, wed(500.0, 130.0, 70.0, null, null, null, null, 400.0));
    // z3h = (160-60)/40 = 2.5 beats z15 = (400-100)/200 = 1.5
    assertEquals(2.5, wed(400.0, 100.0, 160.0, null, null, null, null, 400.0));
    // high wins over low: z15 = 3, l = (0-240)/160 = -1.5
    assertEquals(3.0, wed(700.0, null, null, null, null, null, null, 0.0));
  }

  /** Each high measure alone above its upper, and each the largest among all seven. */
  @Test
  void everyHighMeasureCanDecide() {
    // Alone: z = 2.5 for each (x = ref + 2.5 denominators).
    final double[] alone = {600, 330, 160, 1250, 1010, 645, 2200};
    for (int k = 0; k < Bands.HIGH; k++) {
      final Double[] x = new Double[8];
      x[k] = alone[k];
      assertEquals(2.5, wed(x), "measure " + k);
    }
    // All present, each at z = 1.5 except measure k at 3 (x = ref + 3 denominators).
    final double[] three = {700, 380, 180, 1500, 1210, 770, 2600};
    final double[] oneAndAHalf = {400, 230, 120, 750, 610, 395, 1400};
    for (int k = 0; k < Bands.HIGH; k++) {
      final Double[] x = new Double[8];
      for (int j = 0; j < Bands.HIGH; j++) {
        x[j] = j == k ? three[j] : oneAndAHalf[j];
      }
      x[7] = 100.0;
      assertEquals(3.0, wed(x), "measure " + k);
    }
  }

  @Test
  void exactlyAtUpperIsNormalNotHigh() {
    // z = (300-100)/200 = 1 exactly: not > 1, so normal, max(1, 0) = 1
    assertEquals(1.0, wed(300.0, 80.0, 60.0, 0.0, 10.0, 20.0, 200.0, 400.0));
    assertEquals(1.0, wed(null, null, null, null, null, null, 1000.0, null));
    assertEquals(1.0, wed(null, null, null, 500.0, null, null, null, null));
  }

  @Test
  void lowWhenNoHighMeasureIsHighAndTheMeanIsBelowLower() {
    // l = (160-240)/160 = -0.5; measures normal: z15 = 0, z1h = 0.2, z3h = 0.5, z20 = 0.9
    assertEquals(-0.5, wed(100.0, 100.0, 80.0, 450.0, null, null, null, 160.0));
    // high measures absent
    assertEquals(-1.5, wed(null, null, null, null, null, null, null, 0.0));
    // z = 1 exactly is not high, so a low mean still wins
    assertEquals(-0.25, wed(null, null, null, null, null, 270.0, null, 200.0));
  }

  @Test
  void normalFromTheHighMeasuresIsClippedAtZero() {
    // every z at or below 0 -> max 0; the mean (l = 0.5) is not consulted
    assertEquals(0.0, wed(50.0, 80.0, 30.0, 0.0, 5.0, 0.0, 100.0, 320.0));
    assertEquals(0.0, wed(null, null, null, null, null, null, 150.0, 320.0));
    // z45 = (310-10)/400 = 0.75, l = (320-240)/160 = 0.5: the high measures' value
    assertEquals(0.75, wed(null, null, null, null, 310.0, null, null, 320.0));
    // the mean exactly at lower: l = 0, not < 0, so normal from the high measures
    assertEquals(0.75, wed(null, null, null, null, 310.0, null, null, 240.0));
  }

  /** Any one high measure present, at or below its ref, makes the score 0 (the mean unread). */
  @Test
  void oneHighMeasureAtOrBelowItsRefIsNormalAtZero() {
    for (int k = 0; k < Bands.HIGH; k++) {
      for (final double x : new double[] {0.0, WEEKDAY_600[2 * k] / 2, WEEKDAY_600[2 * k]}) {
        final Double[] alone = new Double[8];
        alone[k] = x;
        alone[7] = 320.0;
        assertEquals(0.0, wed(alone), "measure " + k + " at " + x);
        alone[7] = null;
        assertEquals(0.0, wed(alone), "measure " + k + " at " + x + ", no mean");
      }
    }
    for (int k = 0; k < 3; k++) {
      final Double[] floors = new Double[3];
      floors[k] = WEEKDAY_600[2 * k] / 2;
      assertEquals(0.0, five(600, floors[0], floors[1], floors[2], 320.0), "floor " + k);
      assertEquals(0.0, five(600, floors[0], floors[1], floors[2], null), "floor " + k);
    }
  }

  @Test
  void normalFromTheMeanWhenNoHighMeasureIsPresentIsClippedAtOne() {
    // l = (320-240)/160 = 0.5
    assertEquals(0.5, wed(null, null, null, null, null, null, null, 320.0));
    // l = (800-240)/160 = 3.5 -> min(3.5, 1) = 1: a high 24-h mean is not an anomaly
    assertEquals(1.0, wed(null, null, null, null, null, null, null, 800.0));
    // exactly at lower: l = 0
    assertEquals(0.0, wed(null, null, null, null, null, null, null, 240.0));
  }

  @Test
  void nothingPresentScoresNull() {
    assertNull(wed(null, null, null, null, null, null, null, null));
    assertNull(wed(Double.NaN, -1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        -Double.MIN_VALUE, -0.5, Double.NaN, Double.NaN));
  }

  @Test
  void anInvalidInputCountsAsAbsent() {
    // The 15-min floor is NaN, the 1-h floor decides: z1h = (330-80)/100 = 2.5
    assertEquals(2.5, wed(Double.NaN, 330.0, null, null, null, null, null, null));
    assertEquals(2.5, wed(-500.0, 330.0, Double.POSITIVE_INFINITY, Double.NaN, -1.0,
        Double.NEGATIVE_INFINITY, -0.001, null));
    // The mean is negative, so absent: the measures' value max(-0.25, 0) = 0
    assertEquals(0.0, wed(50.0, null, null, null, null, null, null, -1.0));
    // -0.0 is a reading of 0: z15 = (0-100)/200 = -0.5 -> 0; l = (0-240)/160 = -1.5 -> low
    assertEquals(-1.5, wed(-0.0, null, null, null, null, null, null, -0.0));
    // and a step of -0.0 is a step of 0, at its ref of 0: z = 0
    assertEquals(0.0, wed(null, null, null, -0.0, null, null, null, null));
  }

  @Test
  void theDenominatorIsAtLeastOne() {
    // floor_3h upper - ref = 0.5 -> 1: z = (62-60)/1 = 2 (not 4)
    assertEquals(2.0, at(BANDS, 1, 601, null, null, 62.0, null, null, null, null, null));
    // (60.75-60)/1 = 0.75: normal (with 0.5 it would have been 1.5, high)
    assertEquals(0.75, at(BANDS, 1, 601, null, null, 60.75, null, null, null, null, null));
    // a 0 W step band: upper - ref = 0 -> 1: a step of 0.5 W is z 0.5, of 3 W z 3
    assertEquals(0.5, at(BANDS, 1, 601, null, null, null, 0.5, null, null, null, null));
    assertEquals(3.0, at(BANDS, 1, 601, null, null, null, 3.0, null, null, null, null));
    // mean ref - lower = 0.5 -> 1: l = (399-399.5)/1 = -0.5 (not -1)
    assertEquals(-0.5, at(BANDS, 1, 601, null, null, null, null, null, null, null, 399.0));
    // the 2018 form: kwh.upper - lower at least 1 too (see ReferenceScoresTest for real values)
    assertEquals(10.0, Scores.envelope(120, 110, 110.5));
  }

  @Test
  void anUnusedUpperOf100000NeverAlertsAtHouseholdPower() {
    // (20100-100)/99900 = 0.2002...: a 20 kW floor is normal where the 15-min floor is not used
    assertEquals((20100.0 - 100.0) / 99900.0,
        at(BANDS, 1, 601, 20100.0, null, null, null, null, null, null, null));
    // above 100 kW it would be high, as the formula says
    assertEquals((200100.0 - 100.0) / 99900.0,
        at(BANDS, 1, 601, 200100.0, null, null, null, null, null, null, null));
  }

  @Test
  void weekendsReadTheWeekendTables() {
    // Weekday 600: z15 = (500-100)/200 = 2; weekend 600: (500-200)/400 = 0.75
    for (int day = 1; day <= 5; day++) {
      assertEquals(2.0, at(BANDS, day, 600, 500.0, null, null, null, null, null, null, null));
    }
    for (int day = 6; day <= 7; day++) {
      assertEquals(0.75, at(BANDS, day, 600, 500.0, null, null, null, null, null, null, null));
      // the mean: weekend lower 480, ref 800 -> l = (320-480)/320 = -0.5
      assertEquals(-0.5, at(BANDS, day, 600, null, null, null, null, null, null, null, 320.0));
    }
    // Elsewhere the weekend's mean is 10 W above the weekday's: (245-250)/160 < 0 < (245-240)/160
    assertEquals(5.0 / 160, at(BANDS, 2, 700, null, null, null, null, null, null, null, 245.0));
    assertEquals(-5.0 / 160, at(BANDS, 7, 700, null, null, null, null, null, null, null, 245.0));
  }

  @Test
  void withTwoDayTypesTheDayMustBeADayOfTheWeek() {
    for (final Integer day : new Integer[] {null, 0, 8, -1, Integer.MIN_VALUE,
        Integer.MAX_VALUE}) {
      assertNull(at(BANDS, day, 600, 500.0, null, null, null, null, null, null, 400.0),
          "day " + day);
    }
  }

  @Test
  void withOneDayTypeTheDayIsNotRead() {
    for (final Integer day : new Integer[] {null, 0, 1, 3, 6, 7, 8, Integer.MIN_VALUE}) {
      assertEquals(2.0, at(ONE, day, 600, 500.0, null, null, null, null, null, null, 400.0),
          "day " + day);
    }
  }

  @Test
  void theFiveArgumentFormIsTheTenArgumentFormOnWeekdaysWithoutStepsOrActivity() {
    // z15 = 2 on weekdays (the weekend's 0.75 is never read)
    assertEquals(2.0, five(600, 500.0, null, null, 400.0));
    assertEquals(-0.5, five(600, 100.0, 100.0, 80.0, 160.0));
    assertEquals(2.0, five(601, null, null, 62.0, null));
    final Double[] values = {null, 0.0, -0.0, 50.0, 130.0, 330.0, 1e6, Double.NaN, -1.0,
        Double.MAX_VALUE};
    for (final Bands bands : new Bands[] {BANDS, ONE}) {
      for (final int minute : new int[] {0, 600, 601, 1439}) {
        for (final Double a : values) {
          for (final Double b : values) {
            for (final Double m24 : new Double[] {null, 0.0, 200.0, 320.0, 1e4}) {
              assertEquals(Scores.score(bands, 1, minute, a, b, a, null, null, null, null, m24),
                  Scores.score(bands, minute, a, b, a, m24), minute + " " + a + " " + b);
            }
          }
        }
      }
    }
  }

  @Test
  void theMinuteMustBeADayMinute() {
    for (final Integer minute : new Integer[] {-1, 1440, Integer.MIN_VALUE, Integer.MAX_VALUE,
        null}) {
      assertNull(at(BANDS, 3, minute, 500.0, null, null, null, null, null, null, null));
      assertNull(at(ONE, 3, minute, 500.0, null, null, null, null, null, null, null));
      assertNull(Scores.score(BANDS, minute, 500.0, null, null, null));
    }
    assertNull(at(null, 3, 600, 500.0, null, null, null, null, null, null, null));
    assertNull(Scores.score(null, 600, 500.0, null, null, null));
    // 0 and 1439 are minutes: all bands there are valid() (high measures ref 100 upper 300)
    assertEquals(2.0, at(BANDS, 6, 0, 500.0, null, null, null, null, null, null, null));
    assertEquals(2.0, at(BANDS, 1, 1439, null, null, null, null, null, null, 500.0, null));
    assertEquals(2.0, Scores.score(BANDS, 1439, 500.0, null, null, null));
  }

  @Test
  void bandsAreReadAtTheGivenMinute() {
    // At 599 (valid()): floor_3h ref 100 upper 300: z = (160-100)/200 = 0.3; at 600: 2.5
    assertEquals(0.3, at(BANDS, 3, 599, null, null, 160.0, null, null, null, null, null), 1e-15);
    assertEquals(2.5, at(BANDS, 3, 600, null, null, 160.0, null, null, null, null, null));
  }
}
