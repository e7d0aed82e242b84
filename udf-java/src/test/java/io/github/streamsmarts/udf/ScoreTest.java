package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.Scores;
import org.junit.jupiter.api.Test;

/**
 * The bands@2 score on cases worked out by hand (MODEL-FORMAT, "The score"), on tables whose
 * numbers make the arithmetic easy. At minute 600:
 * <pre>
 *   floor_15m ref 100 upper 300  (z denominator 200)
 *   floor_1h  ref  80 upper 180  (100)
 *   floor_3h  ref  60 upper 100  (40)
 *   mean_24h  lower 240 ref 400  (160)
 * </pre>
 * and at minute 601 the degenerate bands: floor_3h ref 60 upper 60.5, mean_24h lower 399.5 ref 400
 * (denominators below 1, so max(..., 1) = 1), floor_15m upper 100000 ("not used").
 */
class ScoreTest {

  private static final Bands BANDS = bands();

  private static Bands bands() {
    final double[][] v = BandsValidationTest.valid();
    set(v, 600, 100, 300, 80, 180, 60, 100, 240, 400);
    set(v, 601, 100, 100000, 80, 180, 60, 60.5, 399.5, 400);
    return Bands.of(v, "hand-made");
  }

  private static void set(final double[][] v, final int m, final double f15Ref,
      final double f15Up, final double f1hRef, final double f1hUp, final double f3hRef,
      final double f3hUp, final double m24Lower, final double m24Ref) {
    v[Band.FLOOR_15M_REF.ordinal()][m] = f15Ref;
    v[Band.FLOOR_15M_UPPER.ordinal()][m] = f15Up;
    v[Band.FLOOR_1H_REF.ordinal()][m] = f1hRef;
    v[Band.FLOOR_1H_UPPER.ordinal()][m] = f1hUp;
    v[Band.FLOOR_3H_REF.ordinal()][m] = f3hRef;
    v[Band.FLOOR_3H_UPPER.ordinal()][m] = f3hUp;
    v[Band.MEAN_24H_LOWER.ordinal()][m] = m24Lower;
    v[Band.MEAN_24H_REF.ordinal()][m] = m24Ref;
  }

  private static Double at(final int minute, final Double f15, final Double f1h, final Double f3h,
      final Double m24) {
    return Scores.score(BANDS, minute, f15, f1h, f3h, m24);
  }

  @Test
  void highIsTheLargestZOfTheFloorsPresentWhenAbove1() {
    // z15 = (500-100)/200 = 2, z1h = (130-80)/100 = 0.5, z3h = (70-60)/40 = 0.25
    assertEquals(2.0, at(600, 500.0, 130.0, 70.0, 400.0));
    // z3h = (160-60)/40 = 2.5 beats z15 = (400-100)/200 = 1.5
    assertEquals(2.5, at(600, 400.0, 100.0, 160.0, 400.0));
    // z1h = (330-80)/100 = 2.5; only the 1-h floor present
    assertEquals(2.5, at(600, null, 330.0, null, null));
    // high wins over low: z15 = 3, l = (0-240)/160 = -1.5
    assertEquals(3.0, at(600, 700.0, null, null, 0.0));
  }

  @Test
  void exactlyAtUpperIsNormalNotHigh() {
    // z = (300-100)/200 = 1 exactly: not > 1, so normal, max(1, 0) = 1
    assertEquals(1.0, at(600, 300.0, 80.0, 60.0, 400.0));
    assertEquals(1.0, at(600, null, 180.0, null, null));
  }

  @Test
  void lowWhenNoFloorIsHighAndTheMeanIsBelowLower() {
    // l = (160-240)/160 = -0.5; floors normal: z15 = 0, z1h = 0.2, z3h = 0.5
    assertEquals(-0.5, at(600, 100.0, 100.0, 80.0, 160.0));
    // floors absent
    assertEquals(-1.5, at(600, null, null, null, 0.0));
    // z = 1 exactly is not high, so a low mean still wins
    assertEquals(-0.25, at(600, 300.0, null, null, 200.0));
  }

