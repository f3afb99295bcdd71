-- Run ledger and load state of the PostgreSQL warehouse (internal: not granted to analysts).

-- etl_runs: one row per (run, job); written 'running' at start, updated at the end.
CREATE TABLE IF NOT EXISTS etl_runs (
    run_id            varchar     NOT NULL,
    job               varchar     NOT NULL,
    logical_date      date,
    started_at        timestamp,
    ended_at          timestamp,
    status            varchar     NOT NULL,
    rows_in           bigint,
    rows_out          bigint,
    rows_quarantined  bigint,
    watermarks        varchar,
    error             varchar,
    PRIMARY KEY (run_id, job)
);
CREATE INDEX IF NOT EXISTS etl_runs_started_idx ON etl_runs (started_at DESC);

-- etl_watermarks: highest source updated_at extracted, committed after the load.
CREATE TABLE IF NOT EXISTS etl_watermarks (
    source_table  varchar PRIMARY KEY,
    watermark     varchar NOT NULL,
    run_id        varchar,
    committed_at  timestamp
);

-- warehouse_loaded_partitions: fingerprint of each loaded lake partition (unchanged ones are skipped).
CREATE TABLE IF NOT EXISTS warehouse_loaded_partitions (
    table_name   text        NOT NULL,
    partition    text        NOT NULL,
    fingerprint  text        NOT NULL,
    loaded_at    timestamptz NOT NULL,
    PRIMARY KEY (table_name, partition)
);
