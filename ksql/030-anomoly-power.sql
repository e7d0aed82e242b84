-- The anomalies, as JSON on the topic ANOMOLY_POWER (the 2018 name and spelling): silent unless
-- something unusual happens. The notifier consumes it. Columns: EVENT_TS, METER_ID, DAY, HOUR,
-- MINUTE, KWH, FN, KIND, MODEL, and what the alert's words come from: WH and INTERVAL_S (the
-- reading's own power) and the measures FLOOR_15M … MEAN_24H
-- ("about 2.0 kW has been on since 21:58"). See 020 for the thresholds; KIND 'hold' rows keep an
-- alerted episode open and alert nothing themselves.
--
-- Changed from 2018: `rowtime as event_ts` now reads the source's EVENT_TS column (already aliased
-- in 020), and the filter is `kind IS NOT NULL` so low-usage anomalies (fn < 0) come too.
CREATE STREAM IF NOT EXISTS ANOMOLY_POWER WITH (
    KAFKA_TOPIC = 'ANOMOLY_POWER',
    VALUE_FORMAT = 'JSON'
) AS SELECT
    meter_key,
    event_ts,
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
    fn,
    kind,
    model
FROM power_stream_scored
WHERE kind IS NOT NULL
EMIT CHANGES;
