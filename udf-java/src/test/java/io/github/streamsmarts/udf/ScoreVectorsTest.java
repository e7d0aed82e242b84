package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.streamsmarts.udf.cli.EnvelopeJson;
import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.Scores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * contracts/vectors/score-vectors.json: the reference model's tables and scores made by this code,
 * which the TypeScript scorer must reproduce. This test fails when the file is stale; regenerate
 * with {@code mvn -f udf-java -q test -Dtest=ScoreVectorsTest -Dvectors.write=true}.
 *
 * <p>Each case's score is computed twice: by the UDF's {@link Scores}, and by
 * {@link #reference}, a plain transcription of MODEL-FORMAT's definition that also names the
 * branch taken and the measure that decided. They must agree bit for bit, and every branch, form,
 * day type and high measure must be covered.
 */
class ScoreVectorsTest {

  static final String FORMAT = "stream-smarts/score-vectors@3";
  private static final Gson COMPACT = new GsonBuilder().serializeNulls().disableHtmlEscaping()
      .create();
  private static final String[] HIGH = Band.HIGH_MEASURES.toArray(new String[0]);
  /** The 10-argument form's measures, in its order: the seven high measures, then the mean. */
  private static final String[] MEASURES10 = {"floor_15m", "floor_1h", "floor_3h", "step_20m",
      "step_45m", "step_90m", "activity_3h", "mean_24h"};
  private static final String[] MEASURES5 = {"floor_15m", "floor_1h", "floor_3h", "mean_24h"};

  @Test
  void fileMatchesWhatTheUdfComputes() throws Exception {
    final String expected = generate();
    final Path file = Fixture.repoRoot().resolve("contracts/vectors/score-vectors.json");
    if (Boolean.getBoolean("vectors.write")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, expected, StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(file), file + " is missing; run with -Dvectors.write=true");
    final String[] want = expected.split("\n", -1);
    final String[] have = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < Math.max(want.length, have.length); i++) {
      final String w = i < want.length ? want[i] : "<end of file>";
      final String h = i < have.length ? have[i] : "<end of file>";
      assertEquals(w, h, file + " is stale at line " + (i + 1)
          + "; regenerate with -Dvectors.write=true (see this test's javadoc)");
    }
  }

  @Test
  void casesCoverEveryFormBranchDayTypeAndMeasure() {
    final Bands bands = Fixture.reference().bands();
    assertEquals(2, bands.dayTypes(), "the reference exercises both day types");
    final Cases cases = cases(bands);
    final Map<String, Integer> counts = cases.counts();
    for (final String form : new String[] {"minute10", "minute"}) {
      for (final String branch : new String[] {"high", "low", "normal-high", "normal-low",
          "null"}) {
        assertTrue(counts.getOrDefault(form + " " + branch, 0) >= 20, form + " " + branch
            + ": " + counts);
      }
    }
    for (final String form : new String[] {"hour", "cell"}) {
      assertTrue(counts.getOrDefault(form + " " + form, 0) >= 40, form + ": " + counts);
      assertTrue(counts.getOrDefault(form + " " + form + "-null", 0) >= 15, form + ": " + counts);
    }
    // Every high measure decides some 10-argument cases, by being above 1 and the largest.
    for (final String measure : HIGH) {
      assertTrue(cases.highBy.getOrDefault(measure, 0) >= 5, measure + ": " + cases.highBy);
    }
    // Both day types are read, and the same reading scores differently on weekdays and weekends.
    assertTrue(cases.weekdayScored >= 100 && cases.weekendScored >= 100,
        cases.weekdayScored + " / " + cases.weekendScored);
    assertTrue(cases.weekdayWeekendDiffer >= 6, "differ: " + cases.weekdayWeekendDiffer);
  }

  static String generate() {
    final Bands bands = Fixture.reference().bands();
    final JsonObject tables = EnvelopeJson.of(bands);
    final Cases cases = cases(bands);

    final StringBuilder out = new StringBuilder();
    out.append("{\n");
    field(out, "format", new JsonPrimitive(FORMAT));
    field(out, "about", new JsonPrimitive(ABOUT));
    final JsonObject b = tables.getAsJsonObject("bands");
    out.append("  \"bands\": {\n");
    out.append("    \"dayTypes\": ").append(b.get("dayTypes")).append(",\n");
    out.append("    \"high\": {\n");
    final JsonObject high = b.getAsJsonObject("high");
    int i = 0;
    for (final String measure : high.keySet()) {
      pair(out, "      ", measure, high.getAsJsonObject(measure), ++i < high.size());
    }
    out.append("    },\n");
    pair(out, "    ", "mean_24h", b.getAsJsonObject("mean_24h"), true);
    pair(out, "    ", "kwh", b.getAsJsonObject("kwh"), false);
    out.append("  },\n");
    list(out, "hours", tables.getAsJsonArray("hours"), true);
    list(out, "cells", tables.getAsJsonArray("cells"), true);
    list(out, "cases", cases.all, false);
    out.append("}\n");
    return out.toString();
  }

  private static final String ABOUT = "Generated by udf-java ScoreVectorsTest from the reference"
      + " model (udf-java/src/test/resources/models/reference, made by"
      + " udf-java/src/test/fixtures/train_reference_model.py with a real H2O; two day types) with"
      + " the UDF's own code; do not edit. 'bands', 'hours' and 'cells' are the tables the UDF"
      + " scores with, in the shape of envelope.json (contracts/MODEL-FORMAT.md, bands@3):"
      + " bands.high.<measure>.<bound>[dayType][minute] and bands.mean_24h.<bound>[dayType][minute]"
      + " (day type 0 = Monday-Friday, 1 = Saturday and Sunday; minutes 0..1439),"
      + " bands.kwh.<bound>[minute], in Wh/h. A TypeScript scorer given these tables must give"
      + " every case's 'expected' from its 'inputs'. 'form' says which SQL form a case is:"
      + " 'minute10' is ANOMOLY_POWER(day INT, minute INT, floor_15m, floor_1h, floor_3h,"
      + " step_20m, step_45m, step_90m, activity_3h, mean_24h), all measures DOUBLE; 'minute' is"
      + " ANOMOLY_POWER(minute INT, floor_15m, floor_1h, floor_3h, mean_24h), scored as minute10"
      + " with the steps and the activity absent and the weekday tables (day type 0) whatever the"
      + " day; 'hour' the 2018 ANOMOLY_POWER(hour DOUBLE, kwh DOUBLE) and 'cell' ANOMOLY_POWER(day"
      + " INT, hour INT, kwh DOUBLE). The score (MODEL-FORMAT \"The score\"): t = 1 when day is 6"
      + " or 7, else 0; z(x; ref, upper) = (x - ref) / max(upper - ref, 1) for each high measure"
      + " present; l(x; lower, ref) = (x - lower) / max(ref - lower, 1) for mean_24h; bands read"
      + " at (t, minute); high = max z, low = l; score = high if high > 1, else low if low < 0,"
      + " else max(high, 0) if high is present, else min(low, 1) if low is present, else null."
      + " 2018: (kwh - hours[hour].lower) / max(hours[hour].upper - hours[hour].lower, 1), and"
      + " the same with cells[(day - 1) * 24 + hour]. null is SQL NULL; numbers JSON cannot hold"
      + " are the strings \"NaN\", \"Infinity\" and \"-Infinity\". A NaN, infinite or negative"
      + " measure counts as absent (-0.0 is a reading of 0); a minute, hour or day that is null,"
      + " out of range, or not an integer where the SQL type is INT (e.g. minute 10.5, day 2.5)"
      + " scores null (for minute10 a day outside 1..7, because this model has two day types)."
      + " 'expected' is the score or null; 'branch' is the rule that gave it: 'high' (a high"
      + " measure's z above 1), 'low' (the 24-h mean's l below 0), 'normal-high' (max(high, 0):"
      + " from the high measures), 'normal-low' (min(low, 1): only the mean present), 'null', and"
      + " for the 2018 forms 'hour'/'cell' or 'hour-null'/'cell-null'. Numbers are written so they"
      + " parse to the exact doubles the UDF used, and the expected scores are the exact IEEE-754"
      + " results of the formulas evaluated as written (subtract, max, divide), so an"
      + " implementation doing the same operations matches bit for bit; the boundary cases (a"
      + " measure exactly at its upper scores exactly 1.0 and is normal) depend on it.";

  private static void field(final StringBuilder out, final String name, final JsonElement value) {
    out.append("  \"").append(name).append("\": ").append(COMPACT.toJson(value)).append(",\n");
  }

  /** {@code "name": {"bound": [...], "bound": [...]}}, a day type's array to a line. */
  private static void pair(final StringBuilder out, final String indent, final String name,
      final JsonObject pair, final boolean comma) {
    out.append(indent).append('"').append(name).append("\": {\n");
    int j = 0;
    for (final String bound : pair.keySet()) {
      final JsonArray values = pair.getAsJsonArray(bound);
      out.append(indent).append("  \"").append(bound).append("\": ");
      if (values.get(0).isJsonArray()) {
        out.append("[\n");
        for (int t = 0; t < values.size(); t++) {
          out.append(indent).append("    ").append(COMPACT.toJson(values.get(t)))
              .append(t + 1 < values.size() ? ",\n" : "\n");
        }
        out.append(indent).append("  ]");
      } else {
        out.append(COMPACT.toJson(values));
      }
      out.append(++j < pair.size() ? ",\n" : "\n");
    }
    out.append(indent).append('}').append(comma ? ",\n" : "\n");
  }

  private static void list(final StringBuilder out, final String name,
      final Iterable<? extends JsonElement> items, final boolean comma) {
    out.append("  \"").append(name).append("\": [\n");
    final List<JsonElement> all = new ArrayList<>();
    items.forEach(all::add);
    for (int i = 0; i < all.size(); i++) {
      out.append("    ").append(COMPACT.toJson(all.get(i)))
          .append(i + 1 < all.size() ? ",\n" : "\n");
    }
    out.append("  ]").append(comma ? ",\n" : "\n");
  }

  /** The cases, in order, and what they cover. */
  static final class Cases {
    final Bands bands;
    final List<JsonObject> all = new ArrayList<>();
    /** "form branch" counts. */
    private final Map<String, Integer> counts = new TreeMap<>();
    /** Which high measure decided the 10-argument cases in the branch "high". */
    final Map<String, Integer> highBy = new TreeMap<>();
    int weekdayScored;
    int weekendScored;
    int weekdayWeekendDiffer;

    Cases(final Bands bands) {
      this.bands = bands;
    }

    Map<String, Integer> counts() {
      return counts;
    }

    void add(final String form, final JsonObject inputs, final Double expected,
        final String branch) {
      final JsonObject entry = new JsonObject();
      entry.addProperty("form", form);
      entry.add("inputs", inputs);
      entry.add("expected", json(expected));
      entry.addProperty("branch", branch);
      all.add(entry);
      counts.merge(form + " " + branch, 1, Integer::sum);
    }

    /** A case of the 10-argument form: day, minute (Integer, or a Double that is no INT), x. */
    Double minute10(final Object day, final Object minute, final Double... x) {
      final Integer d = asInt(day);
      final Integer m = asInt(minute);
      final boolean integral = (day == null || d != null) && (minute == null || m != null);
      final Double score = integral ? Scores.score(bands, d, m, x[0], x[1], x[2], x[3], x[4],
          x[5], x[6], x[7]) : null;
      final Reference ref = integral ? reference(bands, d, m, x) : Reference.NULL;
      same(ref.score, score, "minute10 " + day + " " + minute + " " + java.util.Arrays.toString(x));
      final JsonObject inputs = new JsonObject();
      inputs.add("day", json(day));
      inputs.add("minute", json(minute));
      for (int k = 0; k < 8; k++) {
        inputs.add(MEASURES10[k], json(x[k]));
      }
      add("minute10", inputs, score, ref.branch);
      if (ref.branch.equals("high")) {
        highBy.merge(ref.by, 1, Integer::sum);
      }
      if (score != null) {
        if (d >= 6) {
          weekendScored++;
        } else {
          weekdayScored++;
        }
      }
      return score;
    }

    /** A case of the 5-argument form. */
    void minute5(final Object minute, final Double f15, final Double f1h, final Double f3h,
        final Double m24) {
      final Integer m = asInt(minute);
      final boolean integral = minute == null || m != null;
      final Double score = integral ? Scores.score(bands, m, f15, f1h, f3h, m24) : null;
      // MODEL-FORMAT: the 10-argument score with the steps and activity absent, weekday tables.
      final Reference ref = integral
          ? reference(bands, 1, m, f15, f1h, f3h, null, null, null, null, m24) : Reference.NULL;
      same(ref.score, score, "minute " + minute + " " + f15 + " " + f1h + " " + f3h + " " + m24);
      final JsonObject inputs = new JsonObject();
      inputs.add("minute", json(minute));
      final Double[] x = {f15, f1h, f3h, m24};
      for (int k = 0; k < 4; k++) {
        inputs.add(MEASURES5[k], json(x[k]));
      }
      add("minute", inputs, score, ref.branch);
    }

    void hour(final Object hour, final Object kwh) {
      final Double score = Scores.score(bands, (Double) hour, (Double) kwh);
      final JsonObject inputs = new JsonObject();
      inputs.add("hour", json(hour));
      inputs.add("kwh", json(kwh));
      add("hour", inputs, score, score == null ? "hour-null" : "hour");
    }

    void cell(final Object day, final Object hour, final Object kwh) {
      final Integer d = asInt(day);
      final Integer h = asInt(hour);
      final boolean integral = (day == null || d != null) && (hour == null || h != null);
      final Double score = integral ? Scores.score(bands, d, h, (Double) kwh) : null;
      final JsonObject inputs = new JsonObject();
      inputs.add("day", json(day));
      inputs.add("hour", json(hour));
      inputs.add("kwh", json(kwh));
      add("cell", inputs, score, score == null ? "cell-null" : "cell");
    }
  }

  private static void same(final Double reference, final Double udf, final String what) {
    assertEquals(reference == null ? null : Double.doubleToRawLongBits(reference),
        udf == null ? null : Double.doubleToRawLongBits(udf), what);
  }

  /** The bands at (day type, minute) as the readings need them: value(band, t, m). */
  private static double v(final Bands b, final Band band, final int t, final int m) {
    return b.value(band, t, m);
  }

  /** x[k] = ref_k + f * (upper_k - ref_k) for the seven high measures, the mean as given. */
  private static Double[] around(final Bands b, final int t, final int m, final double f,
      final Double mean) {
    final Double[] x = new Double[8];
    for (int k = 0; k < 7; k++) {
      final double ref = v(b, Band.ref(k), t, m);
      x[k] = ref + f * (v(b, Band.upper(k), t, m) - ref);
    }
    x[7] = mean;
    return x;
  }

  static Cases cases(final Bands b) {
    final Cases cases = new Cases(b);

    // ---- The 10-argument form. Each of these minutes: a boundary of the day or of an hour,
    // the water heating (15-min floor and 20-min step not used), 03:05 (15-min floor
    // upper - ref < 1), 04:30, 09:00 (weekday empty house, weekend breakfast), 10:00, 12:05
    // (weekday 24-h mean ref - lower < 1), the evening (15-min floor not used), late evening;
    // on a Wednesday and a Saturday.
    for (final int m : new int[] {0, 59, 60, 90, 185, 270, 540, 600, 725, 1140, 1380, 1439}) {
      for (final int day : new int[] {3, 6}) {
        final int t = day >= 6 ? 1 : 0;
        final double lo = v(b, Band.MEAN_24H_LOWER, t, m);
        final double ref = v(b, Band.MEAN_24H_REF, t, m);
        cases.minute10(day, m, around(b, t, m, 0, ref));
        for (int k = 0; k < 7; k++) {
          final Double[] at = around(b, t, m, 0, ref);
          at[k] = v(b, Band.upper(k), t, m);
          cases.minute10(day, m, at);
          final Double[] ulp = around(b, t, m, 0, ref);
          ulp[k] = Math.nextUp(v(b, Band.upper(k), t, m));
          cases.minute10(day, m, ulp);
          final Double[] alone = new Double[8];
          alone[k] = Math.min(2 * v(b, Band.upper(k), t, m), v(b, Band.upper(k), t, m) + 2500);
          cases.minute10(day, m, alone);
        }
        final Double[] below = around(b, t, m, 0, ref);
        for (int k = 0; k < 7; k++) {
          below[k] = v(b, Band.ref(k), t, m) / 2;
        }
        cases.minute10(day, m, below);
        cases.minute10(day, m, around(b, t, m, 0.5, lo / 2));
        cases.minute10(day, m, around(b, t, m, 0, Math.nextDown(lo)));
        cases.minute10(day, m, around(b, t, m, 1.5, lo / 2));
        for (final double mean : new double[] {lo, ref, 2 * ref, (lo + ref) / 2, lo / 2}) {
          cases.minute10(day, m, null, null, null, null, null, null, null, mean);
        }
        // 2 kW left on: every floor and the 20-min step up by 2 kW, the mean a little.
        final Double[] heater = around(b, t, m, 0, ref + 80);
        for (int k = 0; k < 4; k++) {
          heater[k] += 2000;
        }
        cases.minute10(day, m, heater);
      }
    }

    // The same readings on every day of the week: Monday to Friday read the weekday tables,
    // Saturday and Sunday the weekend's.
    for (final int m : new int[] {540, 1140, 725}) {
      final Double[][] readings = {
          {1000.0, 700.0, 400.0, 600.0, 500.0, 300.0, 800.0, 300.0},
          {null, null, null, null, null, null, 700.0, 440.0},
          {220.0, 200.0, 180.0, 30.0, 40.0, 30.0, 160.0, 1.6}};
      for (final Double[] x : readings) {
        final Double[] scores = new Double[8];
        for (int day = 1; day <= 7; day++) {
          scores[day] = cases.minute10(day, m, x);
        }
        if (scores[3] != null && !scores[3].equals(scores[6])) {
          cases.weekdayWeekendDiffer++;
        }
        for (int day = 1; day <= 5; day++) {
          assertEquals(scores[1], scores[day], "weekdays alike at " + m);
        }
        assertEquals(scores[6], scores[7], "weekend days alike at " + m);
      }
    }

    // Partial nulls at 04:30 and 19:00: all subsets of {floors, steps, activity, mean}, and each
    // measure alone and each left out (15-min z 0.5, 1-h z 1.2, 3-h z 0.9, steps z 0.8, 1.1,
    // 0.7, activity z 1.3, mean below lower).
    final double[] f = {0.5, 1.2, 0.9, 0.8, 1.1, 0.7, 1.3};
    for (final int m : new int[] {270, 1140}) {
      for (final int day : new int[] {2, 7}) {
        final int t = day >= 6 ? 1 : 0;
        final Double[] x = new Double[8];
        for (int k = 0; k < 7; k++) {
          final double ref = v(b, Band.ref(k), t, m);
          x[k] = ref + f[k] * (v(b, Band.upper(k), t, m) - ref);
        }
        x[7] = 0.9 * v(b, Band.MEAN_24H_LOWER, t, m);
        final int[][] groups = {{0, 1, 2}, {3, 4, 5}, {6}, {7}};
        for (int mask = 0; mask < 16; mask++) {
          final Double[] with = new Double[8];
          for (int g = 0; g < 4; g++) {
            if ((mask & (1 << g)) != 0) {
              for (final int k : groups[g]) {
                with[k] = x[k];
              }
            }
          }
          cases.minute10(day, m, with);
        }
        for (int k = 0; k < 8; k++) {
          final Double[] alone = new Double[8];
          alone[k] = x[k];
          cases.minute10(day, m, alone);
          if (k < 7) {
            // Alone at half its ref, the mean usual: normal at 0 (the mean is not read).
            alone[k] = v(b, Band.ref(k), t, m) / 2;
            alone[7] = v(b, Band.MEAN_24H_REF, t, m);
            cases.minute10(day, m, alone);
          }
          final Double[] without = x.clone();
          without[k] = null;
          cases.minute10(day, m, without);
        }
      }
    }

    // Inputs that are not readings, in each position, the others as in base, at 10:00.
    final Double[] base = {900.0, 700.0, 300.0, 400.0, 350.0, 300.0, 500.0, 100.0};
    for (final double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, -1.0, -Double.MIN_VALUE, -0.0}) {
      for (int k = 0; k < 8; k++) {
        final Double[] with = base.clone();
        with[k] = bad;
        cases.minute10(4, 600, with);
      }
      final Double[] all = new Double[8];
      java.util.Arrays.fill(all, bad);
      cases.minute10(4, 600, all);
      cases.minute10(7, 600, all);
    }
    for (final int m : new int[] {0, 600, 1439}) {
      cases.minute10(1, m, new Double[8]);
      cases.minute10(6, m, new Double[8]);
    }

    // Minutes that are not minutes of the day, and days that are not days of the week (this
    // model has two day types, so the day is needed); non-integral values where SQL has an INT.
    final Double[] loud = {5000.0, 5000.0, 5000.0, 5000.0, 5000.0, 5000.0, 5000.0, 1.0};
    for (final Object m : new Object[] {-1, 1440, 1441, 100000, Integer.MIN_VALUE,
        Integer.MAX_VALUE, null, 10.5, -0.5, 1439.5}) {
      cases.minute10(3, m, loud);
    }
    for (final Object day : new Object[] {0, 8, -1, 100, Integer.MIN_VALUE, Integer.MAX_VALUE,
        null, 2.5, 6.5, 0.5}) {
      cases.minute10(day, 600, loud);
    }
    // Integral doubles are INTs.
    cases.minute10(6.0, 600.0, loud);
    cases.minute10(3.0, 1439.0, loud);

    // Where a measure is not used (upper 100000): the 15-min floor during the water heating and
    // the oven, the 20-min step during the water heating.
    for (final int m : new int[] {90, 1140}) {
      for (final int day : new int[] {5, 6}) {
        for (final double x : new double[] {2500.0, 20000.0, 99999.0, 150000.0, 1e9}) {
          cases.minute10(day, m, x, null, null, null, null, null, null, null);
          if (m == 90) {
            cases.minute10(day, m, null, null, null, x, null, null, null, null);
          }
        }
      }
    }
    // Where a denominator is below 1: the 15-min floor at 03:05 (both day types), the weekday
    // 24-h mean at 12:05 (the weekend's is ordinary there).
    for (final int day : new int[] {1, 6}) {
      final int t = day >= 6 ? 1 : 0;
      final double r15 = v(b, Band.FLOOR_15M_REF, t, 185);
      for (final double above : new double[] {0.3, 0.6, 0.9, 1.0, 1.5, 3.0}) {
        cases.minute10(day, 185, r15 + above, null, null, null, null, null, null, null);
      }
      final double lo = v(b, Band.MEAN_24H_LOWER, t, 725);
      for (final double below : new double[] {-0.4, 0.0, 0.5, 1.0, 2.0}) {
        cases.minute10(day, 725, null, null, null, null, null, null, null, lo - below);
      }
      cases.minute10(day, 725, v(b, Band.FLOOR_15M_REF, t, 725), null, null, null, null, null,
          null, lo - 0.5);
    }
    // A 0 W band: the steps' ref at night.
    for (final double step : new double[] {0.0, -0.0, Double.MIN_VALUE, 1e-9, 1.0}) {
      cases.minute10(2, 270, null, null, null, step, step, step, null, null);
    }

    // Extremes.
    final double max = Double.MAX_VALUE;
    final double min = Double.MIN_VALUE;
    cases.minute10(3, 720, max, null, null, null, null, null, null, null);
    cases.minute10(6, 720, null, null, null, null, null, null, max, null);
    cases.minute10(3, 720, max, max, max, max, max, max, max, max);
    cases.minute10(3, 720, min, min, min, min, min, min, min, min);
    cases.minute10(6, 720, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    cases.minute10(6, 720, null, null, null, null, null, null, null, 0.0);

    // A spread over the week: random days and minutes, values around each band, some nulls
    // (seeded).
    final Random random = new Random(20181117);
    for (int n = 0; n < 200; n++) {
      final int day = 1 + random.nextInt(7);
      final int t = day >= 6 ? 1 : 0;
      final int m = random.nextInt(1440);
      final Double[] x = new Double[8];
      for (int k = 0; k < 8; k++) {
        if (random.nextInt(4) > 0) {
          final Band near = k < 7 ? Band.upper(k) : Band.MEAN_24H_LOWER;
          final double around = Math.min(v(b, near, t, m), 5000);
          x[k] = Math.rint(around * random.nextDouble() * 2 * 10) / 10;
        }
      }
      cases.minute10(day, m, x);
    }

    // ---- The 5-argument form: the weekday tables, floors and the mean only.
    for (final int m : new int[] {0, 90, 185, 270, 540, 600, 725, 1140, 1439}) {
      final double r15 = v(b, Band.FLOOR_15M_REF, 0, m);
      final double u15 = v(b, Band.FLOOR_15M_UPPER, 0, m);
      final double r1h = v(b, Band.FLOOR_1H_REF, 0, m);
      final double u1h = v(b, Band.FLOOR_1H_UPPER, 0, m);
      final double r3h = v(b, Band.FLOOR_3H_REF, 0, m);
      final double u3h = v(b, Band.FLOOR_3H_UPPER, 0, m);
      final double lo = v(b, Band.MEAN_24H_LOWER, 0, m);
      final double ref = v(b, Band.MEAN_24H_REF, 0, m);
      cases.minute5(m, r15, r1h, r3h, ref);
      cases.minute5(m, u15, r1h, r3h, ref);
      cases.minute5(m, Math.nextUp(u15), r1h, r3h, ref);
      cases.minute5(m, r15, u1h, r3h, ref);
      cases.minute5(m, r15, 2 * u1h, r3h, ref);
      cases.minute5(m, null, null, u3h, null);
      cases.minute5(m, r15, r1h, u3h + 500, ref);
      cases.minute5(m, r15 / 2, r1h / 2, r3h / 2, ref);
      cases.minute5(m, r15, r1h, r3h, lo / 2);
      cases.minute5(m, r15, r1h, r3h, Math.nextDown(lo));
      cases.minute5(m, null, null, null, lo);
      cases.minute5(m, null, null, null, ref);
      cases.minute5(m, null, null, null, 2 * ref);
      cases.minute5(m, null, null, null, (lo + ref) / 2);
      cases.minute5(m, null, null, null, lo / 3);
      cases.minute5(m, r15, r1h, 3 * u3h, lo / 2);
      cases.minute5(m, r15 + 2000, r1h + 2000, r3h + 2000, ref + 80);
    }
    for (final int m : new int[] {270, 1140}) {
      final Double[] x = {
          v(b, Band.FLOOR_15M_REF, 0, m) + 0.5 * (v(b, Band.FLOOR_15M_UPPER, 0, m)
              - v(b, Band.FLOOR_15M_REF, 0, m)),
          v(b, Band.FLOOR_1H_REF, 0, m) + 1.2 * (v(b, Band.FLOOR_1H_UPPER, 0, m)
              - v(b, Band.FLOOR_1H_REF, 0, m)),
          v(b, Band.FLOOR_3H_REF, 0, m) + 0.9 * (v(b, Band.FLOOR_3H_UPPER, 0, m)
              - v(b, Band.FLOOR_3H_REF, 0, m)),
          0.9 * v(b, Band.MEAN_24H_LOWER, 0, m)};
      for (int mask = 0; mask < 16; mask++) {
        final Double[] with = new Double[4];
        for (int k = 0; k < 4; k++) {
          if ((mask & (1 << k)) != 0) {
            with[k] = x[k];
          }
        }
        cases.minute5(m, with[0], with[1], with[2], with[3]);
      }
      // Each floor alone at half its ref, the mean usual: normal at 0.
      final double ref = v(b, Band.MEAN_24H_REF, 0, m);
      cases.minute5(m, v(b, Band.FLOOR_15M_REF, 0, m) / 2, null, null, ref);
      cases.minute5(m, null, v(b, Band.FLOOR_1H_REF, 0, m) / 2, null, ref);
      cases.minute5(m, null, null, v(b, Band.FLOOR_3H_REF, 0, m) / 2, ref);
    }
    final Double[] base5 = {900.0, 700.0, 300.0, 100.0};
    for (final double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, -1.0, -Double.MIN_VALUE, -0.0}) {
      for (int k = 0; k < 4; k++) {
        final Double[] with = base5.clone();
        with[k] = bad;
        cases.minute5(600, with[0], with[1], with[2], with[3]);
      }
      cases.minute5(600, bad, bad, bad, bad);
    }
    for (final int m : new int[] {0, 600, 1439}) {
      cases.minute5(m, null, null, null, null);
    }
    for (final Object m : new Object[] {-1, 1440, 1441, 100000, Integer.MIN_VALUE,
        Integer.MAX_VALUE, null, 10.5, -0.5, 1439.5}) {
      cases.minute5(m, 5000.0, 5000.0, 5000.0, 1.0);
    }
    for (final double f15 : new double[] {2500.0, 20000.0, 99999.0, 150000.0, 1e9}) {
      cases.minute5(1140, f15, null, null, null);
    }
    final double r15 = v(b, Band.FLOOR_15M_REF, 0, 185);
    for (final double above : new double[] {0.3, 0.6, 1.0, 3.0}) {
      cases.minute5(185, r15 + above, null, null, null);
    }
    final double lo725 = v(b, Band.MEAN_24H_LOWER, 0, 725);
    for (final double below : new double[] {-0.4, 0.0, 0.5, 2.0}) {
      cases.minute5(725, null, null, null, lo725 - below);
    }
    cases.minute5(720, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE);
    cases.minute5(720, Double.MIN_VALUE, Double.MIN_VALUE, Double.MIN_VALUE, Double.MIN_VALUE);
    cases.minute5(720, 0.0, 0.0, 0.0, 0.0);
    for (int n = 0; n < 80; n++) {
      final int m = random.nextInt(1440);
      final Double[] x = new Double[4];
      final Band[] near = {Band.FLOOR_15M_UPPER, Band.FLOOR_1H_UPPER, Band.FLOOR_3H_UPPER,
          Band.MEAN_24H_LOWER};
      for (int k = 0; k < 4; k++) {
        if (random.nextInt(5) > 0) {
          final double around = Math.min(v(b, near[k], 0, m), 5000);
          x[k] = Math.rint(around * random.nextDouble() * 2 * 10) / 10;
        }
      }
      cases.minute5(m, x[0], x[1], x[2], x[3]);
    }

    // ---- The 2018 forms, against the kwh bands.
    cases.hour(4.0, 1500.0);
    cases.hour(9.0, 1500.0);
    for (int h = 0; h < 24; h++) {
      cases.hour((double) h, 0.0);
      cases.hour((double) h, b.hourLower(h));
      cases.hour((double) h, b.hourUpper(h));
      cases.hour((double) h, 1500.0);
    }
    for (int day = 1; day <= 7; day++) {
      for (final int h : new int[] {0, 9, 23}) {
        cases.cell(day, h, 1500.0);
        cases.cell(day, h, b.cellLower(day, h));
        cases.cell(day, h, b.cellUpper(day, h));
      }
    }
    cases.hour(20.0, 1e9);
    cases.hour(20.0, Double.MIN_VALUE);
    for (final Object h : new Object[] {-1.0, 24.0, 4.5, 23.5, -0.5, 1e9, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null}) {
      cases.hour(h, 1500.0);
    }
    for (final Object kwh : new Object[] {-1.0, -0.001, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, null}) {
      cases.hour(4.0, kwh);
      cases.cell(1, 4, kwh);
    }
    cases.hour(-0.0, -0.0);
    cases.cell(1, 4, -0.0);
    for (final Object day : new Object[] {0, 8, -1, 2.5, Double.NaN, null}) {
      cases.cell(day, 4, 1500.0);
    }
    for (final Object h : new Object[] {-1, 24, 4.5, null}) {
      cases.cell(1, h, 1500.0);
    }
    return cases;
  }

  /** A score by the plain transcription, the branch that gave it and the measure that decided. */
  private record Reference(Double score, String branch, String by) {
    static final Reference NULL = new Reference(null, "null", null);
  }

  private static Reference reference(final Bands bands, final Integer day, final Integer minute,
      final Double... x) {
    return reference(bands, day, minute, x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
  }

  /**
   * MODEL-FORMAT's score transcribed as plainly as possible, independently of {@link Scores}.
   */
  private static Reference reference(final Bands bands, final Integer day, final Integer minute,
      final Double f15, final Double f1h, final Double f3h, final Double s20, final Double s45,
      final Double s90, final Double a3h, final Double m24) {
    if (minute == null || minute < 0 || minute > 1439) {
      return Reference.NULL;
    }
    final int t;
    if (bands.dayTypes() == 1) {
      t = 0;
    } else if (day == null || day < 1 || day > 7) {
      return Reference.NULL;
    } else {
      t = day == 6 || day == 7 ? 1 : 0;
    }
    final Double[] xs = {f15, f1h, f3h, s20, s45, s90, a3h};
    final Map<Double, String> by = new HashMap<>();
    final List<Double> zs = new ArrayList<>();
    for (int k = 0; k < 7; k++) {
      if (isReading(xs[k])) {
        final double ref = bands.value(Band.ref(k), t, minute);
        final double upper = bands.value(Band.upper(k), t, minute);
        final double z = (xs[k] - ref) / Math.max(upper - ref, 1);
        zs.add(z);
        by.putIfAbsent(z, HIGH[k]);
      }
    }
    final Double high = zs.isEmpty() ? null : zs.stream().max(Double::compare).get();
    Double low = null;
    if (isReading(m24)) {
      final double lower = bands.value(Band.MEAN_24H_LOWER, t, minute);
      final double ref = bands.value(Band.MEAN_24H_REF, t, minute);
      low = (m24 - lower) / Math.max(ref - lower, 1);
    }
    if (high != null && high > 1) {
      return new Reference(high, "high", by.get(high));
    }
    if (low != null && low < 0) {
      return new Reference(low, "low", "mean_24h");
    }
    if (high != null) {
      return new Reference(Math.max(high, 0), "normal-high", null);
    }
    if (low != null) {
      return new Reference(Math.min(low, 1), "normal-low", null);
    }
    return Reference.NULL;
  }

  private static boolean isReading(final Double x) {
    return x != null && !x.isNaN() && !x.isInfinite() && x >= 0;
  }

  private static Integer asInt(final Object value) {
    if (value instanceof Integer) {
      return (Integer) value;
    }
    if (value instanceof Double && (Double) value == Math.rint((Double) value)
        && Math.abs((Double) value) < Integer.MAX_VALUE) {
      return (int) (double) (Double) value;
    }
    return null;
  }

  private static JsonElement json(final Object value) {
    if (value == null) {
      return JsonNull.INSTANCE;
    }
    if (value instanceof Double && !Double.isFinite((Double) value)) {
      return new JsonPrimitive(value.toString());
    }
    return new JsonPrimitive((Number) value);
  }

  /** The 5-argument form really is the 10-argument one on weekdays (a check of the claim). */
  @Test
  void theFiveArgumentCasesAreTheTenArgumentFormOnAWeekday() {
    final Bands bands = Fixture.reference().bands();
    int differ = 0;
    for (final JsonObject c : cases(bands).all) {
      if (!c.get("form").getAsString().equals("minute")) {
        continue;
      }
      final JsonObject in = c.getAsJsonObject("inputs");
      final Integer m = asInt(number(in.get("minute")));
      if (m == null) {
        continue;
      }
      final Double f15 = number(in.get("floor_15m"));
      final Double f1h = number(in.get("floor_1h"));
      final Double f3h = number(in.get("floor_3h"));
      final Double m24 = number(in.get("mean_24h"));
      assertEquals(Scores.score(bands, 2, m, f15, f1h, f3h, null, null, null, null, m24),
          Scores.score(bands, m, f15, f1h, f3h, m24), in.toString());
      if (!java.util.Objects.equals(Scores.score(bands, m, f15, f1h, f3h, m24),
          Scores.score(bands, 6, m, f15, f1h, f3h, null, null, null, null, m24))) {
        differ++;
      }
    }
    assertNotEquals(0, differ, "some 5-argument cases would score otherwise at weekends");
  }

  private static Double number(final JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    final String s = e.getAsString();
    return s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity") ? Double.valueOf(s)
        : e.getAsDouble();
  }
}
