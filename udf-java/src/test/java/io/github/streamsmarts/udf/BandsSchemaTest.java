package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.github.streamsmarts.udf.cli.EnvelopeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * contracts/schemas/bands.schema.json, the machine-checked form of MODEL-FORMAT.md's envelope.json,
 * accepts the fixtures and what `train` writes (the envelope command's tables with the header), and
 * refuses what the format forbids.
 */
class BandsSchemaTest {

  private static final JsonSchema SCHEMA = schema();

  private static JsonSchema schema() {
    try {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
          Files.readString(Fixture.repoRoot().resolve("contracts/schemas/bands.schema.json")));
    } catch (final Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<ValidationMessage> check(final String json) {
    return SCHEMA.validate(json, InputFormat.JSON);
  }

  @Test
  void theFixturesConform() throws Exception {
    for (final Path dir : new Path[] {Fixture.modelDir(), Fixture.winterDir()}) {
      final Set<ValidationMessage> errors = check(Files.readString(dir.resolve("envelope.json")));
      assertTrue(errors.isEmpty(), dir + ": " + errors);
    }
  }

  /** What `stream-smarts train` writes: its header fields around the envelope command's tables. */
  static JsonObject trained() {
    final JsonObject envelope = new JsonObject();
    envelope.addProperty("format", "stream-smarts/bands@2");
    envelope.addProperty("modelId", "2026-12-01T120000Z");
    envelope.addProperty("contentHash", Fixture.reference().contentHash());
    envelope.addProperty("timezone", "Europe/Paris");
    envelope.addProperty("unit", "Wh/h");
    final JsonObject tables = EnvelopeJson.of(Fixture.reference().bands());
    for (final String key : tables.keySet()) {
      envelope.add(key, tables.get(key));
    }
    return envelope;
  }

  @Test
  void theEnvelopeCommandsTablesConform() {
    final Set<ValidationMessage> errors = check(trained().toString());
    assertTrue(errors.isEmpty(), errors.toString());
  }

  @Test
  void whatTheFormatForbidsIsRefused() {
    refused("format", e -> e.addProperty("format", "stream-smarts/envelope@1"));
    refused("contentHash", e -> e.addProperty("contentHash", "ABC"));
    refused("unit", e -> e.addProperty("unit", "kWh"));
    refused("1439 minutes", e -> e.getAsJsonObject("bands").getAsJsonObject("floor_1h")
        .getAsJsonArray("ref").remove(0));
    refused("a negative band", e -> e.getAsJsonObject("bands").getAsJsonObject("mean_24h")
        .getAsJsonArray("lower").set(700, JsonParser.parseString("-0.5")));
    refused("a band that is not a number", e -> e.getAsJsonObject("bands")
        .getAsJsonObject("kwh").getAsJsonArray("upper").set(3, JsonParser.parseString("\"x\"")));
    refused("no kwh bands", e -> e.getAsJsonObject("bands").remove("kwh"));
    refused("mean_24h with an upper", e -> e.getAsJsonObject("bands").getAsJsonObject("mean_24h")
        .add("upper", new JsonArray()));
    refused("23 hours", e -> e.getAsJsonArray("hours").remove(23));
    refused("day 8", e -> e.getAsJsonArray("cells").get(0).getAsJsonObject()
        .addProperty("day", 8));
    refused("no cells", e -> e.remove("cells"));
  }

  private static void refused(final String what, final Consumer<JsonObject> breakIt) {
    final JsonObject envelope = trained();
    breakIt.accept(envelope);
    final Set<ValidationMessage> errors = check(envelope.toString());
    assertFalse(errors.isEmpty(), what + " was accepted");
  }

  @Test
  void theSchemaNamesTheFormatMODEL_FORMATDescribes() throws Exception {
    final JsonObject schema = JsonParser.parseString(Files.readString(
        Fixture.repoRoot().resolve("contracts/schemas/bands.schema.json"))).getAsJsonObject();
    assertEquals("stream-smarts/bands@2", schema.getAsJsonObject("properties")
        .getAsJsonObject("format").get("const").getAsString());
    assertTrue(Files.readString(Fixture.repoRoot().resolve("contracts/MODEL-FORMAT.md"))
        .contains("schemas/bands.schema.json"));
  }
}
