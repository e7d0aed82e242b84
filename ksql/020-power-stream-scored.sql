-- Every reading with its score. KWH is the trailing-hour energy in Wh (watt-hours per hour), named
-- kwh for the 2018 statements. FN is the score: the day-aware form ANOMOLY_POWER(day, hour, kwh) when
-- the reading carries its day, else the original's ANOMOLY_POWER(hour, kwh), which is also kept
-- as FN_HOUR.
-- The anomaly thresholds live here and only here: KIND is 'high' above 1.0 (more than ever seen at
-- that hour and day), 'low' below 0.0 (less: on holiday, or the fridge died), NULL otherwise.
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
    kwh,
    COALESCE(ANOMOLY_POWER(day, hour, kwh), ANOMOLY_POWER(hour, kwh)) AS fn,
    ANOMOLY_POWER(hour, kwh) AS fn_hour,
    CASE
        WHEN COALESCE(ANOMOLY_POWER(day, hour, kwh), ANOMOLY_POWER(hour, kwh)) > 1.0 THEN 'high'
        WHEN COALESCE(ANOMOLY_POWER(day, hour, kwh), ANOMOLY_POWER(hour, kwh)) < 0.0 THEN 'low'
        ELSE CAST(NULL AS STRING)
    END AS kind
FROM raw_power_stream
EMIT CHANGES;
