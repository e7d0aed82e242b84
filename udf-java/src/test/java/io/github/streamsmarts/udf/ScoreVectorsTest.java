package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.streamsmarts.udf.cli.EnvelopeJson;
import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.Scores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * branch taken. They must agree bit for bit, and every branch must be covered.
 */
class ScoreVectorsTest {

  static final String FORMAT = "stream-smarts/score-vectors@2";
  private static final Gson COMPACT = new GsonBuilder().serializeNulls().disableHtmlEscaping()
      .create();
  private static final int MIN_CASES = 300;

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
  void casesCoverEveryBranchAndEveryKindOfInput() {
    final Cases cases = cases(Fixture.reference().bands());
    assertTrue(cases.all.size() >= MIN_CASES, "cases: " + cases.all.size());
    final Map<String, Integer> branches = cases.branches();
    for (final String branch : new String[] {"high", "low", "normal-high", "normal-low",
        "null"}) {
      assertTrue(branches.getOrDefault(branch, 0) >= 20, branch + ": " + branches);
    }
    for (final String form : new String[] {"hour", "cell"}) {
      assertTrue(branches.getOrDefault(form, 0) >= 40, form + ": " + branches);
      assertTrue(branches.getOrDefault(form + "-null", 0) >= 15, form + ": " + branches);
    }
  }

  static String generate() {
    final Model model = Fixture.reference();
    final Bands bands = model.bands();
    final JsonObject tables = EnvelopeJson.of(bands);
    final Cases cases = cases(bands);

    final StringBuilder out = new StringBuilder();
    out.append("{\n");
    field(out, "format", new JsonPrimitive(FORMAT), true);
    field(out, "about", new JsonPrimitive(ABOUT), true);
    final JsonObject score = new JsonObject();
    score.addProperty("minute", "z(x; ref, upper) = (x - ref) / max(upper - ref, 1) for each"
        + " floor present; l(x; lower, ref) = (x - lower) / max(ref - lower, 1) for mean_24h;"
        + " high = max z, low = l; score = high if high > 1, else low if low < 0, else"
        + " max(high, 0) if high is present, else min(low, 1) if low is present, else null");
    score.addProperty("hour", "(kwh - hours[hour].lower) / max(hours[hour].upper -"
        + " hours[hour].lower, 1)");
    score.addProperty("cell", "(kwh - cell.lower) / max(cell.upper - cell.lower, 1), cell ="
        + " cells[(day - 1) * 24 + hour]");
    field(out, "score", score, true);
    field(out, "contentHash", new JsonPrimitive(model.contentHash()), true);
    out.append("  \"bands\": {\n");
    final JsonObject measures = tables.getAsJsonObject("bands");
    int i = 0;
    for (final String measure : measures.keySet()) {
      out.append("    \"").append(measure).append("\": {\n");
      final JsonObject pair = measures.getAsJsonObject(measure);
      int j = 0;
      for (final String bound : pair.keySet()) {
        out.append("      \"").append(bound).append("\": ")
            .append(COMPACT.toJson(pair.get(bound))).append(++j < pair.size() ? ",\n" : "\n");
      }
      out.append("    }").append(++i < measures.size() ? ",\n" : "\n");
    }
    out.append("  },\n");
    list(out, "hours", tables.getAsJsonArray("hours"), true);
    list(out, "cells", tables.getAsJsonArray("cells"), true);
    list(out, "cases", cases.all, false);
    out.append("}\n");
    return out.toString();
  }

