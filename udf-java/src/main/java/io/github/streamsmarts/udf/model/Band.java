package io.github.streamsmarts.udf.model;

import java.util.List;

/**
 * The eighteen bands of a {@code stream-smarts/bands@3} model (contracts/MODEL-FORMAT.md, "The
 * bands"), in the format's order: each high measure's {@code ref} and {@code upper} (measures in
 * {@link #HIGH_MEASURES}' order), the 24-h mean's {@code ref} and {@code lower}, the 2018
 * {@code kwh.lower} and {@code kwh.upper}. All but the two {@code kwh} bands exist once per day
 * type ({@link #perDayType()}).
 */
public enum Band {
  FLOOR_15M_REF("floor_15m", "ref"),
  FLOOR_15M_UPPER("floor_15m", "upper"),
  FLOOR_1H_REF("floor_1h", "ref"),
  FLOOR_1H_UPPER("floor_1h", "upper"),
  FLOOR_3H_REF("floor_3h", "ref"),
  FLOOR_3H_UPPER("floor_3h", "upper"),
  STEP_20M_REF("step_20m", "ref"),
  STEP_20M_UPPER("step_20m", "upper"),
  STEP_45M_REF("step_45m", "ref"),
  STEP_45M_UPPER("step_45m", "upper"),
  STEP_90M_REF("step_90m", "ref"),
  STEP_90M_UPPER("step_90m", "upper"),
  ACTIVITY_3H_REF("activity_3h", "ref"),
  ACTIVITY_3H_UPPER("activity_3h", "upper"),
  MEAN_24H_REF("mean_24h", "ref"),
  MEAN_24H_LOWER("mean_24h", "lower"),
  KWH_LOWER("kwh", "lower"),
  KWH_UPPER("kwh", "upper");

  /** The high measures, in MODEL-FORMAT's order everywhere (arguments, tables, vectors). */
  public static final List<String> HIGH_MEASURES = List.of(
      "floor_15m", "floor_1h", "floor_3h", "step_20m", "step_45m", "step_90m", "activity_3h");

  /** The MOJO level suffix of each day type: {@code .weekday} (0), {@code .weekend} (1). */
  public static final List<String> DAY_TYPE_SUFFIXES = List.of("weekday", "weekend");

  private static final Band[] ALL = values();

  private final String measure;
  private final String bound;

  Band(final String measure, final String bound) {
    this.measure = measure;
    this.bound = bound;
  }

  /** The {@code ref} band of high measure {@code k} (0 = floor_15m .. 6 = activity_3h). */
  public static Band ref(final int k) {
    return ALL[2 * k];
  }

  /** The {@code upper} band of high measure {@code k}. */
  public static Band upper(final int k) {
    return ALL[2 * k + 1];
  }

  /** The measure it bounds: a high measure, {@code mean_24h} or {@code kwh}. */
  public String measure() {
    return measure;
  }

  /** {@code lower}, {@code ref} or {@code upper}. */
  public String bound() {
    return bound;
  }

  /** Whether it is a high measure's band (ref or upper). */
  public boolean high() {
    return ordinal() < 2 * HIGH_MEASURES.size();
  }

  /** Every band but {@code kwh.lower} and {@code kwh.upper} exists once per day type. */
  public boolean perDayType() {
    return this != KWH_LOWER && this != KWH_UPPER;
  }

  /** The name messages use, and the MOJO's level in a model of one day type: {@code floor_1h.ref}. */
  public String level() {
    return measure + "." + bound;
  }

  /**
   * The MOJO's {@code band} level for day type {@code dayType} of a model with {@code dayTypes}
   * day types (MODEL-FORMAT "The MOJO"): {@code floor_1h.ref} with one day type, or for the kwh
   * bands; {@code floor_1h.ref.weekday} / {@code floor_1h.ref.weekend} with two.
   */
  public String level(final int dayType, final int dayTypes) {
    return dayTypes == 1 || !perDayType() ? level()
        : level() + "." + DAY_TYPE_SUFFIXES.get(dayType);
  }

  @Override
  public String toString() {
    return level();
  }
}
