package io.github.streamsmarts.udf.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.streamsmarts.udf.model.Envelope;

/**
 * The {@code envelope} command's output, {@code {"cells":[168 x {day,hour,lower,upper}],
 * "hours":[24 x {hour,lower,upper}]}}: `stream-smarts train` copies it into envelope.json, so its
 * shape is a contract (contracts/MODEL-FORMAT.md).
 */
public final class EnvelopeJson {

  private EnvelopeJson() {
  }

  public static JsonObject of(final Envelope envelope) {
    final JsonArray cells = new JsonArray();
    for (int day = 1; day <= Envelope.DAYS; day++) {
      for (int hour = 0; hour < Envelope.HOURS; hour++) {
        final JsonObject cell = new JsonObject();
        cell.addProperty("day", day);
        cell.addProperty("hour", hour);
        cell.addProperty("lower", envelope.cellLower(day, hour));
        cell.addProperty("upper", envelope.cellUpper(day, hour));
        cells.add(cell);
      }
    }
    final JsonArray hours = new JsonArray();
    for (int hour = 0; hour < Envelope.HOURS; hour++) {
      final JsonObject entry = new JsonObject();
      entry.addProperty("hour", hour);
      entry.addProperty("lower", envelope.hourLower(hour));
      entry.addProperty("upper", envelope.hourUpper(hour));
      hours.add(entry);
    }
    final JsonObject root = new JsonObject();
    root.add("cells", cells);
    root.add("hours", hours);
    return root;
  }
}
