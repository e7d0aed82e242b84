package io.github.streamsmarts.udf.model;

import java.util.List;
import java.util.Locale;

/**
 * A model's tables (contracts/MODEL-FORMAT.md): every band at every minute of the day, and the
 * 2018 per-hour and per-(day, hour) envelopes derived from the {@code kwh} bands. Immutable once
 * built, so one instance can be swapped in under running queries by publishing a reference.
 *
 * <p>The eight numbers the score needs for a minute sit next to each other in {@link #score}
 * (64 bytes, about one cache line), so scoring a reading is one bounds check and a few loads. They
 * are each floor's ref and its z denominator {@code max(upper - ref, 1)}, and the 24-h mean's
 * lower and its l denominator {@code max(ref - lower, 1)}: computed once here, with the same
 * operations the score is defined with, so the score is bit for bit the formula's.
 */
public final class Bands {

  public static final int MINUTES = 1440;
  public static final int HOURS = 24;
  public static final int DAYS = 7;

  /** Layout of {@link #score}: {@code score[minute * STRIDE + slot]}. */
  static final int STRIDE = 8;
  static final int F15_REF = 0;
  static final int F15_D = 1;
  static final int F1H_REF = 2;
  static final int F1H_D = 3;
  static final int F3H_REF = 4;
  static final int F3H_D = 5;
  static final int M24_LOWER = 6;
  static final int M24_D = 7;

  /** The bands of one minute that {@link #row} turns into the eight numbers of {@link #score}. */
  public static final List<Band> SCORE_ORDER = List.of(
      Band.FLOOR_15M_REF, Band.FLOOR_15M_UPPER, Band.FLOOR_1H_REF, Band.FLOOR_1H_UPPER,
      Band.FLOOR_3H_REF, Band.FLOOR_3H_UPPER, Band.MEAN_24H_LOWER, Band.MEAN_24H_REF);

  /** Read by {@link Scores} only; never written after construction. */
  final double[] score;
  private final double[][] values;
  private final double[] hourLower;
  private final double[] hourUpper;

  private Bands(final double[][] values) {
    this.values = values;
    this.score = new double[MINUTES * STRIDE];
    final double[] bands = new double[STRIDE];
    for (int m = 0; m < MINUTES; m++) {
      for (int slot = 0; slot < STRIDE; slot++) {
        bands[slot] = values[SCORE_ORDER.get(slot).ordinal()][m];
      }
      row(bands, score, m * STRIDE);
    }
    // MODEL-FORMAT: hours[h] is the lowest kwh.lower and the highest kwh.upper over the minutes
    // of hour h; every (day, hour) cell equals its hour.
    hourLower = new double[HOURS];
    hourUpper = new double[HOURS];
    final double[] lower = values[Band.KWH_LOWER.ordinal()];
    final double[] upper = values[Band.KWH_UPPER.ordinal()];
    for (int h = 0; h < HOURS; h++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (int m = h * 60; m < (h + 1) * 60; m++) {
        lo = Math.min(lo, lower[m]);
        hi = Math.max(hi, upper[m]);
      }
      hourLower[h] = lo;
      hourUpper[h] = hi;
    }
  }

  /**
   * One minute's eight bands, in {@link #SCORE_ORDER}, as the score reads them: into
   * {@code out[at..at+7]} each floor's ref and {@code max(upper - ref, 1)}, then the 24-h mean's
   * lower and {@code max(ref - lower, 1)} (see {@link Scores#at}).
   */
  public static void row(final double[] bands, final double[] out, final int at) {
    for (int floor = 0; floor < 3; floor++) {
      final double ref = bands[2 * floor];
      final double upper = bands[2 * floor + 1];
      out[at + 2 * floor] = ref;
      out[at + 2 * floor + 1] = Math.max(upper - ref, 1.0);
    }
    final double lower = bands[6];
    final double ref = bands[7];
    out[at + M24_LOWER] = lower;
    out[at + M24_D] = Math.max(ref - lower, 1.0);
  }

  /**
   * Checks and builds the tables from {@code values[band.ordinal()][minute]} (the MOJO's
   * predictions after expm1). {@code origin} names the file in messages. MODEL-FORMAT: every band
   * finite and not below 0, mean_24h.lower &lt;= mean_24h.ref, floor_*.ref &lt;= floor_*.upper,
   * kwh.lower &lt;= kwh.upper; a violation names the file, the band and the minute.
   */
  public static Bands of(final double[][] values, final String origin) {
    if (values.length != Band.values().length) {
      throw new IllegalArgumentException("need " + Band.values().length + " bands");
    }
    final double[][] copy = new double[values.length][];
    for (final Band band : Band.values()) {
      final double[] row = values[band.ordinal()];
      if (row.length != MINUTES) {
        throw new IllegalArgumentException("need " + MINUTES + " minutes of " + band);
      }
      for (int m = 0; m < MINUTES; m++) {
        if (!Double.isFinite(row[m])) {
          throw new ModelException(origin + ": band " + band + " at " + minute(m) + " is "
              + row[m] + "; every band must be a finite number of Wh/h");
        }
        if (row[m] < 0) {
          throw new ModelException(origin + ": band " + band + " at " + minute(m) + " is "
              + row[m] + " Wh/h; no band may be below 0");
        }
      }
      copy[band.ordinal()] = row.clone();
    }
    ordered(copy, Band.FLOOR_15M_REF, Band.FLOOR_15M_UPPER, origin);
    ordered(copy, Band.FLOOR_1H_REF, Band.FLOOR_1H_UPPER, origin);
    ordered(copy, Band.FLOOR_3H_REF, Band.FLOOR_3H_UPPER, origin);
    ordered(copy, Band.MEAN_24H_LOWER, Band.MEAN_24H_REF, origin);
    ordered(copy, Band.KWH_LOWER, Band.KWH_UPPER, origin);
    return new Bands(copy);
  }

  private static void ordered(
      final double[][] values, final Band low, final Band high, final String origin) {
    for (int m = 0; m < MINUTES; m++) {
      final double lo = values[low.ordinal()][m];
      final double hi = values[high.ordinal()][m];
      if (lo > hi) {
        throw new ModelException(origin + ": band " + low + " at " + minute(m) + " is " + lo
            + ", above " + high + " " + hi + " there; " + low + " must not exceed " + high);
      }
    }
  }

  /** "minute 301 (05:01)", as messages name a minute. */
  static String minute(final int m) {
    return String.format(Locale.ROOT, "minute %d (%02d:%02d)", m, m / 60, m % 60);
  }

  /** The band's value at a minute of the day, 0..1439. */
  public double value(final Band band, final int minute) {
    return values[band.ordinal()][minute];
  }

  /** The 2018 envelope of an hour, 0..23: the lowest kwh.lower over its minutes. */
  public double hourLower(final int hour) {
    return hourLower[hour];
  }

  /** The 2018 envelope of an hour, 0..23: the highest kwh.upper over its minutes. */
  public double hourUpper(final int hour) {
    return hourUpper[hour];
  }

  /** The (day, hour) cell, day 1..7: in bands@2 every day of an hour has the hour's envelope. */
  public double cellLower(final int day, final int hour) {
    return hourLower[hour];
  }

  /** The (day, hour) cell, day 1..7: in bands@2 every day of an hour has the hour's envelope. */
  public double cellUpper(final int day, final int hour) {
    return hourUpper[hour];
  }
}
