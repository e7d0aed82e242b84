package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.streamsmarts.udf.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's command line, whose envelope output `stream-smarts train` writes into envelope.json. */
class CommandTest {

  @TempDir
  Path temp;

  private record Run(int status, String out, String err) {
  }

  private static Run run(final String... args) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8).trim(),
        err.toString(StandardCharsets.UTF_8).trim());
  }

  @Test
  void envelopeHasExactlyTheContractShape() throws Exception {
    final Run run = run("envelope", "--model", Fixture.modelDir().toString());
    assertEquals(0, run.status(), run.err());
    final JsonObject root = JsonParser.parseString(run.out()).getAsJsonObject();
    assertEquals(Set.of("cells", "hours"), root.keySet());
    final JsonArray cells = root.getAsJsonArray("cells");
    assertEquals(168, cells.size());
    for (int i = 0; i < 168; i++) {
      final JsonObject cell = cells.get(i).getAsJsonObject();
      assertEquals(List.of("day", "hour", "lower", "upper"), List.copyOf(cell.keySet()));
      assertEquals(i / 24 + 1, cell.get("day").getAsInt());
      assertEquals(i % 24, cell.get("hour").getAsInt());
    }
    final JsonArray hours = root.getAsJsonArray("hours");
    assertEquals(24, hours.size());
    for (int i = 0; i < 24; i++) {
      final JsonObject hour = hours.get(i).getAsJsonObject();
      assertEquals(List.of("hour", "lower", "upper"), List.copyOf(hour.keySet()));
      assertEquals(i, hour.get("hour").getAsInt());
    }
  }

  @Test
  void envelopeNeedsOnlyTheMojos() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("mojos-only"));
    Files.delete(dir.resolve("envelope.json"));
    assertEquals(0, run("envelope", "--model", dir.toString()).status());
  }

  @Test
  void score() {
    final String model = Fixture.modelDir().toString();
    assertEquals(5.4588, Double.parseDouble(
        run("score", "--model", model, "--hour", "4", "--kwh", "1500").out()), 1e-3);
    assertEquals(0.6914, Double.parseDouble(
        run("score", "--model", model, "--hour", "9", "--kwh", "1500").out()), 1e-3);
    final Run cell = run("score", "--model", model, "--day", "3", "--hour", "9", "--kwh", "1500");
    assertEquals(0, cell.status());
    Double.parseDouble(cell.out());
    assertEquals("null", run("score", "--model", model, "--hour", "4.5", "--kwh", "1500").out());
    assertEquals("null", run("score", "--model", model, "--hour", "4", "--kwh", "-1").out());
    assertEquals("null", run("score", "--model", model, "--hour", "4", "--kwh", "NaN").out());
    assertEquals("null",
        run("score", "--model", model, "--day", "8", "--hour", "4", "--kwh", "1").out());
    assertEquals("null",
        run("score", "--model", model, "--day", "2.5", "--hour", "4", "--kwh", "1").out());
  }

  @Test
  void badUsageAndBadModels() {
    assertEquals(2, run().status());
    assertEquals(2, run("frobnicate").status());
    assertEquals(2, run("score", "--hour", "4").status());
    assertEquals(2, run("score", "--hour", "four", "--kwh", "1").status());
    assertEquals(2, run("envelope", "--modle", "x").status());
    final Run missing = run("envelope", "--model", temp.resolve("nope").toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains(temp.resolve("nope").resolve("lower.zip").toString()),
        missing.err());
  }
}
