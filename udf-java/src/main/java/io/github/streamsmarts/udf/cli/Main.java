package io.github.streamsmarts.udf.cli;

import com.google.gson.GsonBuilder;
import io.github.streamsmarts.udf.BuildInfo;
import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.EmbeddedModel;
import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelException;
import io.github.streamsmarts.udf.model.ModelSource;
import io.github.streamsmarts.udf.model.Scores;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar stream-smarts-udf.jar envelope|score|version ...}: the UDF's genmodel arithmetic
 * for tools outside ksqlDB, so that training and `run` never re-implement it. Never touches the UDF
 * classes, which need Kafka's classes from a ksqlDB server.
 */
public final class Main {

  private static final String USAGE = String.join("\n",
      "usage: java -jar stream-smarts-udf.jar envelope [--model DIR]",
      "       java -jar stream-smarts-udf.jar score [--model DIR] --day D --minute M",
      "                [--floor-15m X] [--floor-1h X] [--floor-3h X] [--step-20m X] [--step-45m X]",
      "                [--step-90m X] [--activity-3h X] [--mean-24h X]",
      "       java -jar stream-smarts-udf.jar score [--model DIR] --minute M [--floor-15m X]",
      "                [--floor-1h X] [--floor-3h X] [--mean-24h X]",
      "       java -jar stream-smarts-udf.jar score [--model DIR] [--day D] --hour H --kwh X",
      "       java -jar stream-smarts-udf.jar version",
      "  envelope  prints the tables envelope.json holds, {\"bands\":{\"dayTypes\":1|2,\"high\":{...},",
      "            \"mean_24h\":{...},\"kwh\":{...}},\"hours\":[24],\"cells\":[168]}, predicted by",
      "            DIR's bands.zip alone (no envelope.json needed) or by the model embedded in the jar",
      "  score     prints the score of one reading, or null, as the SQL form would give it (an",
      "            option left out, or \"null\", is SQL NULL). With --day and --minute: the bands@3",
      "            score, ANOMOLY_POWER(day, minute, 7 high measures, mean_24h); with --minute",
      "            alone: ANOMOLY_POWER(minute, floor_15m, floor_1h, floor_3h, mean_24h), the",
      "            weekday tables; with --hour: the 2018 score of the trailing-hour energy. DIR must",
      "            be a whole model directory (its contentHash is checked)",
      "  version   prints <jar version>+model.<first 12 hex of the embedded model's contentHash>",
      "examples:",
      "  java -jar stream-smarts-udf.jar envelope --model models/2026-12-01T120000Z",
      "  java -jar stream-smarts-udf.jar score --day 3 --minute 270 --floor-15m 2300"
          + " --floor-1h 2250 --floor-3h 900 --step-20m 2100 --mean-24h 480",
      "  java -jar stream-smarts-udf.jar score --minute 270 --floor-15m 2300 --floor-1h 2250"
          + " --floor-3h 900 --mean-24h 480",
      "  java -jar stream-smarts-udf.jar score --hour 4 --kwh 1500",
      "exit status: 0 done, 1 the model is missing or broken, 2 bad usage");

  /** The options of the 10-argument form, in its order (after --day and --minute). */
  private static final List<String> MEASURES = List.of("floor-15m", "floor-1h", "floor-3h",
      "step-20m", "step-45m", "step-90m", "activity-3h", "mean-24h");
  /** What the 5-argument form does not take. */
  private static final List<String> NOT_IN_5 = List.of("step-20m", "step-45m", "step-90m",
      "activity-3h");

  private Main() {
  }

  public static void main(final String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Exit status: 0 done, 1 the model is missing or broken, 2 bad usage. */
  public static int run(final String[] args, final PrintStream out, final PrintStream err) {
    if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
      (args.length == 0 ? err : out).println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    final Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        err.println("unexpected argument " + args[i] + "\n" + USAGE);
        return 2;
      }
      if (options.put(args[i].substring(2), args[++i]) != null) {
        err.println("option " + args[i - 1] + " given twice\n" + USAGE);
        return 2;
      }
    }
    try {
      switch (args[0]) {
        case "envelope":
          return envelope(options, out, err);
        case "score":
          return score(options, out, err);
        case "version":
          if (!known(options, err)) {
            return 2;
          }
          out.println(BuildInfo.VERSION);
          return 0;
        default:
          err.println("unknown command " + args[0] + "\n" + USAGE);
          return 2;
      }
    } catch (final ModelException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static int envelope(
      final Map<String, String> options, final PrintStream out, final PrintStream err) {
    if (!known(options, err, "model")) {
      return 2;
    }
    final String dir = options.get("model");
    final Bands bands = dir == null ? EmbeddedModel.get().bands()
        : Model.bandsOnly(ModelSource.directory(Path.of(dir)));
    out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(EnvelopeJson.of(bands)));
    return 0;
  }

