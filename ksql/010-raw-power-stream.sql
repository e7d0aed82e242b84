-- The readings as the collector writes them: topic raw_power, Avro value registered in Schema
-- Registry under raw_power-value (contracts/schemas/raw_power.avsc), key = the meter id as a plain
-- string. Only the key column is declared; ksqlDB infers the value columns (TS, METER_ID, DAY,
-- HOUR, KWH, WH, INTERVAL_S, PULSES) from the registered schema. The record timestamp is the
-- reading's end, so ROWTIME is meter time.
CREATE STREAM IF NOT EXISTS raw_power_stream (
    meter_key STRING KEY
) WITH (
    KAFKA_TOPIC = 'raw_power',
    KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'AVRO'
);
