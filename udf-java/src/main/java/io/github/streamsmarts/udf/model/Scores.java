package io.github.streamsmarts.udf.model;

/**
 * The validation half of the score: which inputs have a score at all. Any input that is not a
 * real reading gives null, never an exception, because an exception in a UDF stops the query.
 */
public final class Scores {

  private Scores() {
  }

  /** The 2018 form: the hour's envelope over all days. A non-integral hour is not an hour. */
  public static Double score(final Envelope envelope, final Double hour, final Double kwh) {
    if (envelope == null || hour == null || !isReading(kwh)) {
      return null;
    }
    final double h = hour;
    // Written so NaN fails too; rint rejects 4.5 rather than flooring it into hour 4.
    if (!(h >= 0 && h <= Envelope.HOURS - 1) || h != Math.rint(h)) {
      return null;
    }
    final int i = (int) h;
    return Envelope.score(kwh, envelope.hourLower(i), envelope.hourUpper(i));
  }

  /** The (day, hour) cell's envelope; day is ISO 1 = Monday .. 7 = Sunday. */
  public static Double score(
      final Envelope envelope, final Integer day, final Integer hour, final Double kwh) {
    if (envelope == null || day == null || hour == null || !isReading(kwh)) {
      return null;
    }
    if (day < 1 || day > Envelope.DAYS || hour < 0 || hour > Envelope.HOURS - 1) {
      return null;
    }
    return Envelope.score(kwh, envelope.cellLower(day, hour), envelope.cellUpper(day, hour));
  }

  private static boolean isReading(final Double kwh) {
    return kwh != null && Double.isFinite(kwh) && kwh >= 0;
  }
}
