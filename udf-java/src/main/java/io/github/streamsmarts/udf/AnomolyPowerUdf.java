package io.github.streamsmarts.udf;

import io.confluent.ksql.function.udf.Udf;
import io.confluent.ksql.function.udf.UdfDescription;
import io.confluent.ksql.function.udf.UdfParameter;
import java.util.Map;
import org.apache.kafka.common.Configurable;

/** ANOMOLY_POWER, spelled as the 2018 statements spell it, so they run unchanged. */
@UdfDescription(
    name = AnomolyPowerUdf.NAME,
    description = Descriptions.FUNCTION,
    author = Descriptions.AUTHOR,
    version = BuildInfo.VERSION)
public final class AnomolyPowerUdf implements Configurable {

  static final String NAME = "anomoly_power";

  private final AnomalyScorer scorer = new AnomalyScorer(NAME);

  @Override
  public void configure(final Map<String, ?> configs) {
    scorer.configure(configs);
  }

  @Udf(description = Descriptions.BY_MINUTE)
  public Double anomolyPower(
      @UdfParameter(value = "minute", description = Descriptions.MINUTE) final Integer minute,
      @UdfParameter(value = "floor_15m", description = Descriptions.FLOOR_15M)
      final Double floor15m,
      @UdfParameter(value = "floor_1h", description = Descriptions.FLOOR_1H) final Double floor1h,
      @UdfParameter(value = "floor_3h", description = Descriptions.FLOOR_3H) final Double floor3h,
      @UdfParameter(value = "mean_24h", description = Descriptions.MEAN_24H)
      final Double mean24h) {
    return scorer.score(minute, floor15m, floor1h, floor3h, mean24h);
  }

  @Udf(description = Descriptions.BY_HOUR)
  public Double anomolyPower(
      @UdfParameter(value = "hour", description = Descriptions.HOUR_DOUBLE) final Double hour,
      @UdfParameter(value = "kwh", description = Descriptions.KWH) final Double kwh) {
    return scorer.score(hour, kwh);
  }

  @Udf(description = Descriptions.BY_CELL)
  public Double anomolyPower(
      @UdfParameter(value = "day", description = Descriptions.DAY) final Integer day,
      @UdfParameter(value = "hour", description = Descriptions.HOUR_INT) final Integer hour,
      @UdfParameter(value = "kwh", description = Descriptions.KWH) final Double kwh) {
    return scorer.score(day, hour, kwh);
  }
}
