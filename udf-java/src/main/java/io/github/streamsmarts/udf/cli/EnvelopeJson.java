package io.github.streamsmarts.udf.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;

/**
 * The {@code envelope} command's output, the tables `stream-smarts train` writes into envelope.json
 * (contracts/MODEL-FORMAT.md, bands@3), in exactly this shape and order:
 * <pre>
 * {"bands":{"dayTypes":1|2,
 *           "high":{"floor_15m":{"ref":[[1440] per day type],"upper":[[1440] per day type]},
 *                   "floor_1h":{...},"floor_3h":{...},"step_20m":{...},"step_45m":{...},
 *                   "step_90m":{...},"activity_3h":{...}},
 *           "mean_24h":{"ref":[[1440] per day type],"lower":[[1440] per day type]},
 *           "kwh":{"lower":[1440],"upper":[1440]}},
 *  "hours":[24 x {hour,lower,upper}],"cells":[168 x {day,hour,lower,upper}, day then hour]}
 * </pre>
 * Numbers are Java's {@code Double.toString}, which parses back to the same double in Java and
 * JavaScript alike, so envelope.json holds the UDF's tables bit for bit.
 */
public final class EnvelopeJson {

  private EnvelopeJson() {
  }

  public static JsonObject of(final Bands bands) {
    final JsonObject high = new JsonObject();
    for (int k = 0; k < Bands.HIGH; k++) {
      high.add(Band.HIGH_MEASURES.get(k), pair(bands, Band.ref(k), Band.upper(k)));
    }
    final JsonObject kwh = new JsonObject();
    kwh.add(Band.KWH_LOWER.bound(), minutes(bands, Band.KWH_LOWER, 0));
    kwh.add(Band.KWH_UPPER.bound(), minutes(bands, Band.KWH_UPPER, 0));
    final JsonObject tables = new JsonObject();
    tables.addProperty("dayTypes", bands.dayTypes());
    tables.add("high", high);
    tables.add("mean_24h", pair(bands, Band.MEAN_24H_REF, Band.MEAN_24H_LOWER));
    tables.add("kwh", kwh);

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
    root.add("bands", tables);
    root.add("hours", hours);
    root.add("cells", cells);
    return root;
  }

  /** {@code {"<first.bound>":[[1440]...],"<second.bound>":[[1440]...]}}, one array a day type. */
  private static JsonObject pair(final Bands bands, final Band first, final Band second) {
    final JsonObject measure = new JsonObject();
    measure.add(first.bound(), perDayType(bands, first));
    measure.add(second.bound(), perDayType(bands, second));
    return measure;
  }

  private static JsonArray perDayType(final Bands bands, final Band band) {
    final JsonArray types = new JsonArray(bands.dayTypes());
    for (int t = 0; t < bands.dayTypes(); t++) {
      types.add(minutes(bands, band, t));
    }
    return types;
  }

  private static JsonArray minutes(final Bands bands, final Band band, final int dayType) {
    final JsonArray values = new JsonArray(Bands.MINUTES);
    for (int m = 0; m < Bands.MINUTES; m++) {
      values.add(bands.value(band, dayType, m));
    }
    return values;
  }
}
