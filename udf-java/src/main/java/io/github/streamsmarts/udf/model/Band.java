package io.github.streamsmarts.udf.model;

/**
 * The ten bands of a {@code stream-smarts/bands@2} model (contracts/MODEL-FORMAT.md, "The bands"),
 * in the format's order. {@link #level()} is the MOJO's {@code band} level: the measure and the
 * band joined by a dot, e.g. {@code floor_15m.upper}.
 */
public enum Band {
  FLOOR_15M_UPPER("floor_15m", "upper"),
  FLOOR_15M_REF("floor_15m", "ref"),
  FLOOR_1H_UPPER("floor_1h", "upper"),
  FLOOR_1H_REF("floor_1h", "ref"),
  FLOOR_3H_UPPER("floor_3h", "upper"),
  FLOOR_3H_REF("floor_3h", "ref"),
  MEAN_24H_LOWER("mean_24h", "lower"),
  MEAN_24H_REF("mean_24h", "ref"),
  KWH_LOWER("kwh", "lower"),
  KWH_UPPER("kwh", "upper");

  private final String measure;
  private final String bound;

  Band(final String measure, final String bound) {
    this.measure = measure;
    this.bound = bound;
  }

  /** The measure it bounds: {@code floor_15m}, {@code floor_1h}, {@code floor_3h},
   * {@code mean_24h} or {@code kwh}. */
  public String measure() {
    return measure;
  }

  /** {@code lower}, {@code ref} or {@code upper}. */
  public String bound() {
    return bound;
  }

  /** The MOJO's {@code band} level and the name messages use, e.g. {@code floor_1h.ref}. */
  public String level() {
    return measure + "." + bound;
  }

  @Override
  public String toString() {
    return level();
  }
}