  private static final String ABOUT = "Generated by udf-java ScoreVectorsTest from the reference"
      + " model (udf-java/src/test/resources/models/reference, made by"
      + " udf-java/src/test/fixtures/train_reference_model.py with a real H2O) with the UDF's own"
      + " code; do not edit. 'bands', 'hours' and 'cells' are the tables the UDF scores with, in"
      + " the shape of envelope.json (contracts/MODEL-FORMAT.md): bands.<measure>.<bound>[minute]"
      + " for minutes 0..1439, in Wh/h. A TypeScript scorer given these tables must give every"
      + " case's 'expected'. 'form' says which SQL form a case is: 'minute' is ANOMOLY_POWER(minute"
      + " INT, floor_15m DOUBLE, floor_1h DOUBLE, floor_3h DOUBLE, mean_24h DOUBLE), 'hour' the"
      + " 2018 ANOMOLY_POWER(hour DOUBLE, kwh DOUBLE) and 'cell' ANOMOLY_POWER(day INT, hour INT,"
      + " kwh DOUBLE); 'score' spells each out. null is SQL NULL; numbers JSON cannot hold are"
      + " the strings \"NaN\", \"Infinity\" and \"-Infinity\". A NaN, infinite or negative"
      + " measure counts as absent (-0.0 is a reading of 0); a minute, hour or day that is null,"
      + " out of range, or not an integer where the SQL type is INT (e.g. minute 10.5, day 2.5)"
      + " scores null. 'expected' is the score or null; 'branch' is the rule that gave it: 'high'"
      + " (a floor's z above 1), 'low' (the 24-h mean's l below 0), 'normal-high' (max(high, 0):"
      + " from the floors), 'normal-low' (min(low, 1): only the mean present), 'null', and for"
      + " the 2018 forms 'hour'/'cell' or 'hour-null'/'cell-null'. Numbers are written so they"
      + " parse to the exact doubles the UDF used, and the expected scores are the exact IEEE-754"
      + " results of the formulas evaluated as written (subtract, max, divide), so an"
      + " implementation doing the same operations matches bit for bit; the boundary cases (a"
      + " floor exactly at its upper scores exactly 1.0 and is normal) depend on it.";

