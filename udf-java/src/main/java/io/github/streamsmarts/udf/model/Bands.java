package io.github.streamsmarts.udf.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A model's tables (contracts/MODEL-FORMAT.md): every band at every minute of the day, per day
 * type (one or two: 0 = Monday-Friday, 1 = Saturday and Sunday) for all but the kwh bands, and
 * the 2018 per-hour and per-(day, hour) envelopes derived from the {@code kwh} bands. Immutable
 * once built, so one instance can be swapped in under running queries by publishing a reference.
 *
 * <p>The sixteen numbers the score needs for a (day type, minute) sit next to each other in
 * {@link #score} (128 bytes, two cache lines), so scoring a reading is one bounds check and a few
 * loads. They are each high measure's ref and its z denominator {@code max(upper - ref, 1)}, in
 * {@link Band#HIGH_MEASURES}' order, then the 24-h mean's lower and its l denominator
 * {@code max(ref - lower, 1)}: computed once here, with the same operations the score is defined
 * with, so the score is bit for bit the formula's.
 */
public final class Bands {

  public static final int MINUTES = 1440;
  public static final int HOURS = 24;
  public static final int DAYS = 7;
  /** Seven high measures (MODEL-FORMAT "What a reading carries"). */
  public static final int HIGH = Band.HIGH_MEASURES.size();

  /** Layout of {@link #score}: {@code score[(dayType * MINUTES + minute) * STRIDE + slot]}. */
  static final int STRIDE = 2 * HIGH + 2;
  /** High measure k's ref is at slot {@code 2k}, its denominator at {@code 2k + 1}. */
  static final int F15_REF = 0;
  static final int F15_D = 1;
  static final int F1H_REF = 2;
  static final int F1H_D = 3;
  static final int F3H_REF = 4;
  static final int F3H_D = 5;
  static final int S20_REF = 6;
  static final int S20_D = 7;
  static final int S45_REF = 8;
  static final int S45_D = 9;
  static final int S90_REF = 10;
  static final int S90_D = 11;
  static final int A3H_REF = 12;
  static final int A3H_D = 13;
  static final int M24_LOWER = 14;
  static final int M24_D = 15;

  /**
   * The bands of one (day type, minute) that {@link #row} turns into the sixteen numbers of
   * {@link #score}: every band but the kwh ones, in {@link Band}'s order (ref, upper of each high
   * measure; then mean_24h.ref, mean_24h.lower).
   */
  public static final List<Band> SCORE_ORDER = List.of(Arrays.copyOf(Band.values(), STRIDE));

  /** Read by {@link Scores} only; never written after construction. */
  final double[] score;
  /** 1 or 2; read by {@link Scores}. */
  final int dayTypes;
  /** {@code values[dayType][band.ordinal()][minute]}; the kwh rows are the same for every type. */
  private final double[][][] values;
  private final double[] hourLower;
  private final double[] hourUpper;

  private Bands(final double[][][] values) {
    this.values = values;
    this.dayTypes = values.length;
    this.score = new double[dayTypes * MINUTES * STRIDE];
    final double[] bands = new double[STRIDE];
    for (int t = 0; t < dayTypes; t++) {
      for (int m = 0; m < MINUTES; m++) {
        for (int slot = 0; slot < STRIDE; slot++) {
          bands[slot] = values[t][SCORE_ORDER.get(slot).ordinal()][m];
        }
        row(bands, score, (t * MINUTES + m) * STRIDE);
      }
    }
    // MODEL-FORMAT: hours[h] is the lowest kwh.lower and the highest kwh.upper over the minutes
    // of hour h; every (day, hour) cell equals its hour.
    hourLower = new double[HOURS];
    hourUpper = new double[HOURS];
    final double[] lower = values[0][Band.KWH_LOWER.ordinal()];
    final double[] upper = values[0][Band.KWH_UPPER.ordinal()];
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
   * One (day type, minute)'s sixteen bands, in {@link #SCORE_ORDER}, as the score reads them: into
   * {@code out[at..at+15]} each high measure's ref and {@code max(upper - ref, 1)}, then the 24-h
   * mean's lower and {@code max(ref - lower, 1)} (see {@link Scores#at}).
   */
  public static void row(final double[] bands, final double[] out, final int at) {
    for (int k = 0; k < HIGH; k++) {
      final double ref = bands[2 * k];
      final double upper = bands[2 * k + 1];
      out[at + 2 * k] = ref;
      out[at + 2 * k + 1] = Math.max(upper - ref, 1.0);
    }
    final double ref = bands[Band.MEAN_24H_REF.ordinal()];
    final double lower = bands[Band.MEAN_24H_LOWER.ordinal()];
    out[at + M24_LOWER] = lower;
    out[at + M24_D] = Math.max(ref - lower, 1.0);
  }

  /** The day type of an ISO day of week 1..7 in a model with two day types: 6, 7 are 1. */
  public static int dayType(final int isoDay) {
    return isoDay >= 6 ? 1 : 0;
  }

  /**
   * Checks and builds the tables from {@code values[dayType][band.ordinal()][minute]} (the MOJO's
   * predictions after expm1), one or two day types; the kwh bands exist once, in
   * {@code values[0]}, and their rows in {@code values[1]} must be null. {@code origin} names the
   * file in messages. MODEL-FORMAT: every band finite and not below 0, mean_24h.lower &lt;=
   * mean_24h.ref, &lt;measure&gt;.ref &lt;= &lt;measure&gt;.upper, kwh.lower &lt;= kwh.upper; a
   * violation names the file, the band, the day type and the minute. The first violation in the
   * order day type, band, minute is reported.
   */
  public static Bands of(final double[][][] values, final String origin) {
    if (values.length != 1 && values.length != 2) {
      throw new IllegalArgumentException("need 1 or 2 day types, not " + values.length);
    }
    final int dayTypes = values.length;
    final double[][][] copy = new double[dayTypes][Band.values().length][];
    for (int t = 0; t < dayTypes; t++) {
      if (values[t].length != Band.values().length) {
        throw new IllegalArgumentException("need " + Band.values().length + " bands");
      }
      for (final Band band : Band.values()) {
        final double[] row = values[t][band.ordinal()];
        if (t > 0 && !band.perDayType()) {
          if (row != null) {
            throw new IllegalArgumentException(band + " exists once, in day type 0");
          }
          copy[t][band.ordinal()] = copy[0][band.ordinal()];
          continue;
        }
        if (row == null || row.length != MINUTES) {
          throw new IllegalArgumentException("need " + MINUTES + " minutes of " + band);
        }
        for (int m = 0; m < MINUTES; m++) {
          if (!Double.isFinite(row[m])) {
            throw new ModelException(origin + ": band " + band + " at " + where(band, t, dayTypes, m)
                + " is " + row[m] + "; every band must be a finite number of Wh/h");
          }
          if (row[m] < 0) {
            throw new ModelException(origin + ": band " + band + " at " + where(band, t, dayTypes, m)
                + " is " + row[m] + " Wh/h; no band may be below 0");
          }
        }
        copy[t][band.ordinal()] = row.clone();
      }
    }
    for (int t = 0; t < dayTypes; t++) {
      for (int k = 0; k < HIGH; k++) {
        ordered(copy, t, Band.ref(k), Band.upper(k), origin);
      }
      ordered(copy, t, Band.MEAN_24H_LOWER, Band.MEAN_24H_REF, origin);
    }
    ordered(copy, 0, Band.KWH_LOWER, Band.KWH_UPPER, origin);
    return new Bands(copy);
  }

  private static void ordered(final double[][][] values, final int t, final Band low,
      final Band high, final String origin) {
    for (int m = 0; m < MINUTES; m++) {
      final double lo = values[t][low.ordinal()][m];
      final double hi = values[t][high.ordinal()][m];
      if (lo > hi) {
        throw new ModelException(origin + ": band " + low + " at "
            + where(low, t, values.length, m) + " is " + lo + ", above " + high + " " + hi
            + " there; " + low + " must not exceed " + high);
      }
    }
  }

  /**
   * "minute 301 (05:01) of weekends (day type 1)", as messages name where a band is: the minute,
   * and the day type of a band that has one (the kwh bands are one for every day).
   */
  static String where(final Band band, final int dayType, final int dayTypes, final int m) {
    return minute(m) + " of " + (!band.perDayType() ? "every day"
        : dayTypes == 1 ? "every day (day type 0)"
        : dayType == 0 ? "weekdays (day type 0)" : "weekends (day type 1)");
  }

  /** "minute 301 (05:01)", as messages name a minute. */
  static String minute(final int m) {
    return String.format(Locale.ROOT, "minute %d (%02d:%02d)", m, m / 60, m % 60);
  }

  /** How many day types the tables have: 1 (all days alike) or 2 (weekdays, weekends). */
  public int dayTypes() {
    return dayTypes;
  }

  /**
   * The band's value at a minute of the day, 0..1439, of day type {@code dayType}
   * (0..dayTypes() - 1); the kwh bands are the same for every day type.
   */
  public double value(final Band band, final int dayType, final int minute) {
    return values[dayType][band.ordinal()][minute];
  }

  /** The 2018 envelope of an hour, 0..23: the lowest kwh.lower over its minutes. */
  public double hourLower(final int hour) {
    return hourLower[hour];
  }

  /** The 2018 envelope of an hour, 0..23: the highest kwh.upper over its minutes. */
  public double hourUpper(final int hour) {
    return hourUpper[hour];
  }

  /** The (day, hour) cell, day 1..7: in bands@3 every day of an hour has the hour's envelope. */
  public double cellLower(final int day, final int hour) {
    return hourLower[hour];
  }

  /** The (day, hour) cell, day 1..7: in bands@3 every day of an hour has the hour's envelope. */
  public double cellUpper(final int day, final int hour) {
    return hourUpper[hour];
  }
}
