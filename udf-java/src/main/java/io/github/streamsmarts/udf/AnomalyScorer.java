package io.github.streamsmarts.udf;

import io.github.streamsmarts.udf.model.EmbeddedModel;
import io.github.streamsmarts.udf.model.Envelope;
import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelDirectories;
import io.github.streamsmarts.udf.model.Scores;
import java.nio.file.Path;
import java.util.Map;

/**
 * What ANOMOLY_POWER and ANOMALY_POWER share: choosing the model and scoring with it. The two UDF
 * classes only carry the annotations, because ksqlDB instantiates the class that declares each
 * {@code @Udf} method (FunctionLoaderUtils.instantiateFunctionInstance on
 * method.getDeclaringClass()), so the annotated methods cannot live in a shared superclass.
 */
final class AnomalyScorer {

  /** Suffix of the function config key: {@code ksql.functions.<function name>.model.path}. */
  static final String MODEL_PATH = "model.path";

  private final String functionName;
  private volatile Envelope envelope;

  AnomalyScorer(final String functionName) {
    // No model work here: ksqlDB instantiates the class at start-up only as a check, and a
    // configured model.path may make the embedded model irrelevant. configure() decides.
    this.functionName = functionName;
  }

  /** The config key this function reads, e.g. {@code ksql.functions.anomoly_power.model.path}. */
  String modelPathKey() {
    return "ksql.functions." + functionName + "." + MODEL_PATH;
  }

  /**
   * ksqlDB calls this when it creates the function for a query, with the server's
   * {@code ksql.functions.<name>.*} settings (KsqlConfig.getKsqlFunctionsConfigProps). A bad model
   * fails the query's creation here, with a message naming the file.
   */
  void configure(final Map<String, ?> configs) {
    final Object path = configs == null ? null : configs.get(modelPathKey());
    final Model model = path == null || path.toString().isBlank()
        ? EmbeddedModel.get()
        : ModelDirectories.load(Path.of(path.toString().trim()));
    envelope = model.envelope();
  }

  Double score(final Double hour, final Double kwh) {
    return Scores.score(envelope(), hour, kwh);
  }

  Double score(final Integer day, final Integer hour, final Double kwh) {
    return Scores.score(envelope(), day, hour, kwh);
  }

  /** Null when no model could be had: scoring then yields null rather than throwing. */
  private Envelope envelope() {
    Envelope e = envelope;
    if (e == null) {
      final Model model = EmbeddedModel.orNull();
      if (model != null) {
        e = model.envelope();
        envelope = e;
      }
    }
    return e;
  }
}
