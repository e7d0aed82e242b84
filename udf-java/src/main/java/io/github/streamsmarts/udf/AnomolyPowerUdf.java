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

  /*
   * The overloads, by arity: 10 (day, minute, measures), 5 (minute, floors, mean), 3 (day, hour,
   * kwh) and 2 (hour, kwh), none variadic. ksqlDB resolves a call in UdfIndex.getFunction
   * (ksqldb-common, confluentinc/ksql 8.4.x): a trie with one level per parameter position, walked
   * one level per argument, so a call of n arguments can only reach the n-parameter overload, and
   * the arities being distinct, never two candidates: no call is ambiguous, not even one whose
   * arguments are all NULL literals, which Parameter.accepts takes for any type. Within an arity,
   * ParamTypes.areCompatible decides (ksqldb-common, function/types): exact types first, then
   * implicit casts, which SqlBaseType.canImplicitlyCast allows only from a narrower number to a
   * wider one: an INT or BIGINT measure is widened to DOUBLE, but a BIGINT or DOUBLE day or minute
   * is not narrowed to INT, so such a call is refused with the valid forms listed, never
   * truncated.
   */

  @Udf(description = Descriptions.BY_DAY_MINUTE)
  public Double anomolyPower(
      @UdfParameter(value = "day", description = Descriptions.DAY_TYPE) final Integer day,
      @UdfParameter(value = "minute", description = Descriptions.MINUTE) final Integer minute,
      @UdfParameter(value = "floor_15m", description = Descriptions.FLOOR_15M)
      final Double floor15m,
      @UdfParameter(value = "floor_1h", description = Descriptions.FLOOR_1H) final Double floor1h,
      @UdfParameter(value = "floor_3h", description = Descriptions.FLOOR_3H) final Double floor3h,
      @UdfParameter(value = "step_20m", description = Descriptions.STEP_20M) final Double step20m,
      @UdfParameter(value = "step_45m", description = Descriptions.STEP_45M) final Double step45m,
      @UdfParameter(value = "step_90m", description = Descriptions.STEP_90M) final Double step90m,
      @UdfParameter(value = "activity_3h", description = Descriptions.ACTIVITY_3H)
      final Double activity3h,
      @UdfParameter(value = "mean_24h", description = Descriptions.MEAN_24H)
      final Double mean24h) {
    return scorer.score(day, minute, floor15m, floor1h, floor3h, step20m, step45m, step90m,
        activity3h, mean24h);
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
