-- DuckDB compatibility layer: the few Spark SQL functions the models use, defined as DuckDB
-- macros with Spark's semantics, so that every file under sql/ runs unchanged on both engines.
-- Timestamps are UTC instants: the session time zone is UTC, as in the Spark jobs.
SET TimeZone = 'UTC';

-- microseconds since 1970-01-01 00:00:00 UTC (Spark: unix_micros)
CREATE OR REPLACE MACRO unix_micros(ts) AS epoch_us(ts);

-- days since 1970-01-01 (Spark: unix_date)
CREATE OR REPLACE MACRO unix_date(d) AS date_diff('day', DATE '1970-01-01', d);

-- a / b, NULL when b is 0 (Spark: try_divide; DuckDB's own '/' returns infinity)
CREATE OR REPLACE MACRO try_divide(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a / b END;

-- the wall-clock time in zone tz of the UTC instant ts (Spark: from_utc_timestamp)
CREATE OR REPLACE MACRO from_utc_timestamp(ts, tz) AS timezone(tz, CAST(ts AS TIMESTAMPTZ));

-- number of elements of an array (Spark: array_size)
CREATE OR REPLACE MACRO array_size(a) AS len(a);

-- element at a 0-based index, NULL out of range (Spark: get)
CREATE OR REPLACE MACRO get(a, i) AS a[i + 1];

-- the array sorted ascending, nulls first (Spark: sort_array with its default order)
CREATE OR REPLACE MACRO sort_array(a) AS list_sort(a, 'ASC', 'NULLS FIRST');
