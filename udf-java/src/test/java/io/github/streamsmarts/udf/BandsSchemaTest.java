package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.github.streamsmarts.udf.cli.EnvelopeJson;
import io.github.streamsmarts.udf.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * contracts/schemas/bands.schema.json, the machine-checked form of MODEL-FORMAT.md's envelope.json
 * (generated from the zod schema in contracts/src/bands.ts), accepts the fixtures and what `train`
 * writes (the envelope command's tables with the header), and refuses what the format forbids:
 * the bands@3 shape, {@code bands: {dayTypes: 1|2, high: {<7 measures>: {ref, upper}}, mean_24h:
 * {ref, lower}, kwh: {lower, upper}}} with one array of 1440 numbers >= 0 per day type (kwh: one
 * array).
 *
 * <p>The schema file belongs to the TypeScript side; until it is regenerated for this format (its
 * {@code properties.format.const} naming {@value Model#FORMAT}) the tests that read it are
 * skipped, saying so, rather than failing the build on a file this module does not write. {@code
 * -Dbands.schema=FILE} checks another schema file, e.g. one generated from the zod schema.
 */
class BandsSchemaTest {

  private static Path schemaFile() {
    final String given = System.getProperty("bands.schema");
    return given != null && !given.isBlank() ? Path.of(given)
        : Fixture.repoRoot().resolve("contracts/schemas/bands.schema.json");
  }

  private static String text;
  private static JsonSchema schema;

  /**
   * The schema, read once; a test that needs it is skipped (saying why) while it is another
   * format's.
   */
  private static synchronized JsonSchema schema() throws Exception {
    if (text == null) {
      text = Files.readString(schemaFile());
    }
    final JsonElement format = JsonParser.parseString(text).getAsJsonObject()
        .getAsJsonObject("properties").getAsJsonObject("format").get("const");
    Assumptions.assumeTrue(format != null && Model.FORMAT.equals(format.getAsString()),
        schemaFile() + " is the schema of " + format + ", not of " + Model.FORMAT + ": regenerate"
            + " it from contracts/src/bands.ts (the TypeScript side); this test is skipped until"
            + " then");
    if (schema == null) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(text);
    }
    return schema;
  }

  @Test
  void modelFormatNamesTheSchema() throws Exception {
    assertTrue(Files.readString(Fixture.repoRoot().resolve("contracts/MODEL-FORMAT.md"))
        .contains("schemas/bands.schema.json"), "MODEL-FORMAT names the schema");
  }

  private static Set<ValidationMessage> check(final String json) throws Exception {
    return schema().validate(json, InputFormat.JSON);
  }

  @Test
  void theFixturesConform() throws Exception {
    for (final Path dir : new Path[] {Fixture.modelDir(), Fixture.winterDir()}) {
      final Set<ValidationMessage> errors = check(Files.readString(dir.resolve("envelope.json")));
      assertTrue(errors.isEmpty(), dir + ": " + errors);
    }
  }

  /** What `stream-smarts train` writes: its header fields around the envelope command's tables. */
  static JsonObject trained(final Model model) {
    final JsonObject envelope = new JsonObject();
    envelope.addProperty("format", Model.FORMAT);
    envelope.addProperty("modelId", "2026-12-01T120000Z");
    envelope.addProperty("contentHash", model.contentHash());
    envelope.addProperty("timezone", "Europe/Paris");
    envelope.addProperty("unit", "Wh/h");
    final JsonObject tables = EnvelopeJson.of(model.bands());
    for (final String key : tables.keySet()) {
      envelope.add(key, tables.get(key));
    }
    return envelope;
  }

  @Test
  void theEnvelopeCommandsTablesConform() throws Exception {
    for (final Model model : new Model[] {Fixture.reference(), Fixture.winter()}) {
      final Set<ValidationMessage> errors = check(trained(model).toString());
      assertTrue(errors.isEmpty(), model.origin() + ": " + errors);
    }
  }

  private static JsonObject bands(final JsonObject envelope) {
    return envelope.getAsJsonObject("bands");
  }

  private static JsonObject high(final JsonObject envelope, final String measure) {
    return bands(envelope).getAsJsonObject("high").getAsJsonObject(measure);
  }

  @Test
  void whatTheFormatForbidsIsRefused() throws Exception {
    refused("format bands@2", e -> e.addProperty("format", "stream-smarts/bands@2"));
    refused("format envelope@1", e -> e.addProperty("format", "stream-smarts/envelope@1"));
    refused("contentHash", e -> e.addProperty("contentHash", "ABC"));
    refused("unit", e -> e.addProperty("unit", "kWh"));
    refused("dayTypes 3", e -> bands(e).addProperty("dayTypes", 3));
    refused("dayTypes 1.5", e -> bands(e).addProperty("dayTypes", 1.5));
    refused("no dayTypes", e -> bands(e).remove("dayTypes"));
    refused("1439 minutes", e -> high(e, "floor_1h").getAsJsonArray("ref").get(1)
        .getAsJsonArray().remove(0));
    refused("three day types of a band", e -> {
      final JsonArray ref = high(e, "step_20m").getAsJsonArray("ref");
      ref.add(ref.get(0).deepCopy());
    });
    refused("no day type of a band", e -> high(e, "step_90m").add("upper", new JsonArray()));
    refused("a negative band", e -> bands(e).getAsJsonObject("mean_24h").getAsJsonArray("lower")
        .get(0).getAsJsonArray().set(700, JsonParser.parseString("-0.5")));
    refused("a band that is not a number", e -> high(e, "activity_3h").getAsJsonArray("upper")
        .get(0).getAsJsonArray().set(3, JsonParser.parseString("\"x\"")));
    refused("a bands@2 table (minutes, not day types)", e -> high(e, "floor_3h").add("ref",
        high(e, "floor_3h").getAsJsonArray("ref").get(0)));
    refused("kwh per day type", e -> bands(e).getAsJsonObject("kwh").add("lower",
        high(e, "floor_15m").getAsJsonArray("ref")));
    refused("no kwh bands", e -> bands(e).remove("kwh"));
    refused("no step_45m", e -> bands(e).getAsJsonObject("high").remove("step_45m"));
    refused("no high measures", e -> bands(e).remove("high"));
    refused("a floor outside high (the bands@2 shape)", e -> {
      bands(e).add("floor_15m", high(e, "floor_15m"));
      bands(e).getAsJsonObject("high").remove("floor_15m");
    });
    refused("a step without upper", e -> high(e, "step_20m").remove("upper"));
    refused("mean_24h with an upper", e -> bands(e).getAsJsonObject("mean_24h")
        .add("upper", new JsonArray()));
    refused("23 hours", e -> e.getAsJsonArray("hours").remove(23));
    refused("day 8", e -> e.getAsJsonArray("cells").get(0).getAsJsonObject()
        .addProperty("day", 8));
    refused("no cells", e -> e.remove("cells"));
  }

  private static void refused(final String what, final Consumer<JsonObject> breakIt)
      throws Exception {
    final JsonObject envelope = trained(Fixture.reference());
    breakIt.accept(envelope);
    final Set<ValidationMessage> errors = check(envelope.toString());
    assertFalse(errors.isEmpty(), what + " was accepted");
  }
}