  private static void field(final StringBuilder out, final String name, final JsonElement value,
      final boolean comma) {
    out.append("  \"").append(name).append("\": ").append(COMPACT.toJson(value))
        .append(comma ? ",\n" : "\n");
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

  /** The cases, in order, and how many of each branch. */
  static final class Cases {
    final List<JsonObject> all = new ArrayList<>();

    Map<String, Integer> branches() {
      final Map<String, Integer> counts = new TreeMap<>();
      for (final JsonObject c : all) {
        counts.merge(c.get("branch").getAsString(), 1, Integer::sum);
      }
      return counts;
    }
  }

  static Cases cases(final Bands b) {
    final Cases cases = new Cases();
    final List<JsonObject> all = cases.all;

    // Each of these minutes: a boundary of the day or of an hour, the water heating (15-min
    // floor not used), 03:05 (15-min floor upper - ref < 1), 04:30, 12:05 (24-h mean ref - lower
    // < 1), the evening (15-min floor not used), late evening.
    for (final int m : new int[] {0, 59, 60, 90, 185, 270, 420, 600, 725, 1140, 1380, 1439}) {
      final double r15 = b.value(Band.FLOOR_15M_REF, m);
      final double u15 = b.value(Band.FLOOR_15M_UPPER, m);
      final double r1h = b.value(Band.FLOOR_1H_REF, m);
      final double u1h = b.value(Band.FLOOR_1H_UPPER, m);
      final double r3h = b.value(Band.FLOOR_3H_REF, m);
      final double u3h = b.value(Band.FLOOR_3H_UPPER, m);
      final double lo = b.value(Band.MEAN_24H_LOWER, m);
      final double ref = b.value(Band.MEAN_24H_REF, m);
      all.add(minute(b, "all at ref", m, r15, r1h, r3h, ref));
      all.add(minute(b, "15-min floor at its upper", m, u15, r1h, r3h, ref));
      all.add(minute(b, "15-min floor one ulp above its upper", m, Math.nextUp(u15), r1h, r3h,
          ref));
      all.add(minute(b, "1-h floor at its upper", m, r15, u1h, r3h, ref));
      all.add(minute(b, "1-h floor at twice its upper", m, r15, 2 * u1h, r3h, ref));
      all.add(minute(b, "3-h floor at its upper", m, null, null, u3h, null));
      all.add(minute(b, "3-h floor 500 W above its upper", m, r15, r1h, u3h + 500, ref));
      all.add(minute(b, "floors below ref", m, r15 / 2, r1h / 2, r3h / 2, ref));
      all.add(minute(b, "24-h mean at half its lower", m, r15, r1h, r3h, lo / 2));
      all.add(minute(b, "24-h mean one ulp below its lower", m, r15, r1h, r3h, Math.nextDown(lo)));
      all.add(minute(b, "24-h mean at its lower, no floor", m, null, null, null, lo));
      all.add(minute(b, "24-h mean at its ref, no floor", m, null, null, null, ref));
      all.add(minute(b, "24-h mean at twice its ref, no floor", m, null, null, null, 2 * ref));
      all.add(minute(b, "24-h mean half way, no floor", m, null, null, null, (lo + ref) / 2));
      all.add(minute(b, "high beats low", m, r15, r1h, 3 * u3h, lo / 2));
      all.add(minute(b, "2 kW left on", m, r15 + 2000, r1h + 2000, r3h + 2000, ref + 80));
    }

    // Partial nulls: every subset of the four measures, values chosen so the subsets differ
    // (15-min z 0.5, 1-h z 1.2, 3-h z 0.9, mean below lower).
    for (final int m : new int[] {270, 1140}) {
      final Double[] x = {
          b.value(Band.FLOOR_15M_REF, m) + 0.5 * (b.value(Band.FLOOR_15M_UPPER, m)
              - b.value(Band.FLOOR_15M_REF, m)),
          b.value(Band.FLOOR_1H_REF, m) + 1.2 * (b.value(Band.FLOOR_1H_UPPER, m)
              - b.value(Band.FLOOR_1H_REF, m)),
          b.value(Band.FLOOR_3H_REF, m) + 0.9 * (b.value(Band.FLOOR_3H_UPPER, m)
              - b.value(Band.FLOOR_3H_REF, m)),
          0.9 * b.value(Band.MEAN_24H_LOWER, m)};
      for (int mask = 0; mask < 16; mask++) {
        final Double[] with = new Double[4];
        final StringBuilder which = new StringBuilder();
        for (int k = 0; k < 4; k++) {
          if ((mask & (1 << k)) != 0) {
            with[k] = x[k];
          } else {
            which.append(which.length() == 0 ? "" : ", ").append(MEASURES[k]);
          }
        }
        all.add(minute(b, which.length() == 0 ? "no null" : "null: " + which, m,
            with[0], with[1], with[2], with[3]));
      }
    }

    // Inputs that are not readings, in each position, the other measures as above at 600.
    final Double[] base = {900.0, 700.0, 300.0, 100.0};
    for (final double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, -1.0, -Double.MIN_VALUE, -0.0}) {
      for (int k = 0; k < 4; k++) {
        final Double[] with = base.clone();
        with[k] = bad;
        all.add(minute(b, (bad == 0 ? "negative zero is a reading of 0" : "not a reading")
            + ": " + MEASURES[k] + " " + bad, 600, with[0], with[1], with[2], with[3]));
      }
      all.add(minute(b, "not a reading: all " + bad, 600, bad, bad, bad, bad));
    }
    for (final int m : new int[] {0, 600, 1439}) {
      all.add(minute(b, "all null", m, null, null, null, null));
    }

    // Minutes that are not minutes of the day.
    for (final Object m : new Object[] {-1, 1440, 1441, 100000, Integer.MIN_VALUE,
        Integer.MAX_VALUE, null, 10.5, -0.5, 1439.5}) {
      all.add(minute(b, "not a minute of the day", m, 5000.0, 5000.0, 5000.0, 1.0));
    }

    // Where the 15-min floor is not used (upper 100000) and where a denominator is below 1.
    for (final int m : new int[] {90, 1140}) {
      for (final double f15 : new double[] {2500.0, 20000.0, 99999.0, 150000.0, 1e9}) {
        all.add(minute(b, "15-min floor where it is not used (upper 100000)", m, f15, null,
            null, null));
      }
    }
    final double r15 = b.value(Band.FLOOR_15M_REF, 185);
    for (final double above : new double[] {0.3, 0.6, 0.9, 1.0, 1.5, 3.0}) {
      all.add(minute(b, "15-min floor upper - ref < 1: denominator 1", 185, r15 + above, null,
          null, null));
    }
    final double lo = b.value(Band.MEAN_24H_LOWER, 725);
    for (final double below : new double[] {-0.4, 0.0, 0.5, 1.0, 2.0}) {
      all.add(minute(b, "24-h mean ref - lower < 1: denominator 1", 725, null, null, null,
          lo - below));
    }
    all.add(minute(b, "24-h mean ref - lower < 1, floors normal", 725,
        b.value(Band.FLOOR_15M_REF, 725), null, null, lo - 0.5));

    // Extremes.
    all.add(minute(b, "largest double", 720, Double.MAX_VALUE, null, null, null));
    all.add(minute(b, "largest double everywhere", 720, Double.MAX_VALUE, Double.MAX_VALUE,
        Double.MAX_VALUE, Double.MAX_VALUE));
    all.add(minute(b, "smallest double", 720, Double.MIN_VALUE, Double.MIN_VALUE,
        Double.MIN_VALUE, Double.MIN_VALUE));
    all.add(minute(b, "zero", 720, 0.0, 0.0, 0.0, 0.0));
    all.add(minute(b, "zero mean only", 720, null, null, null, 0.0));

    // A spread over the day: random minutes, values around each band, some nulls (seeded).
    final Random random = new Random(20181117);
    for (int n = 0; n < 120; n++) {
      final int m = random.nextInt(1440);
      final Double[] x = new Double[4];
      final Band[] near = {Band.FLOOR_15M_UPPER, Band.FLOOR_1H_UPPER, Band.FLOOR_3H_UPPER,
          Band.MEAN_24H_LOWER};
      for (int k = 0; k < 4; k++) {
        if (random.nextInt(5) > 0) {
          final double around = Math.min(b.value(near[k], m), 5000);
          x[k] = Math.rint(around * random.nextDouble() * 2 * 10) / 10;
        }
      }
      all.add(minute(b, "spread", m, x[0], x[1], x[2], x[3]));
    }

    // The 2018 forms, against the kwh bands.
    all.add(hour(b, "2018 reference", 4.0, 1500.0));
    all.add(hour(b, "2018 reference", 9.0, 1500.0));
    for (int h = 0; h < 24; h++) {
      all.add(hour(b, "zero", (double) h, 0.0));
      all.add(hour(b, "at lower", (double) h, b.hourLower(h)));
      all.add(hour(b, "at upper", (double) h, b.hourUpper(h)));
      all.add(hour(b, "1500 Wh", (double) h, 1500.0));
    }
    for (int day = 1; day <= 7; day++) {
      for (final int h : new int[] {0, 9, 23}) {
        all.add(cell(b, "cell", day, h, 1500.0));
        all.add(cell(b, "cell at lower", day, h, b.cellLower(day, h)));
        all.add(cell(b, "cell at upper", day, h, b.cellUpper(day, h)));
      }
    }
    all.add(hour(b, "huge reading", 20.0, 1e9));
    all.add(hour(b, "tiny reading", 20.0, Double.MIN_VALUE));
    for (final Object h : new Object[] {-1.0, 24.0, 4.5, 23.5, -0.5, 1e9, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null}) {
      all.add(hour(b, "bad hour", h, 1500.0));
    }
    for (final Object kwh : new Object[] {-1.0, -0.001, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, null}) {
      all.add(hour(b, "bad kwh", 4.0, kwh));
      all.add(cell(b, "bad kwh", 1, 4, kwh));
    }
    for (final Object day : new Object[] {0, 8, -1, 2.5, Double.NaN, null}) {
      all.add(cell(b, "bad day", day, 4, 1500.0));
    }
    for (final Object h : new Object[] {-1, 24, 4.5, null}) {
      all.add(cell(b, "bad hour", 1, h, 1500.0));
    }
    return cases;
  }

