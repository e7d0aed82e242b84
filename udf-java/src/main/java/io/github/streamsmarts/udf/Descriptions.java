package io.github.streamsmarts.udf;

/** The SQL-facing text both spellings show in DESCRIBE FUNCTION. */
final class Descriptions {

  static final String AUTHOR = "stream-smarts";

  static final String FUNCTION = "Scores a trailing-hour energy reading against the household's"
      + " expected range for that hour, learnt by an H2O quantile GBM (lower and upper MOJOs):"
      + " (kwh - lower) / max(upper - lower, 1). Above 1.0 is more than the range allows, below 0"
      + " less. Null, NaN, infinite or negative kwh, an hour outside 0-23 or a day outside 1-7"
      + " score null. The version names the model: <jar version>+model.<contentHash prefix>."
      + " Config ksql.functions.<name>.model.path may name a model directory outside the jar.";

  static final String BY_HOUR = "Score against the hour's range over all days of the week"
      + " (the 2018 signature).";

  static final String BY_CELL = "Score against the range of that day of the week at that hour.";

  static final String HOUR_DOUBLE = "Local hour of day the reading ends in, 0-23; a non-integral"
      + " value scores null.";

  static final String HOUR_INT = "Local hour of day the reading ends in, 0-23.";

  static final String DAY = "ISO day of week the reading ends in: 1 = Monday .. 7 = Sunday.";

  static final String KWH = "Trailing-hour energy in Wh (watt-hours per hour, i.e. average watts);"
      + " named kwh for the 2018 statements.";

  private Descriptions() {
  }
}
