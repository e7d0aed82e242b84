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
    final double[] t = bands.score;
    final int i = m * Bands.STRIDE;
    // -Infinity stands for "no floor present": every z of a present floor is finite.
    double high = Double.NEGATIVE_INFINITY;
    if (present(floor15m)) {
      high = z(floor15m, t[i + Bands.F15_REF], t[i + Bands.F15_UPPER]);
    }
    if (present(floor1h)) {
      final double z = z(floor1h, t[i + Bands.F1H_REF], t[i + Bands.F1H_UPPER]);
      if (z > high) {
        high = z;
      }
    }
    if (present(floor3h)) {
      final double z = z(floor3h, t[i + Bands.F3H_REF], t[i + Bands.F3H_UPPER]);
      if (z > high) {
        high = z;
      }
    }
    if (high > 1) {
      return high;
    }
    final boolean hasLow = present(mean24h);
    final double low = hasLow ? l(mean24h, t[i + Bands.M24_LOWER], t[i + Bands.M24_REF]) : 0;
    if (hasLow && low < 0) {
      return low;
    }
    if (high != Double.NEGATIVE_INFINITY) {
      return Math.max(high, 0.0);
    }
    if (hasLow) {
      return Math.min(low, 1.0);
    }
    return null;
  }

  private static double z(final double x, final double ref, final double upper) {
    return (x - ref) / Math.max(upper - ref, 1.0);
  }

  private static double l(final double x, final double lower, final double ref) {
    return (x - lower) / Math.max(ref - lower, 1.0);
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
