package io.github.streamsmarts.udf;

import io.github.streamsmarts.udf.model.Bands;
import io.github.streamsmarts.udf.model.EmbeddedModel;
import io.github.streamsmarts.udf.model.LiveModel;
import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelDirectories;
import io.github.streamsmarts.udf.model.ModelException;
import io.github.streamsmarts.udf.model.Scores;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What ANOMOLY_POWER and ANOMALY_POWER share: choosing the model and scoring with it. The UDF
 * classes only carry the annotations, because ksqlDB instantiates the class that declares each
 * {@code @Udf} method (confluentinc/ksql 8.4.x, ksqldb-engine UdfLoader.getUdfFactory calls
 * FunctionLoaderUtils.instantiateFunctionInstance on method.getDeclaringClass()), so the annotated
 * methods cannot live in a shared superclass.
 */
final class AnomalyScorer {

  /** Suffix of the function config key: {@code ksql.functions.<function name>.model.path}. */
  static final String MODEL_PATH = "model.path";
  /** {@code ksql.functions.<function name>.model.check.interval.ms}; 0 turns the check off. */
  static final String CHECK_INTERVAL = "model.check.interval.ms";
  static final long DEFAULT_CHECK_INTERVAL_MS = 60_000;

  /**
   * The live model each function was last configured with, for ANOMOLY_POWER_MODEL(): ksqlDB
   * hands a function only the keys under {@code ksql.functions.<its own name>} (KsqlConfig
   * .getKsqlFunctionsConfigProps in ksqldb-common, 8.4.x), so the companion cannot read
   * ANOMOLY_POWER's model.path itself. The server configures every query with the same settings,
   * so there is one live model per function name.
   */
  private static final ConcurrentMap<String, LiveModel> CONFIGURED = new ConcurrentHashMap<>();

  private final String functionName;
  private volatile LiveModel live;

  AnomalyScorer(final String functionName) {
    // No model work here: ksqlDB instantiates the class at start-up only as a check, and a
    // configured model.path may make the embedded model irrelevant. configure() decides.
    this.functionName = functionName;
  }

  /** A config key this function reads, e.g. {@code ksql.functions.anomoly_power.model.path}. */
  String key(final String suffix) {
    return "ksql.functions." + functionName + "." + suffix;
  }

  /**
   * ksqlDB calls this when it creates the function for a query, with the server's
   * {@code ksql.functions.<name>*} settings (KsqlConfig.getKsqlFunctionsConfigProps). A bad model
   * or setting fails the query's creation here, with a message naming the file or the key.
   */
  void configure(final Map<String, ?> configs) {
    final Object path = configs == null ? null : configs.get(key(MODEL_PATH));
    final LiveModel chosen;
    if (path == null || path.toString().isBlank()) {
      chosen = Embedded.live();
    } else {
      final long interval = interval(configs == null ? null : configs.get(key(CHECK_INTERVAL)));
      chosen = ModelDirectories.watch(Path.of(path.toString().trim()), interval);
    }
    live = chosen;
    CONFIGURED.put(functionName, chosen);
  }

  private long interval(final Object value) {
    if (value == null || value.toString().isBlank()) {
      return DEFAULT_CHECK_INTERVAL_MS;
    }
    try {
      final long ms = value instanceof Number ? ((Number) value).longValue()
          : Long.parseLong(value.toString().trim());
      if (ms >= 0) {
        return ms;
      }
    } catch (final NumberFormatException e) {
      // reported below
    }
    throw new ModelException(key(CHECK_INTERVAL) + " is \"" + value + "\"; it must be a whole"
        + " number of milliseconds (default " + DEFAULT_CHECK_INTERVAL_MS + "; 0 turns the check"
        + " for a new model off)");
  }

  /** The 64-hex contentHash the named function scores with now, or null if not configured. */
  static String configuredHash(final String functionName) {
    final LiveModel configured = CONFIGURED.get(functionName);
    return configured == null ? null : configured.current().contentHash();
  }

  Double score(final Double hour, final Double kwh) {
    return Scores.score(bands(), hour, kwh);
  }

  Double score(final Integer day, final Integer hour, final Double kwh) {
    return Scores.score(bands(), day, hour, kwh);
  }

  Double score(final Integer day, final Integer minute, final Double floor15m,
      final Double floor1h, final Double floor3h, final Double step20m, final Double step45m,
      final Double step90m, final Double activity3h, final Double mean24h) {
    return Scores.score(bands(), day, minute, floor15m, floor1h, floor3h, step20m, step45m,
        step90m, activity3h, mean24h);
  }

  Double score(final Integer minute, final Double floor15m, final Double floor1h,
      final Double floor3h, final Double mean24h) {
    return Scores.score(bands(), minute, floor15m, floor1h, floor3h, mean24h);
  }

  /** Null when no model could be had: scoring then yields null rather than throwing. */
  private Bands bands() {
    LiveModel l = live;
    if (l == null) {
      l = Embedded.liveOrNull();
      if (l == null) {
        return null;
      }
      live = l;
    }
    return l.current().bands();
  }

  /** The embedded model as a live model that never changes, made once. */
  private static final class Embedded {
    private static final LiveModel LIVE = make();

    private static LiveModel make() {
      final Model model = EmbeddedModel.orNull();
      return model == null ? null : LiveModel.fixed(model);
    }

    static LiveModel live() {
      if (LIVE == null) {
        EmbeddedModel.get(); // throws the load failure, naming the resource
      }
      return LIVE;
    }

    static LiveModel liveOrNull() {
      return LIVE;
    }
  }
}
