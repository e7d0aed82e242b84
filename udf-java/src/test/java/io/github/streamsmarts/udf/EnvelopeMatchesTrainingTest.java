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
 * genmodel's predictions in this JVM equal H2O's own, which the training script
 * (src/test/fixtures/train_reference_model.py, not the TypeScript trainer: that one writes the
 * envelope command's output) wrote into each fixture's envelope.json: the MOJO carries the model
 * faithfully and the UDF reads it correctly, band by band, day type by day type and minute by
 * minute, for a model of two day types (reference) and one of one (winter).
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
    assertEquals(bands.dayTypes(), trained.get("dayTypes").getAsInt());
    for (final Band band : Band.values()) {
      final JsonArray table = CommandTest.table(trained, band);
      for (int t = 0; t < (band.perDayType() ? bands.dayTypes() : 1); t++) {
        final JsonArray values = band.perDayType() ? table.get(t).getAsJsonArray() : table;
        assertEquals(1440, values.size(), band.level(t, bands.dayTypes()));
        for (int m = 0; m < 1440; m++) {
          near(values.get(m).getAsDouble(), bands.value(band, t, m),
              band.level(t, bands.dayTypes()) + " at minute " + m);
        }
      }
      if (band.perDayType()) {
        assertEquals(bands.dayTypes(), table.size(), band + ": one array per day type");
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

  /** Within a millionth, or a nanowatt (a 0 W band: the trees' few-nanowatt rendering of 0). */
  private static void near(final double expected, final double actual, final String what) {
    assertEquals(expected, actual, Math.max(Math.abs(expected) * RELATIVE, 1e-9), what);
  }
}
