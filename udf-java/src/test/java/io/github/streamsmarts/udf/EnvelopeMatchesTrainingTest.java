package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.streamsmarts.udf.model.Envelope;
import io.github.streamsmarts.udf.model.ModelSource;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * genmodel's predictions in this JVM equal H2O's own, as written into envelope.json by the
 * training script: the MOJOs carry the model faithfully and the UDF reads them correctly.
 */
class EnvelopeMatchesTrainingTest {

  private static final double RELATIVE = 1e-6;

  @Test
  void all168CellsAnd24Hours() throws Exception {
    final JsonObject json = JsonParser.parseString(
        Files.readString(Fixture.modelDir().resolve("envelope.json"))).getAsJsonObject();
    final Envelope envelope = Envelope.fromMojos(ModelSource.directory(Fixture.modelDir()));

    final JsonArray cells = json.getAsJsonArray("cells");
    assertEquals(168, cells.size());
    for (int i = 0; i < 168; i++) {
      final JsonObject cell = cells.get(i).getAsJsonObject();
      final int day = cell.get("day").getAsInt();
      final int hour = cell.get("hour").getAsInt();
      assertEquals(i / 24 + 1, day, "cells are ordered day then hour");
      assertEquals(i % 24, hour, "cells are ordered day then hour");
      near(cell.get("lower").getAsDouble(), envelope.cellLower(day, hour), "lower " + day + "/" + hour);
      near(cell.get("upper").getAsDouble(), envelope.cellUpper(day, hour), "upper " + day + "/" + hour);
    }
    final JsonArray hours = json.getAsJsonArray("hours");
    assertEquals(24, hours.size());
    for (int hour = 0; hour < 24; hour++) {
      final JsonObject entry = hours.get(hour).getAsJsonObject();
      assertEquals(hour, entry.get("hour").getAsInt());
      near(entry.get("lower").getAsDouble(), envelope.hourLower(hour), "hour lower " + hour);
      near(entry.get("upper").getAsDouble(), envelope.hourUpper(hour), "hour upper " + hour);
    }
  }

  private static void near(final double expected, final double actual, final String what) {
    assertEquals(expected, actual, Math.abs(expected) * RELATIVE, what);
  }
}
