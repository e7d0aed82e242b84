package io.github.streamsmarts.udf;

/**
 * The SQL-facing text both spellings show in DESCRIBE FUNCTION, in the manner of ksqlDB's built-in
 * functions (confluentinc/ksql ksqldb-engine, e.g. function/udf/math/Atan2.java): what the function
 * returns, then each overload and each parameter.
 */
final class Descriptions {

  static final String AUTHOR = "stream-smarts";

  static final String FUNCTION = "Scores an electricity meter reading against the household's"
      + " usual levels for that time of day (and, in a model with two day types, that kind of"
      + " day: weekdays or weekends), learnt by an H2O GBM trained on its own history (model"
      + " format stream-smarts/bands@3). Above 1.0 is anomalously high (a load stayed on longer"
      + " or higher than this house does then), below 0.0 anomalously low, 0.0 to 1.0 normal;"
      + " NULL when the reading cannot be scored. A NULL, NaN, infinite or negative measure counts"
      + " as absent. The version names the model built into the jar:"
      + " <jar version>+model.<contentHash prefix>; ANOMOLY_POWER_MODEL() returns the one"
      + " scoring now. Config ksql.functions.<name>.model.path names a model directory outside"
      + " the jar, checked for a new model every ksql.functions.<name>.model.check.interval.ms"
      + " (default 60000; 0: never) and swapped in without a restart.";

  static final String BY_DAY_MINUTE = "Scores a reading's seven high measures and 24-hour mean"
      + " against the model's bands for its kind of day and minute of the day: the highest of"
      + " (x - ref) / max(upper - ref, 1) over the high measures present if it is above 1, else"
      + " (mean_24h - lower) / max(ref - lower, 1) if that is below 0, else the former clipped to"
      + " 0.0-1.0, else the latter clipped to 0.0-1.0. NULL when the minute is NULL or outside"
      + " 0-1439, when the model has two day types and the day is NULL or outside 1-7, or when no"
      + " measure is present.";

  static final String BY_MINUTE = "Scores the floors and 24-hour mean of a reading from a"
      + " collector writing raw_power version 2 (no steps, no 3-h activity) against the model's"
      + " weekday bands for its minute of the day: the 10-argument form with the steps and the"
      + " activity NULL and the weekday tables. NULL when the minute is NULL or outside 0-1439,"
      + " or no measure is present.";

  static final String BY_HOUR = "Scores the trailing-hour energy against the range of its hour"
      + " of day over all days, as in 2018: (kwh - lower) / max(upper - lower, 1).";

  static final String BY_CELL = "Scores the trailing-hour energy against the range of that day"
      + " of the week at that hour: (kwh - lower) / max(upper - lower, 1). In a bands@3 model every"
      + " day of an hour has the same range.";

  static final String DAY_TYPE = "Local ISO day of the week the reading ends in (of ts - 1 ms in"
      + " the collector's time zone), 1 = Monday .. 7 = Sunday: which day type's bands are read,"
      + " Saturday and Sunday the weekend's when the model has two day types. There a NULL day or"
      + " one outside 1-7 scores NULL; a model with one day type does not read it.";

  static final String MINUTE = "Local minute of the day the reading ends in, 0-1439 (the minute"
      + " of ts - 1 ms in the collector's time zone): where in the day the bands are read.";

  static final String FLOOR_15M = "Lowest interval power over the last 15 minutes, in Wh/h"
      + " (watts); NULL until 15 minutes of contiguous readings are in.";

  static final String FLOOR_1H = "Lowest interval power over the last 60 minutes, in Wh/h"
      + " (watts); NULL until an hour of contiguous readings is in.";

  static final String FLOOR_3H = "Lowest interval power over the last 180 minutes, in Wh/h"
      + " (watts); NULL until 3 hours of contiguous readings are in.";

  static final String STEP_20M = "The floor of the last 20 minutes minus the floor of the 60"
      + " minutes before them (at least 0), in Wh/h (watts): a load that came on and stayed; NULL"
      + " until 80 minutes of contiguous readings are in.";

  static final String STEP_45M = "The 40th percentile of the last 45 minutes' interval powers"
      + " minus the floor of the 60 minutes before them (at least 0), in Wh/h (watts): a cycling"
      + " load on at least 60% of the time; NULL until 105 minutes of contiguous readings are in.";

  static final String STEP_90M = "The 40th percentile of the last 90 minutes' interval powers"
      + " minus the floor of the 60 minutes before them (at least 0), in Wh/h (watts): a cycling"
      + " load on for longer; NULL until 150 minutes of contiguous readings are in.";

  static final String ACTIVITY_3H = "The mean power of the last 3 hours minus their floor, in"
      + " Wh/h (watts): the energy of loads that come and go; NULL until 3 hours of contiguous"
      + " readings are in.";

  static final String MEAN_24H = "Energy of the last 24 hours divided by 24 h, in Wh/h (watts);"
      + " NULL until 24 hours of contiguous readings are in.";

  static final String HOUR_DOUBLE = "Local hour of day the reading ends in, 0-23; a non-integral"
      + " value scores NULL.";

  static final String HOUR_INT = "Local hour of day the reading ends in, 0-23.";

  static final String DAY = "ISO day of week the reading ends in: 1 = Monday .. 7 = Sunday.";

  static final String KWH = "Trailing-hour energy in Wh (watt-hours per hour, i.e. average watts);"
      + " named kwh for the 2018 statements.";

  private static final String NAMES = "Names the model that ";
  private static final String NAMES_REST = " scores with in this server right now, so that a"
      + " column of a scored stream proves which model scored each record.";
  private static final String RETURNS = "Returns the full 64-hex contentHash (SHA-256 of"
      + " bands.zip) of the model ";
  private static final String RETURNS_REST = " scores with now: the embedded model, or the one"
      + " last loaded from its model.path directory. NULL until a query using it has been"
      + " started in this server.";

  static final String MODEL_OF_ANOMOLY = NAMES + "ANOMOLY_POWER" + NAMES_REST;
  static final String MODEL_OF_ANOMALY = NAMES + "ANOMALY_POWER" + NAMES_REST;
  static final String HASH_OF_ANOMOLY = RETURNS + "ANOMOLY_POWER" + RETURNS_REST;
  static final String HASH_OF_ANOMALY = RETURNS + "ANOMALY_POWER" + RETURNS_REST;

  private Descriptions() {
  }
}
