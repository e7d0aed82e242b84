package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * genmodel's predictions in this JVM equal H2O's own, which the training script wrote into each
 * fixture's envelope.json: the MOJO carries the model faithfully and the UDF reads it correctly,
 * band by band and minute by minute.
 */
class EnvelopeMatchesTrainingTest {

  private static final double RELATIVE = 1e-6;

  @Test
  void reference() throws Exception {
    matches(Fixture.modelDir(), Fixture.reference().bands());
  }

  @Test
  void winter() throws Exception {
    matches(Fixture.winterDir(), Fixture.winter().bands());
  }

  private static void matches(final Path dir, final Bands bands) throws Exception {
    final JsonObject json = JsonParser.parseString(
        Files.readString(dir.resolve("envelope.json"))).getAsJsonObject();
    final JsonObject trained = json.getAsJsonObject("bands");
    for (final Band band : Band.values()) {
      final JsonArray values = trained.getAsJsonObject(band.measure()).getAsJsonArray(band.bound());
      assertEquals(1440, values.size(), band.level());
      for (int m = 0; m < 1440; m++) {
        near(values.get(m).getAsDouble(), bands.value(band, m), band + " at minute " + m);
      }
    }
    final JsonArray hours = json.getAsJsonArray("hours");
    assertEquals(24, hours.size());
    for (int hour = 0; hour < 24; hour++) {
      final JsonObject entry = hours.get(hour).getAsJsonObject();
      assertEquals(hour, entry.get("hour").getAsInt());
      near(entry.get("lower").getAsDouble(), bands.hourLower(hour), "hour lower " + hour);
      near(entry.get("upper").getAsDouble(), bands.hourUpper(hour), "hour upper " + hour);
    }
    final JsonArray cells = json.getAsJsonArray("cells");
    assertEquals(168, cells.size());
    for (int i = 0; i < 168; i++) {
      final JsonObject cell = cells.get(i).getAsJsonObject();
      final int day = cell.get("day").getAsInt();
      final int hour = cell.get("hour").getAsInt();
      assertEquals(i / 24 + 1, day, "cells are ordered day then hour");
      assertEquals(i % 24, hour, "cells are ordered day then hour");
      near(cell.get("lower").getAsDouble(), bands.cellLower(day, hour), "cell " + day + "/" + hour);
      near(cell.get("upper").getAsDouble(), bands.cellUpper(day, hour), "cell " + day + "/" + hour);
    }
  }

  private static void near(final double expected, final double actual, final String what) {
    assertEquals(expected, actual, Math.abs(expected) * RELATIVE, what);
  }
}
