package io.github.streamsmarts.udf.model;

/**
 * The score (contracts/MODEL-FORMAT.md, "The score"). Any input that is not a real reading counts
 * as absent or gives null, never an exception, because an exception in a UDF stops the query.
 * Every method is a bounds check and a few array loads: no allocation but the boxed result that
 * a SQL NULL-able DOUBLE needs, no lock, no call that can block.
 */
public final class Scores {

  private Scores() {
  }

  /**
   * The bands@2 score of a reading at a minute of the day:
   * <pre>
   * z(x; ref, upper) = (x - ref) / max(upper - ref, 1)     for each floor present
   * l(x; lower, ref) = (x - lower) / max(ref - lower, 1)   for mean_24h when present
   * high = max z;  low = l
   * score = high if high &gt; 1, else low if low &lt; 0, else max(high, 0), else min(low, 1), else null
   * </pre>
   * A NaN, infinite or negative input counts as absent; a minute outside 0..1439 scores null.
   */
  public static Double score(final Bands bands, final Integer minute, final Double floor15m,
      final Double floor1h, final Double floor3h, final Double mean24h) {
    if (bands == null || minute == null) {
      return null;
    }
    final int m = minute;
    if (m < 0 || m >= Bands.MINUTES) {
      return null;
    }
    return at(bands.score, m * Bands.STRIDE, floor15m, floor1h, floor3h, mean24h);
  }

  /**
   * The score from one minute's eight numbers {@code t[i..i+7]} as {@link Bands#row} lays them out
   * (what {@link #score(Bands, Integer, Double, Double, Double, Double)} reads from the tables;
   * the benchmark feeds it genmodel's predictions instead).
   *
   * <p>Divisions are what this costs, so only those that can decide the result are made, and the
   * result is still bit for bit the formula's: every denominator is at least 1, so a quotient has
   * its numerator's sign. A floor at or below its ref (z &lt;= 0) can neither be above 1 nor raise
   * max(high, 0) above 0, so its z is only computed if no floor is above its ref; the mean's l is
   * only computed when its numerator is negative (it can only decide the result by being below 0)
   * or when no floor is present.
   */
  public static Double at(final double[] t, final int i, final Double floor15m,
      final Double floor1h, final Double floor3h, final Double mean24h) {
    // Numerators; NaN when the measure is absent (NaN compares false with everything).
    final double a15 = reading(floor15m) - t[i + Bands.F15_REF];
    final double a1h = reading(floor1h) - t[i + Bands.F1H_REF];
    final double a3h = reading(floor3h) - t[i + Bands.F3H_REF];
    double high = Double.NaN;
    if (a15 > 0) {
      high = a15 / t[i + Bands.F15_D];
    }
    if (a1h > 0) {
      final double z = a1h / t[i + Bands.F1H_D];
      if (!(z <= high)) {
        high = z;
      }
    }
    if (a3h > 0) {
      final double z = a3h / t[i + Bands.F3H_D];
      if (!(z <= high)) {
        high = z;
      }
    }
    if (high > 1) {
      return high;
    }
    final double b24 = reading(mean24h) - t[i + Bands.M24_LOWER];
    if (b24 < 0) {
      final double low = b24 / t[i + Bands.M24_D];
      if (low < 0) {
        return low;
      }
    }
    if (high == high) {
      // Some floor above its ref: high is in (0, 1].
      return high;
    }
    if (a15 == a15 || a1h == a1h || a3h == a3h) {
      // Floors present, none above its ref: max(high, 0) = 0.
      return 0.0;
    }
    if (b24 == b24) {
      return Math.min(b24 / t[i + Bands.M24_D], 1.0);
    }
    return null;
  }

  /** The measure as a number, or NaN when it is no reading: null, NaN, infinite or negative. */
  private static double reading(final Double x) {
    if (x == null) {
      return Double.NaN;
    }
    final double v = x;
    // -0.0 passes: it is a reading of 0.
    return v >= 0 && v <= Double.MAX_VALUE ? v : Double.NaN;
  }

  /** A reading: not null, not NaN, not infinite, not negative (-0.0 is 0). */
  private static boolean present(final Double x) {
    if (x == null) {
      return false;
    }
    final double v = x;
    return v >= 0 && v <= Double.MAX_VALUE;
  }

  /** The 2018 form: the hour's envelope over all days. A non-integral hour is not an hour. */
  public static Double score(final Bands bands, final Double hour, final Double kwh) {
    if (bands == null || hour == null || !present(kwh)) {
      return null;
    }
    final double h = hour;
    // Written so NaN fails too; rint rejects 4.5 rather than flooring it into hour 4.
    if (!(h >= 0 && h <= Bands.HOURS - 1) || h != Math.rint(h)) {
      return null;
    }
    final int i = (int) h;
    return envelope(kwh, bands.hourLower(i), bands.hourUpper(i));
  }

  /** The (day, hour) cell's envelope; day is ISO 1 = Monday .. 7 = Sunday. */
  public static Double score(
      final Bands bands, final Integer day, final Integer hour, final Double kwh) {
    if (bands == null || day == null || hour == null || !present(kwh)) {
      return null;
    }
    if (day < 1 || day > Bands.DAYS || hour < 0 || hour > Bands.HOURS - 1) {
      return null;
    }
    return envelope(kwh, bands.cellLower(day, hour), bands.cellUpper(day, hour));
  }

  /** The 2018 score; the floor of 1 Wh keeps a flat envelope from dividing by ~0. */
  public static double envelope(final double kwh, final double lower, final double upper) {
    return (kwh - lower) / Math.max(upper - lower, 1.0);
  }
}