  private static final String[] MEASURES = {"floor_15m", "floor_1h", "floor_3h", "mean_24h"};

  private static JsonObject minute(final Bands bands, final String name, final Object minute,
      final Double f15, final Double f1h, final Double f3h, final Double m24) {
    final Integer m = asInt(minute);
    final boolean integral = minute == null || m != null;
    final Double score = integral ? Scores.score(bands, m, f15, f1h, f3h, m24) : null;
    final Object[] ref = integral ? reference(bands, m, f15, f1h, f3h, m24)
        : new Object[] {null, "null"};
    assertEquals(ref[0] == null ? null : Double.doubleToRawLongBits((Double) ref[0]),
        score == null ? null : Double.doubleToRawLongBits(score), name + " at " + minute);
    final JsonObject entry = new JsonObject();
    entry.addProperty("name", name);
    entry.addProperty("form", "minute");
    entry.add("minute", json(minute));
    entry.add("floor_15m", json(f15));
    entry.add("floor_1h", json(f1h));
    entry.add("floor_3h", json(f3h));
    entry.add("mean_24h", json(m24));
    entry.add("expected", json(score));
    entry.addProperty("branch", (String) ref[1]);
    return entry;
  }

  /**
   * MODEL-FORMAT's score transcribed as plainly as possible, independently of {@link Scores}:
   * {score or null, the branch}.
   */
  private static Object[] reference(final Bands bands, final Integer minute, final Double f15,
      final Double f1h, final Double f3h, final Double m24) {
    if (minute == null || minute < 0 || minute > 1439) {
      return new Object[] {null, "null"};
    }
    final List<Double> zs = new ArrayList<>();
    final Band[][] floors = {{Band.FLOOR_15M_REF, Band.FLOOR_15M_UPPER},
        {Band.FLOOR_1H_REF, Band.FLOOR_1H_UPPER}, {Band.FLOOR_3H_REF, Band.FLOOR_3H_UPPER}};
    final Double[] xs = {f15, f1h, f3h};
    for (int k = 0; k < 3; k++) {
      if (isReading(xs[k])) {
        final double ref = bands.value(floors[k][0], minute);
        final double upper = bands.value(floors[k][1], minute);
        zs.add((xs[k] - ref) / Math.max(upper - ref, 1));
      }
    }
    final Double high = zs.isEmpty() ? null : zs.stream().max(Double::compare).get();
    Double low = null;
    if (isReading(m24)) {
      final double lower = bands.value(Band.MEAN_24H_LOWER, minute);
      final double ref = bands.value(Band.MEAN_24H_REF, minute);
      low = (m24 - lower) / Math.max(ref - lower, 1);
    }
    if (high != null && high > 1) {
      return new Object[] {high, "high"};
    }
    if (low != null && low < 0) {
      return new Object[] {low, "low"};
    }
    if (high != null) {
      return new Object[] {Math.max(high, 0), "normal-high"};
    }
    if (low != null) {
      return new Object[] {Math.min(low, 1), "normal-low"};
    }
    return new Object[] {null, "null"};
  }