  @Test
  void normalFromTheFloorsIsClippedAtZero() {
    // z15 = (50-100)/200 = -0.25, z1h = (80-80)/100 = 0, z3h = (30-60)/40 = -0.75 -> max 0
    assertEquals(0.0, at(600, 50.0, 80.0, 30.0, 400.0));
    // every z negative: max(-0.25, 0) = 0; the mean (l = 0.5) is not consulted
    assertEquals(0.0, at(600, 50.0, null, null, 320.0));
    // z15 = (250-100)/200 = 0.75, l = (320-240)/160 = 0.5: the floors' value
    assertEquals(0.75, at(600, 250.0, null, null, 320.0));
    // the mean exactly at lower: l = 0, not < 0, so normal from the floors
    assertEquals(0.75, at(600, 250.0, null, null, 240.0));
  }

  @Test
  void normalFromTheMeanWhenNoFloorIsPresentIsClippedAtOne() {
    // l = (320-240)/160 = 0.5
    assertEquals(0.5, at(600, null, null, null, 320.0));
    // l = (800-240)/160 = 3.5 -> min(3.5, 1) = 1: a high 24-h mean is not an anomaly
    assertEquals(1.0, at(600, null, null, null, 800.0));
    // exactly at lower: l = 0
    assertEquals(0.0, at(600, null, null, null, 240.0));
  }

  @Test
  void nothingPresentScoresNull() {
    assertNull(at(600, null, null, null, null));
    assertNull(at(600, Double.NaN, -1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
  }

  @Test
  void anInvalidInputCountsAsAbsent() {
    // The 15-min floor is NaN, the 1-h floor decides: z1h = (330-80)/100 = 2.5
    assertEquals(2.5, at(600, Double.NaN, 330.0, null, null));
    assertEquals(2.5, at(600, -500.0, 330.0, Double.POSITIVE_INFINITY, Double.NaN));
    // The mean is negative, so absent: the floors' value max(-0.25, 0) = 0
    assertEquals(0.0, at(600, 50.0, null, null, -1.0));
    // -0.0 is a reading of 0: z15 = (0-100)/200 = -0.5 -> 0; l = (0-240)/160 = -1.5 -> low
    assertEquals(-1.5, at(600, -0.0, null, null, -0.0));
  }

  @Test
  void theDenominatorIsAtLeastOne() {
    // floor_3h upper - ref = 0.5 -> 1: z = (62-60)/1 = 2 (not 4)
    assertEquals(2.0, at(601, null, null, 62.0, null));
    // (60.75-60)/1 = 0.75: normal (with 0.5 it would have been 1.5, high)
    assertEquals(0.75, at(601, null, null, 60.75, null));
    // mean ref - lower = 0.5 -> 1: l = (399-399.5)/1 = -0.5 (not -1)
    assertEquals(-0.5, at(601, null, null, null, 399.0));
    // the 2018 form: kwh.upper - lower at least 1 too (see ReferenceScoresTest for real values)
    assertEquals(10.0, Scores.envelope(120, 110, 110.5));
  }

  @Test
  void anUnusedUpperOf100000NeverAlertsAtHouseholdPower() {
    // (20100-100)/99900 = 0.2002...: a 20 kW floor is normal where the 15-min floor is not used
    assertEquals((20100.0 - 100.0) / 99900.0, at(601, 20100.0, null, null, null));
    // above 100 kW it would be high, as the formula says
    assertEquals((200100.0 - 100.0) / 99900.0, at(601, 200100.0, null, null, null));
  }

  @Test
  void theMinuteMustBeADayMinute() {
    assertNull(at(-1, 500.0, null, null, null));
    assertNull(at(1440, 500.0, null, null, null));
    assertNull(at(Integer.MIN_VALUE, 500.0, null, null, null));
    assertNull(at(Integer.MAX_VALUE, 500.0, null, null, null));
    assertNull(Scores.score(BANDS, null, 500.0, null, null, null));
    assertNull(Scores.score(null, 600, 500.0, null, null, null));
    // 0 and 1439 are minutes: all bands there are valid() (floors ref 100 upper 300)
    assertEquals(2.0, at(0, 500.0, null, null, null));
    assertEquals(2.0, at(1439, 500.0, null, null, null));
  }

  @Test
  void bandsAreReadAtTheGivenMinute() {
    // At 599 (valid()): floor_3h ref 100 upper 300: z = (160-100)/200 = 0.3; at 600: 2.5
    assertEquals(0.3, at(599, null, null, 160.0, null), 1e-15);
    assertEquals(2.5, at(600, null, null, 160.0, null));
  }
}
