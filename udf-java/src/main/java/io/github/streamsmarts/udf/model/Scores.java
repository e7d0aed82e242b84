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
   * The bands@3 score of a reading at a day of the week and minute of the day:
   * <pre>
   * t = 1 if the model has two day types and day is 6 or 7, else 0
   * z(x; ref, upper) = (x - ref) / max(upper - ref, 1)     for each high measure present
   * l(x; lower, ref) = (x - lower) / max(ref - lower, 1)   for mean_24h when present
   * high = max z;  low = l             (bands read at (t, minute))
   * score = high if high &gt; 1, else low if low &lt; 0, else max(high, 0), else min(low, 1), else null
   * </pre>
   * A NaN, infinite or negative measure counts as absent; a minute outside 0..1439 scores null;
   * with two day types a day that is null or outside 1..7 scores null; with one, day is not read.
   */
  public static Double score(final Bands bands, final Integer day, final Integer minute,
      final Double floor15m, final Double floor1h, final Double floor3h, final Double step20m,
      final Double step45m, final Double step90m, final Double activity3h, final Double mean24h) {
    if (bands == null || minute == null) {
      return null;
    }
    final int m = minute;
    if (m < 0 || m >= Bands.MINUTES) {
      return null;
    }
    int row = m;
    if (bands.dayTypes == 2) {
      if (day == null) {
        return null;
      }
      final int d = day;
      if (d < 1 || d > Bands.DAYS) {
        return null;
      }
      if (d >= 6) {
        row += Bands.MINUTES;
      }
    }
    return at(bands.score, row * Bands.STRIDE, floor15m, floor1h, floor3h, step20m, step45m,
        step90m, activity3h, mean24h);
  }

  /**
   * The 5-argument form (records of a collector writing raw_power version 2): the score above
   * with the steps and the 3-h activity absent and the weekday tables (day type 0), whatever the
   * number of day types. Bit for bit {@code score(bands, 1, minute, floor15m, floor1h, floor3h,
   * null, null, null, null, mean24h)}, with less to do.
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
    return floorsAt(bands.score, m * Bands.STRIDE, floor15m, floor1h, floor3h, mean24h);
  }

  /**
   * The score from one (day type, minute)'s sixteen numbers {@code t[i..i+15]} as
   * {@link Bands#row} lays them out (what the SQL forms read from the tables; the benchmark feeds
   * it genmodel's predictions instead).
   *
   * <p>Divisions are what this costs, so only those that can decide the result are made, and the
   * result is still bit for bit the formula's: every denominator is at least 1, so a quotient has
   * its numerator's sign. A measure at or below its ref (z &lt;= 0) can neither be above 1 nor
   * raise max(high, 0) above 0, so its z is only computed if it is above its ref; the mean's l is
   * only computed when its numerator is negative (it can only decide the result by being below 0)
   * or when no high measure is present.
   *
   * <p>Whether a high measure is a reading at all is asked only where it matters, too: its
   * numerator {@code x - ref} is above 0 and finite exactly when x is a reading above its ref (a
   * negative x gives a negative numerator, +Infinity an infinite one, NaN or NULL a NaN), so the
   * usual path needs no test of its own per measure; only when none is above its ref does it ask
   * whether any is present (which makes the score 0).
   */
  public static Double at(final double[] t, final int i, final Double floor15m,
      final Double floor1h, final Double floor3h, final Double step20m, final Double step45m,
      final Double step90m, final Double activity3h, final Double mean24h) {
    // Numerators, unchecked: NaN when the measure is NULL (NaN compares false with everything).
    final double a0 = raw(floor15m) - t[i + Bands.F15_REF];
    final double a1 = raw(floor1h) - t[i + Bands.F1H_REF];
    final double a2 = raw(floor3h) - t[i + Bands.F3H_REF];
    final double a3 = raw(step20m) - t[i + Bands.S20_REF];
    final double a4 = raw(step45m) - t[i + Bands.S45_REF];
    final double a5 = raw(step90m) - t[i + Bands.S90_REF];
    final double a6 = raw(activity3h) - t[i + Bands.A3H_REF];
    double high = Double.NaN;
    if (a0 > 0 && a0 <= Double.MAX_VALUE) {
      high = a0 / t[i + Bands.F15_D];
    }
    high = higher(high, a1, t[i + Bands.F1H_D]);
    high = higher(high, a2, t[i + Bands.F3H_D]);
    high = higher(high, a3, t[i + Bands.S20_D]);
    high = higher(high, a4, t[i + Bands.S45_D]);
    high = higher(high, a5, t[i + Bands.S90_D]);
    high = higher(high, a6, t[i + Bands.A3H_D]);
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
      // Some measure above its ref: high is in [0, 1].
      return high;
    }
    if (present(floor15m) || present(floor1h) || present(floor3h) || present(step20m)
        || present(step45m) || present(step90m) || present(activity3h)) {
      // High measures present, none above its ref: max(high, 0) = 0.
      return 0.0;
    }
    if (b24 == b24) {
      return Math.min(b24 / t[i + Bands.M24_D], 1.0);
    }
    return null;
  }

  /**
   * {@link #at} with only the three floors and the mean present (the 5-argument form), the same
   * steps and the same result; written out so the form pays for four measures, not eight.
   */
  static Double floorsAt(final double[] t, final int i, final Double floor15m,
      final Double floor1h, final Double floor3h, final Double mean24h) {
    final double a0 = raw(floor15m) - t[i + Bands.F15_REF];
    final double a1 = raw(floor1h) - t[i + Bands.F1H_REF];
    final double a2 = raw(floor3h) - t[i + Bands.F3H_REF];
    double high = Double.NaN;
    if (a0 > 0 && a0 <= Double.MAX_VALUE) {
      high = a0 / t[i + Bands.F15_D];
    }
    high = higher(high, a1, t[i + Bands.F1H_D]);
    high = higher(high, a2, t[i + Bands.F3H_D]);
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
      return high;
    }
    if (present(floor15m) || present(floor1h) || present(floor3h)) {
      return 0.0;
    }
    if (b24 == b24) {
      return Math.min(b24 / t[i + Bands.M24_D], 1.0);
    }
    return null;
  }

  /**
   * The larger of {@code high} (NaN: none yet) and {@code a / d}, the latter only computed, and
   * only counted, when its numerator is above 0 and finite: a reading above its ref (see
   * {@link #at}).
   */
  private static double higher(final double high, final double a, final double d) {
    if (a > 0 && a <= Double.MAX_VALUE) {
      final double z = a / d;
      if (!(z <= high)) {
        return z;
      }
    }
    return high;
  }

  /** The measure as it came, NaN when NULL: a reading or not, {@link #at} tells from x - ref. */
  private static double raw(final Double x) {
    return x == null ? Double.NaN : x;
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