  private static boolean isReading(final Double x) {
    return x != null && !x.isNaN() && !x.isInfinite() && x >= 0;
  }

  private static JsonObject hour(final Bands bands, final String name, final Object hour,
      final Object kwh) {
    final Double score = Scores.score(bands, (Double) hour, (Double) kwh);
    final JsonObject entry = new JsonObject();
    entry.addProperty("name", name);
    entry.addProperty("form", "hour");
    entry.add("hour", json(hour));
    entry.add("kwh", json(kwh));
    entry.add("expected", json(score));
    entry.addProperty("branch", score == null ? "hour-null" : "hour");
    return entry;
  }

  private static JsonObject cell(final Bands bands, final String name, final Object day,
      final Object hour, final Object kwh) {
    final Integer d = asInt(day);
    final Integer h = asInt(hour);
    final boolean integral = (day == null || d != null) && (hour == null || h != null);
    final Double score = integral ? Scores.score(bands, d, h, (Double) kwh) : null;
    final JsonObject entry = new JsonObject();
    entry.addProperty("name", name);
    entry.addProperty("form", "cell");
    entry.add("day", json(day));
    entry.add("hour", json(hour));
    entry.add("kwh", json(kwh));
    entry.add("expected", json(score));
    entry.addProperty("branch", score == null ? "cell-null" : "cell");
    return entry;
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
}
