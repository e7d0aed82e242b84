package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.streamsmarts.udf.cli.Main;
import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.Scores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  private static Run reference;

  /** The envelope of the reference model, printed once for the tests that read it. */
  private static synchronized Run referenceEnvelope() {
    if (reference == null) {
      reference = run("envelope", "--model", Fixture.modelDir().toString());
    }
    return reference;
  }

  @Test
  void envelopeHasExactlyTheContractShape() throws Exception {
    final Run run = referenceEnvelope();
    assertEquals(0, run.status(), run.err());
    assertEquals(1, run.out().lines().count(), "one line of JSON");
    shape(JsonParser.parseString(run.out()).getAsJsonObject(), 2);
    // A model with one day type: one array per band.
    final Run winter = run("envelope", "--model", Fixture.winterDir().toString());
    assertEquals(0, winter.status(), winter.err());
    shape(JsonParser.parseString(winter.out()).getAsJsonObject(), 1);
  }

  /** MODEL-FORMAT's envelope.json tables, {bands: {dayTypes, high, mean_24h, kwh}, hours, cells}. */
  private static void shape(final JsonObject root, final int dayTypes) {
    assertEquals(List.of("bands", "hours", "cells"), List.copyOf(root.keySet()));
    final JsonObject bands = root.getAsJsonObject("bands");
    assertEquals(List.of("dayTypes", "high", "mean_24h", "kwh"), List.copyOf(bands.keySet()));
    assertEquals(dayTypes, bands.get("dayTypes").getAsInt());
    assertTrue(bands.get("dayTypes").getAsJsonPrimitive().toString().matches("[12]"),
        "an integer: " + bands.get("dayTypes"));
    final JsonObject high = bands.getAsJsonObject("high");
    assertEquals(List.of("floor_15m", "floor_1h", "floor_3h", "step_20m", "step_45m", "step_90m",
        "activity_3h"), List.copyOf(high.keySet()));
    for (final String measure : high.keySet()) {
      assertEquals(List.of("ref", "upper"), List.copyOf(high.getAsJsonObject(measure).keySet()));
    }
    assertEquals(List.of("ref", "lower"), List.copyOf(bands.getAsJsonObject("mean_24h").keySet()));
    assertEquals(List.of("lower", "upper"), List.copyOf(bands.getAsJsonObject("kwh").keySet()));
    for (final Band band : Band.values()) {
      final JsonArray values = table(bands, band);
      if (band.perDayType()) {
        assertEquals(dayTypes, values.size(), band + ": one array per day type");
        for (int t = 0; t < dayTypes; t++) {
          assertEquals(1440, values.get(t).getAsJsonArray().size(), band + " day type " + t);
        }
      } else {
        assertEquals(1440, values.size(), band + ": one array of minutes");
        assertTrue(values.get(0).isJsonPrimitive(), band.toString());
      }
    }
    final JsonArray hours = root.getAsJsonArray("hours");
    assertEquals(24, hours.size());
    for (int i = 0; i < 24; i++) {
      final JsonObject hour = hours.get(i).getAsJsonObject();
      assertEquals(List.of("hour", "lower", "upper"), List.copyOf(hour.keySet()));
      assertEquals(i, hour.get("hour").getAsInt());
    }
    final JsonArray cells = root.getAsJsonArray("cells");
    assertEquals(168, cells.size());
    for (int i = 0; i < 168; i++) {
      final JsonObject cell = cells.get(i).getAsJsonObject();
      assertEquals(List.of("day", "hour", "lower", "upper"), List.copyOf(cell.keySet()));
      assertEquals(i / 24 + 1, cell.get("day").getAsInt());
      assertEquals(i % 24, cell.get("hour").getAsInt());
    }
  }

  /** The JSON array of a band: {@code high.<m>.<b>} per day type, or {@code <m>.<b>}. */
  static JsonArray table(final JsonObject bands, final Band band) {
    final JsonObject measure = band.high()
        ? bands.getAsJsonObject("high").getAsJsonObject(band.measure())
        : bands.getAsJsonObject(band.measure());
    return measure.getAsJsonArray(band.bound());
  }

  /**
   * The printed numbers are the UDF's tables bit for bit: every number in the text parses back
   * to exactly the double the UDF scores with (a decimal string both Java and JavaScript parse to
   * the nearest double, so TypeScript reads the same bits).
   */
  @Test
  void envelopeNumbersRoundTripExactly() throws Exception {
    final String out = referenceEnvelope().out();
    final Bands bands = Fixture.reference().bands();
    final JsonObject printed = JsonParser.parseString(out).getAsJsonObject()
        .getAsJsonObject("bands");
    for (final Band band : Band.values()) {
      final String array = table(printed, band).toString();
      final Matcher number = Pattern.compile("[-0-9.Ee+]+").matcher(array);
      for (int t = 0; t < (band.perDayType() ? 2 : 1); t++) {
        for (int m = 0; m < 1440; m++) {
          assertTrue(number.find(), band + " has 1440 numbers a day type");
          assertEquals(Double.doubleToRawLongBits(bands.value(band, t, m)),
              Double.doubleToRawLongBits(Double.parseDouble(number.group())),
              band + " day type " + t + " at minute " + m + ": " + number.group());
        }
      }
      assertTrue(!number.find(), band + " has no more numbers");
    }
    final JsonObject root = JsonParser.parseString(out).getAsJsonObject();
    for (int h = 0; h < 24; h++) {
      final JsonObject hour = root.getAsJsonArray("hours").get(h).getAsJsonObject();
      assertEquals(bands.hourLower(h), hour.get("lower").getAsDouble());
      assertEquals(bands.hourUpper(h), hour.get("upper").getAsDouble());
    }
  }

  @Test
  void envelopeNeedsOnlyBandsZip() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("mojo-only"));
    Files.delete(dir.resolve("envelope.json"));
    final Run run = run("envelope", "--model", dir.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(referenceEnvelope().out(), run.out());
  }

  @Test
  void envelopeRefusesTheOldFormatsSayingHowToRetrain() throws Exception {
    final Path old = Files.createDirectories(temp.resolve("old"));
    Files.write(old.resolve("lower.zip"), new byte[] {1});
    Files.write(old.resolve("upper.zip"), new byte[] {2});
    final Run run = run("envelope", "--model", old.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("retrain with `stream-smarts train`"), run.err());
    // A bands@2 MOJO: what a stale `train` would hand over.
    final Path bands2 = Files.createDirectories(temp.resolve("bands2"));
    Files.copy(Fixture.mojo("bands2.zip"), bands2.resolve("bands.zip"));
    final Run two = run("envelope", "--model", bands2.toString());
    assertEquals(1, two.status());
    assertTrue(two.err().contains("stream-smarts/bands@2 MOJO")
        && two.err().contains("retrain with `stream-smarts train`"), two.err());
  }

  /** Each run loads the model, so each run checks several things. */
  @Test
  void scoreByDayAndMinuteAndByMinute() {
    final String model = Fixture.modelDir().toString();
    final Bands bands = Fixture.reference().bands();
    final Run high = run("score", "--model", model, "--day", "6", "--minute", "270",
        "--floor-15m", "2150", "--floor-1h", "2150", "--floor-3h", "2150", "--step-20m", "2000",
        "--step-45m", "1900", "--step-90m", "1800", "--activity-3h", "300", "--mean-24h", "520");
    assertEquals(0, high.status(), high.err());
    assertEquals(Scores.score(bands, 6, 270, 2150.0, 2150.0, 2150.0, 2000.0, 1900.0, 1800.0,
        300.0, 520.0).toString(), high.out());
    // Left out, or "null", is SQL NULL; NaN counts as absent. Without --day: the 5-argument form.
    assertEquals(Scores.score(bands, 1000, null, 300.0, null, null).toString(),
        run("score", "--model", model, "--minute", "1000", "--floor-15m", "null",
            "--floor-1h", "300", "--mean-24h", "NaN").out());
    // The steps need --day; a model with two day types scores "--day null" null.
    assertEquals(2, run("score", "--model", model, "--minute", "1000", "--step-20m", "9").status());
    assertEquals("null", run("score", "--model", model, "--day", "null", "--minute", "1000",
        "--step-20m", "9").out());
  }

  /** What a run prints for a reading, without a model load per case. */
  @Test
  void scoreOfTheOptionsAsTheSqlFormsGiveIt() {
    final Bands bands = Fixture.reference().bands();
    assertEquals(Scores.score(bands, 10, null, 300.0, null, null),
        Main.score(bands, Map.of("minute", 10.0, "floor-1h", 300.0), true, false));
    assertEquals(Scores.score(bands, 7, 10, null, 300.0, null, 50.0, null, null, 900.0, null),
        Main.score(bands, Map.of("day", 7.0, "minute", 10.0, "floor-1h", 300.0, "step-20m", 50.0,
            "activity-3h", 900.0), true, true));
    // The weekend's tables are not the weekday's.
    assertTrue(!Main.score(bands, Map.of("day", 7.0, "minute", 600.0, "activity-3h", 900.0),
        true, true).equals(Main.score(bands, Map.of("day", 2.0, "minute", 600.0,
        "activity-3h", 900.0), true, true)));
    // An INT minute, day or hour cannot be 10.5; a missing one is NULL.
    assertNull(Main.score(bands, Map.of("minute", 10.5, "floor-1h", 300.0), true, false));
    assertNull(Main.score(bands, Map.of("day", 6.5, "minute", 10.0, "floor-1h", 300.0), true,
        true));
    assertNull(Main.score(bands, Map.of("minute", 10.0, "floor-1h", 300.0), true, true));
    assertNull(Main.score(bands, Map.of("day", 8.0, "minute", 10.0, "floor-1h", 300.0), true,
        true));
    assertNull(Main.score(bands, Map.of("floor-1h", 300.0), true, false));
    assertNull(Main.score(bands, Map.of("minute", 1440.0, "floor-1h", 300.0), true, false));
    assertNull(Main.score(bands, Map.of("minute", 3e9, "floor-1h", 300.0), true, false));
    assertEquals(Scores.score(bands, 9.0, 1500.0),
        Main.score(bands, Map.of("hour", 9.0, "kwh", 1500.0), false, false));
    assertNull(Main.score(bands, Map.of("hour", 4.5, "kwh", 1500.0), false, false));
    assertEquals(Scores.score(bands, 3, 9, 1500.0),
        Main.score(bands, Map.of("day", 3.0, "hour", 9.0, "kwh", 1500.0), false, true));
    assertNull(Main.score(bands, Map.of("day", 2.5, "hour", 4.0, "kwh", 1.0), false, true));
    assertNull(Main.score(bands, Map.of("hour", 4.0, "kwh", 1.0), false, true));
    assertNull(Main.score(bands, Map.of("day", 8.0, "hour", 4.0, "kwh", 1.0), false, true));
    // With one day type the day is not read (but must still be an INT).
    final Bands winter = Fixture.winter().bands();
    assertEquals(Scores.score(winter, 1, 10, 900.0, null, null, null, null, null, null, null),
        Main.score(winter, Map.of("minute", 10.0, "floor-15m", 900.0), true, true));
  }

  @Test
  void scoreThe2018Way() {
    final String model = Fixture.modelDir().toString();
    assertEquals(5.4588, Double.parseDouble(
        run("score", "--model", model, "--hour", "4", "--kwh", "1500").out()), 1e-3);
    final Run cell = run("score", "--model", model, "--day", "3", "--hour", "9", "--kwh", "1500");
    assertEquals(0, cell.status(), cell.err());
    assertEquals(0.6914, Double.parseDouble(cell.out()), 1e-3);
  }

  @Test
  void scoreChecksTheWholeDirectory() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("mixed"));
    Files.copy(Fixture.winterDir().resolve("bands.zip"), dir.resolve("bands.zip"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    final Run run = run("score", "--model", dir.toString(), "--hour", "4", "--kwh", "1");
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("error: contentHash mismatch"), run.err());
  }

  @Test
  void badUsageAndBadModels() {
    assertEquals(2, run().status());
    assertEquals(0, run("--help").status());
    assertTrue(run("--help").out().contains("--floor-15m"));
    assertTrue(run("--help").out().contains("--activity-3h"));
    assertEquals(2, run("frobnicate").status());
    assertEquals(2, run("score", "--hour", "4").status());
    assertEquals(2, run("score", "--hour", "four", "--kwh", "1").status());
    assertEquals(2, run("score", "--minute", "4", "--kwh", "1").status());
    assertEquals(2, run("score", "--minute", "4", "--floor-1h", "lots").status());
    assertEquals(2, run("score", "--minute", "4", "--minute", "5").status());
    assertEquals(2, run("score", "--minute", "4", "--day", "1", "--hour", "5").status());
    assertEquals(2, run("score", "--day", "1", "--minute", "4", "--step-20m", "x").status());
    assertEquals(2, run("envelope", "--modle", "x").status());
    assertEquals(2, run("version", "--model", "x").status());
    final Run missing = run("envelope", "--model", temp.resolve("nope").toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains(temp.resolve("nope").resolve("bands.zip").toString()),
        missing.err());
  }
}