  private static int score(
      final Map<String, String> options, final PrintStream out, final PrintStream err) {
    final boolean byMinute = options.containsKey("minute");
    final boolean withDay = options.containsKey("day");
    if (byMinute) {
      final List<String> allowed = new ArrayList<>(MEASURES);
      allowed.addAll(List.of("model", "minute", "day"));
      if (!known(options, err, allowed.toArray(new String[0]))) {
        return 2;
      }
      if (!withDay) {
        for (final String option : NOT_IN_5) {
          if (options.containsKey(option)) {
            err.println("--" + option + " needs --day: without it --minute is the 5-argument"
                + " form, which has no steps and no 3-h activity\n" + USAGE);
            return 2;
          }
        }
      }
    } else {
      if (!known(options, err, "model", "day", "hour", "kwh")) {
        return 2;
      }
      if (!options.containsKey("hour") || !options.containsKey("kwh")) {
        err.println("score needs --minute, or --hour and --kwh\n" + USAGE);
        return 2;
      }
    }
    final Map<String, Double> values = new HashMap<>();
    for (final Map.Entry<String, String> option : options.entrySet()) {
      if (option.getKey().equals("model") || option.getValue().equals("null")) {
        continue;
      }
      try {
        values.put(option.getKey(), Double.valueOf(option.getValue()));
      } catch (final NumberFormatException e) {
        err.println("--" + option.getKey() + " " + option.getValue() + " is not a number\n"
            + USAGE);
        return 2;
      }
    }
    final String dir = options.get("model");
    final Model model = dir == null ? EmbeddedModel.get()
        : Model.load(ModelSource.directory(Path.of(dir)));
    final Double score = score(model.bands(), values, byMinute, withDay);
    out.println(score == null ? "null" : score.toString());
    return 0;
  }

  /**
   * The score of the reading the options describe ({@code values}: option name to number, a
   * missing or "null" option absent), exactly as the SQL form would give it: by minute with a day
   * the 10-argument form, by minute alone the 5-argument form, else the 2018 forms.
   */
  public static Double score(final Bands bands, final Map<String, Double> values,
      final boolean byMinute, final boolean withDay) {
    if (byMinute) {
      // The SQL forms take an INT day and minute; one that is no integer has no bands.
      final Integer minute = asInt(values.get("minute"));
      if (minute == null) {
        return null;
      }
      if (!withDay) {
        return Scores.score(bands, minute, values.get("floor-15m"), values.get("floor-1h"),
            values.get("floor-3h"), values.get("mean-24h"));
      }
      final Double day = values.get("day");
      if (day != null && asInt(day) == null) {
        return null;
      }
      return Scores.score(bands, asInt(day), minute, values.get("floor-15m"),
          values.get("floor-1h"), values.get("floor-3h"), values.get("step-20m"),
          values.get("step-45m"), values.get("step-90m"), values.get("activity-3h"),
          values.get("mean-24h"));
    }
    if (!withDay) {
      return Scores.score(bands, values.get("hour"), values.get("kwh"));
    }
    final Integer day = asInt(values.get("day"));
    final Integer hour = asInt(values.get("hour"));
    return day != null && hour != null ? Scores.score(bands, day, hour, values.get("kwh")) : null;
  }

  /** The INT a number is, or null when it is null or no integer an INT can hold. */
  private static Integer asInt(final Double value) {
    return value != null && isInt(value) ? (Integer) (int) (double) value : null;
  }

  private static boolean isInt(final double value) {
    return value == Math.rint(value) && Math.abs(value) < Integer.MAX_VALUE;
  }

  private static boolean known(
      final Map<String, String> options, final PrintStream err, final String... allowed) {
    for (final String key : options.keySet()) {
      if (!Arrays.asList(allowed).contains(key)) {
        err.println("unknown option --" + key + "\n" + USAGE);
        return false;
      }
    }
    return true;
  }
}
