package io.github.streamsmarts.udf;

import io.confluent.ksql.function.udf.Udf;
import io.confluent.ksql.function.udf.UdfDescription;

/**
 * ANOMALY_POWER_MODEL(): the contentHash of the model ANOMALY_POWER scores with now, so that
 * {@code SELECT ..., ANOMALY_POWER(...) AS fn, ANOMALY_POWER_MODEL() AS model} names the model in
 * every scored record, before and after a hot swap.
 */
@UdfDescription(
    name = AnomalyPowerModelUdf.NAME,
    description = Descriptions.MODEL_OF_ANOMALY,
    author = Descriptions.AUTHOR,
    version = BuildInfo.VERSION)
public final class AnomalyPowerModelUdf {

  static final String NAME = "anomaly_power_model";

  @Udf(description = Descriptions.HASH_OF_ANOMALY)
  public String anomalyPowerModel() {
    return AnomalyScorer.configuredHash(AnomalyPowerUdf.NAME);
  }
}
