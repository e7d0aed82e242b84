package io.github.streamsmarts.udf.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;

/**
 * The {@code envelope} command's output, the tables `stream-smarts train` writes into envelope.json
 * (contracts/MODEL-FORMAT.md), in exactly this shape and order:
 * <pre>
 * {"bands":{"floor_15m":{"ref":[1440],"upper":[1440]},"floor_1h":{...},"floor_3h":{...},
 *           "mean_24h":{"ref":[1440],"lower":[1440]},"kwh":{"lower":[1440],"upper":[1440]}},
 *  "hours":[24 x {hour,lower,upper}],"cells":[168 x {day,hour,lower,upper}, day then hour]}
 * </pre>
 * Numbers are Java's {@code Double.toString}, which parses back to the same double in Java and
 * JavaScript alike, so envelope.json holds the UDF's tables bit for bit.
 */
public final class EnvelopeJson {

  private EnvelopeJson() {
  }

  public static JsonObject of(final Bands bands) {
    final JsonObject measures = new JsonObject();
    measures.add("floor_15m", pair(bands, Band.FLOOR_15M_REF, Band.FLOOR_15M_UPPER));
    measures.add("floor_1h", pair(bands, Band.FLOOR_1H_REF, Band.FLOOR_1H_UPPER));
    measures.add("floor_3h", pair(bands, Band.FLOOR_3H_REF, Band.FLOOR_3H_UPPER));
    measures.add("mean_24h", pair(bands, Band.MEAN_24H_REF, Band.MEAN_24H_LOWER));
    measures.add("kwh", pair(bands, Band.KWH_LOWER, Band.KWH_UPPER));

    final JsonArray hours = new JsonArray();
    for (int hour = 0; hour < Bands.HOURS; hour++) {
      final JsonObject entry = new JsonObject();
      entry.addProperty("hour", hour);
      entry.addProperty("lower", bands.hourLower(hour));
      entry.addProperty("upper", bands.hourUpper(hour));
      hours.add(entry);
    }
    final JsonArray cells = new JsonArray();
    for (int day = 1; day <= Bands.DAYS; day++) {
      for (int hour = 0; hour < Bands.HOURS; hour++) {
        final JsonObject cell = new JsonObject();
        cell.addProperty("day", day);
        cell.addProperty("hour", hour);
        cell.addProperty("lower", bands.cellLower(day, hour));
        cell.addProperty("upper", bands.cellUpper(day, hour));
        cells.add(cell);
      }
    }
    final JsonObject root = new JsonObject();
    root.add("bands", measures);
    root.add("hours", hours);
    root.add("cells", cells);
    return root;
  }

  /** {@code {"<first.bound>":[1440],"<second.bound>":[1440]}} of one measure. */
  private static JsonObject pair(final Bands bands, final Band first, final Band second) {
    final JsonObject measure = new JsonObject();
    measure.add(first.bound(), minutes(bands, first));
    measure.add(second.bound(), minutes(bands, second));
    return measure;
  }

  private static JsonArray minutes(final Bands bands, final Band band) {
    final JsonArray values = new JsonArray(Bands.MINUTES);
    for (int m = 0; m < Bands.MINUTES; m++) {
      values.add(bands.value(band, m));
    }
    return values;
  }
}
