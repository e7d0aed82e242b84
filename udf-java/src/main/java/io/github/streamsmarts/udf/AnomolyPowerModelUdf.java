package io.github.streamsmarts.udf;

import io.confluent.ksql.function.udf.Udf;
import io.confluent.ksql.function.udf.UdfDescription;

/**
 * ANOMOLY_POWER_MODEL(): the contentHash of the model ANOMOLY_POWER scores with now, so that
 * {@code SELECT ..., ANOMOLY_POWER(...) AS fn, ANOMOLY_POWER_MODEL() AS model} names the model in
 * every scored record, before and after a hot swap.
 */
@UdfDescription(
    name = AnomolyPowerModelUdf.NAME,
    description = Descriptions.MODEL_OF_ANOMOLY,
    author = Descriptions.AUTHOR,
    version = BuildInfo.VERSION)
public final class AnomolyPowerModelUdf {

  static final String NAME = "anomoly_power_model";

  @Udf(description = Descriptions.HASH_OF_ANOMOLY)
  public String anomolyPowerModel() {
    return AnomalyScorer.configuredHash(AnomolyPowerUdf.NAME);
  }
}
