-- Every reading with its score. FN is the score of the stream-smarts/bands@3 model
-- (contracts/MODEL-FORMAT.md): ANOMOLY_POWER(day, minute, floor_15m, floor_1h, floor_3h, step_20m,
-- step_45m, step_90m, activity_3h, mean_24h) — above 1.0 a load has stayed on longer or higher
-- than this house does at that time of day, below 0.0 the last day used far less than usual.
-- Records of a raw_power version-2 collector have no steps and no activity (NULL: absent to the
-- score); records from one older than version 2 carry no MINUTE and are scored the 2018 way,
-- ANOMOLY_POWER(day, hour, kwh), against the model's trailing-hour envelope. FN_HOUR keeps the
-- original ANOMOLY_POWER(hour, kwh) beside it. MODEL is the contentHash of the model that scored
-- the record (ANOMOLY_POWER_MODEL()), so a hot-swapped model shows in the stream.
-- KIND is the threshold rule, written in SQL once, here, and in TypeScript once, as kindOf
-- (contracts/src/anomaly-event.ts): 'high' above 1.0, 'low' below 0.0, 'hold' above 0.5 (not an
-- anomaly: it keeps an alerted high episode open while a thermostat or an oven is between two
-- on-periods), NULL otherwise (also while the collector's windows fill after a start: FN is then
-- NULL).
--
-- Changed from 2018: `PARTITION BY ROWTIME` is gone. Since ksqlDB 0.10, ROWTIME is a pseudo column
-- and partitioning by it yields a key column named ROWTIME that clashes with it
-- (confluentinc/ksql#8193); the stream stays keyed by meter, which keeps each meter's readings in
-- order for the windowed table. ROWTIME must be aliased when selected (here EVENT_TS).
CREATE STREAM IF NOT EXISTS power_stream_scored WITH (
    KAFKA_TOPIC = 'power_stream_scored',
    VALUE_FORMAT = 'AVRO'
) AS SELECT
    meter_key,
    ROWTIME AS event_ts,
    meter_id,
    day,
    hour,
    minute,
    kwh,
    wh,
    interval_s,
    floor_15m,
    floor_1h,
    floor_3h,
    step_20m,
    step_45m,
    step_90m,
    activity_3h,
    mean_24h,
    CASE WHEN minute IS NULL THEN ANOMOLY_POWER(day, hour, kwh)
         ELSE ANOMOLY_POWER(day, minute, floor_15m, floor_1h, floor_3h, step_20m, step_45m, step_90m, activity_3h, mean_24h) END AS fn,
    ANOMOLY_POWER(hour, kwh) AS fn_hour,
    ANOMOLY_POWER_MODEL() AS model,
    CASE
        WHEN (CASE WHEN minute IS NULL THEN ANOMOLY_POWER(day, hour, kwh)
                   ELSE ANOMOLY_POWER(day, minute, floor_15m, floor_1h, floor_3h, step_20m, step_45m, step_90m, activity_3h, mean_24h) END) > 1.0 THEN 'high'
        WHEN (CASE WHEN minute IS NULL THEN ANOMOLY_POWER(day, hour, kwh)
                   ELSE ANOMOLY_POWER(day, minute, floor_15m, floor_1h, floor_3h, step_20m, step_45m, step_90m, activity_3h, mean_24h) END) < 0.0 THEN 'low'
        WHEN (CASE WHEN minute IS NULL THEN ANOMOLY_POWER(day, hour, kwh)
                   ELSE ANOMOLY_POWER(day, minute, floor_15m, floor_1h, floor_3h, step_20m, step_45m, step_90m, activity_3h, mean_24h) END) > 0.5 THEN 'hold'
        ELSE CAST(NULL AS STRING)
    END AS kind
FROM raw_power_stream
EMIT CHANGES;
