-- The analyst role: SELECT on the marts (dim_*, fact_*, kpi_*, features_*) and nothing else:
-- no writes, no access to the ledger or the load state. Grant it to analysts' login roles:
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE analyst;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'analyst') THEN
        CREATE ROLE analyst NOLOGIN;
    END IF;
END
$$;

DO $$
DECLARE
    t record;
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO analyst', current_database());
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO analyst', current_schema());
    FOR t IN
        SELECT c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema()
          AND c.relkind IN ('r', 'p', 'v')
          AND c.relname ~ '^(dim|fact|kpi|features)_'
          AND NOT c.relispartition
    LOOP
        EXECUTE format('GRANT SELECT ON %I TO analyst', t.relname);
    END LOOP;
END
$$;

REVOKE ALL ON etl_runs, etl_watermarks, warehouse_loaded_partitions, warehouse_schema_history FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
