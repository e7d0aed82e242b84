package io.github.streamsmarts.udf.cli;

import com.google.gson.GsonBuilder;
import io.github.streamsmarts.udf.BuildInfo;
import io.github.streamsmarts.udf.model.EmbeddedModel;
import io.github.streamsmarts.udf.model.Envelope;
import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelException;
import io.github.streamsmarts.udf.model.ModelSource;
import io.github.streamsmarts.udf.model.Scores;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar stream-smarts-udf.jar envelope|score ...}: the UDF's genmodel arithmetic for
 * tools outside ksqlDB, so that training and `run` never re-implement it. Never touches the UDF
 * classes, which need Kafka's classes from a ksqlDB server.
 */
public final class Main {

  private static final String USAGE = String.join("\n",
      "usage: java -jar stream-smarts-udf.jar envelope [--model DIR]",
      "       java -jar stream-smarts-udf.jar score [--model DIR] [--day D] --hour H --kwh X",
      "       java -jar stream-smarts-udf.jar version",
      "  envelope  prints {\"cells\":[...168],\"hours\":[...24]} predicted by DIR's lower.zip and",
      "            upper.zip (no envelope.json needed), or by the model embedded in the jar",
      "  score     prints the score of one reading, or null; DIR must be a whole model directory",
      "            (its contentHash is checked)");

  private Main() {
  }

  public static void main(final String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Exit status: 0 done, 1 the model is missing or broken, 2 bad usage. */
  public static int run(final String[] args, final PrintStream out, final PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    final Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        err.println("unexpected argument " + args[i] + "\n" + USAGE);
        return 2;
      }
      options.put(args[i].substring(2), args[++i]);
    }
    try {
      switch (args[0]) {
        case "envelope":
          return envelope(options, out, err);
        case "score":
          return score(options, out, err);
        case "version":
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
    final Envelope envelope = dir == null
        ? Envelope.fromMojos(ModelSource.embedded())
        : Envelope.fromMojos(ModelSource.directory(Path.of(dir)));
    out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(EnvelopeJson.of(envelope)));
    return 0;
  }

  private static int score(
      final Map<String, String> options, final PrintStream out, final PrintStream err) {
    if (!known(options, err, "model", "day", "hour", "kwh")) {
      return 2;
    }
    if (!options.containsKey("hour") || !options.containsKey("kwh")) {
      err.println("score needs --hour and --kwh\n" + USAGE);
      return 2;
    }
    final Double day;
    final Double hour;
    final Double kwh;
    try {
      day = options.containsKey("day") ? Double.valueOf(options.get("day")) : null;
      hour = Double.valueOf(options.get("hour"));
      kwh = Double.valueOf(options.get("kwh"));
    } catch (final NumberFormatException e) {
      err.println("not a number: " + e.getMessage() + "\n" + USAGE);
      return 2;
    }
    final String dir = options.get("model");
    final Model model = dir == null ? EmbeddedModel.get()
        : Model.load(ModelSource.directory(Path.of(dir)));
    final Double score;
    if (day == null) {
      score = Scores.score(model.envelope(), hour, kwh);
    } else {
      // The SQL form takes INTs; a day or hour that is no integer has no cell.
      score = isInt(day) && isInt(hour)
          ? Scores.score(model.envelope(), (int) (double) day, (int) (double) hour, kwh)
          : null;
    }
    out.println(score == null ? "null" : score.toString());
    return 0;
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
