-- Anomalies that last: per meter and kind (the 'hold' rows of 030 are no anomalies, so not counted),
-- the anomalous readings in the last 15 minutes, kept
-- only where there are at least 10 of them (with one reading a minute). A kettle is a blip; a
-- heater left on fills the window. Query it with
--   SELECT * FROM SUSTAINED_ANOMALIES WHERE meter_key = 'house' EMIT CHANGES;
-- A view for people and dashboards: the notifier does not read it. It reads ANOMOLY_POWER and
-- fires by its own rule (notifier.fireAfter within notifier.fireWindow: by default the 3rd anomaly
-- within 15 minutes, low the 5th within 60), so a row here comes later than the push.
--
-- KEY_FORMAT = 'JSON': GROUP BY meter_key, kind makes two key columns, and the KAFKA key format the
-- sink would inherit from ANOMOLY_POWER holds one column only ("Key format does not support
-- schema ... The 'KAFKA' format only supports a single field"; confluentinc/ksql
-- ksqldb-functional-tests/.../query-validation-tests/group-by.json, cases "multiple expressions -
-- KAFKA key format" and "multiple expressions - KAFKA to non-KAFKA key format").
CREATE TABLE IF NOT EXISTS SUSTAINED_ANOMALIES WITH (
    KAFKA_TOPIC = 'SUSTAINED_ANOMALIES',
    KEY_FORMAT = 'JSON',
    VALUE_FORMAT = 'JSON'
) AS SELECT
    meter_key,
    kind,
    WINDOWSTART AS window_start,
    WINDOWEND AS window_end,
    COUNT(*) AS anomalies,
    MAX(kwh) AS max_kwh,
    MAX(fn) AS max_fn,
    MIN(fn) AS min_fn,
    LATEST_BY_OFFSET(event_ts) AS last_event_ts
FROM ANOMOLY_POWER
WINDOW HOPPING (SIZE 15 MINUTES, ADVANCE BY 1 MINUTE)
WHERE kind <> 'hold'
GROUP BY meter_key, kind
HAVING COUNT(*) >= 10
EMIT CHANGES;
