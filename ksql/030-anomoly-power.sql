-- The anomalies, as JSON on the topic ANOMOLY_POWER (the 2018 name and spelling): silent unless
-- something unusual happens. The notifier consumes it. Columns: EVENT_TS, METER_ID, DAY, HOUR,
-- MINUTE, KWH, FN, KIND, MODEL (see 020 for the thresholds).
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
    fn,
    kind,
    model
FROM power_stream_scored
WHERE kind IS NOT NULL
EMIT CHANGES;
