#!/usr/bin/env bash
# SQLite -> PostgreSQL migration benchmark: the same files migrated, in the same run, by
#   (a) nurselink migrate (types, keys, indexes, partitions, verification on),
#   (b) pgloader (Debian package),
#   (c) the floor: sqlite3 CSV export piped into parallel psql \copy into untyped text tables
#       (no typing, no keys, no indexes, no verification: the cost of moving the bytes).
# Prints per tool and file the wall time, the CPU time of the tool's own processes (user + sys; the
# PostgreSQL server's work is not in it), rows loaded and rows/s; the column types each tool chose are
# left in BENCH_DIR.
#
# Usage: bench/migrate-bench.sh [FILE.db ...]
#   default: the three reference samples, a generated nurselink-like file of about 1M rows, and the same
#   file with its decimal commas written with a point (which pgloader loads completely).
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), JOBS (2), ROWS (1000000),
#   BENCH_DIR (target/bench), POINTS_ONLY (1: only nurselink-bench-points.db, after generating it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
jobs="${JOBS:-2}"
rows_target="${ROWS:-1000000}"
work="${BENCH_DIR:-$here/target/bench}"
mkdir -p "$work"
export work jobs   # read by the floor loader in its own shell

for tool in sqlite3 pgloader psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y sqlite3 pgloader postgresql-client)" >&2; exit 2; }
done
pg_isready -q || { echo "bench: PostgreSQL not reachable at $PGHOST:$PGPORT" >&2; exit 2; }

# A nurselink-like database with the usual dirt: timestamps as ISO text (T or space, with or without
# offset) and epoch seconds/milliseconds, rates as reals and as text with a decimal comma.
generate() {
  local f="$1" n="$2"
  local users=$((n / 20)) missions=$((n * 3 / 10)) apps=$((n * 4 / 10)) contracts=$((n / 4))
  rm -f "$f"
  sqlite3 "$f" <<SQL
PRAGMA synchronous=OFF;
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, full_name TEXT, role TEXT NOT NULL,
  city TEXT, specialty TEXT, created_at TEXT, updated_at TEXT);
CREATE TABLE missions (id INTEGER PRIMARY KEY AUTOINCREMENT, establishment_id INTEGER REFERENCES users(id),
  title TEXT, specialty TEXT, location TEXT, hourly_rate REAL, status TEXT NOT NULL, start_at TEXT NOT NULL,
  end_at TEXT, created_at TEXT, updated_at TEXT);
CREATE TABLE mission_applications (id INTEGER PRIMARY KEY, mission_id INTEGER NOT NULL REFERENCES missions(id),
  nurse_id INTEGER NOT NULL REFERENCES users(id), status TEXT, applied_at TEXT, updated_at TEXT);
CREATE TABLE contracts (id INTEGER PRIMARY KEY, mission_id INTEGER REFERENCES missions(id),
  nurse_id INTEGER REFERENCES users(id), application_id INTEGER REFERENCES mission_applications(id),
  status TEXT, start_date TEXT NOT NULL, end_date TEXT, hourly_rate REAL, hours_worked REAL,
  signed_at TEXT, created_at TEXT, updated_at TEXT);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $users)
INSERT INTO users SELECT i, 'user' || i || '@example.org', 'User ' || i,
  CASE WHEN i % 10 = 0 THEN 'establishment' WHEN i % 97 = 0 THEN 'admin' ELSE 'nurse' END,
  CASE i % 5 WHEN 0 THEN 'Paris' WHEN 1 THEN 'Lyon' WHEN 2 THEN 'Marseille' WHEN 3 THEN 'Lille' ELSE 'Nantes' END,
  CASE i % 3 WHEN 0 THEN 'icu' WHEN 1 THEN 'pediatrics' ELSE 'geriatrics' END,
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + i * 600, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + i * 700, 'unixepoch')
FROM s;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $missions)
INSERT INTO missions SELECT i, 10 * (1 + i % ($users / 10)), 'Shift ' || i,
  CASE i % 3 WHEN 0 THEN 'icu' WHEN 1 THEN 'pediatrics' ELSE 'geriatrics' END,
  CASE i % 5 WHEN 0 THEN 'Paris' WHEN 1 THEN 'Lyon' WHEN 2 THEN 'Marseille' WHEN 3 THEN 'Lille' ELSE 'Nantes' END,
  CASE i % 4 WHEN 0 THEN 30 + (i % 2000) / 100.0 WHEN 1 THEN replace(printf('%.2f', 25 + (i % 3000) / 100.0), '.', ',')
    WHEN 2 THEN 40 ELSE 28.5 + (i % 7) END,
  CASE i % 6 WHEN 0 THEN 'open' WHEN 1 THEN 'filled' WHEN 2 THEN 'completed' WHEN 3 THEN 'cancelled'
    WHEN 4 THEN 'in_progress' ELSE 'draft' END,
  CASE i % 4 WHEN 0 THEN strftime('%Y-%m-%d %H:%M:%S', 1640995200 + i * 300, 'unixepoch')
    WHEN 1 THEN strftime('%Y-%m-%dT%H:%M:%S+02:00', 1640995200 + i * 300, 'unixepoch')
    WHEN 2 THEN (1640995200 + i * 300) * 1000 ELSE 1640995200 + i * 300 END,
  strftime('%Y-%m-%dT%H:%M:%S', 1640995200 + i * 300 + 28800, 'unixepoch'),
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + i * 300 - 86400, 'unixepoch'),
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + i * 300 - 3600, 'unixepoch')
FROM s;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $apps)
INSERT INTO mission_applications SELECT i, 1 + i % $missions, 1 + (i * 7) % $users,
  CASE i % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'accepted' WHEN 2 THEN 'rejected' ELSE 'withdrawn' END,
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + i * 200, 'unixepoch'),
  (1640995200 + i * 200 + 3600) * 1000
FROM s;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $contracts)
INSERT INTO contracts SELECT i, 1 + i % $missions, 1 + (i * 7) % $users, 1 + i % $apps,
  CASE i % 5 WHEN 0 THEN 'signed' WHEN 1 THEN 'active' WHEN 2 THEN 'completed' WHEN 3 THEN 'cancelled' ELSE 'pending' END,
  date(1640995200 + i * 500, 'unixepoch'), date(1640995200 + i * 500 + 86400, 'unixepoch'),
  CASE i % 3 WHEN 0 THEN 32.99 WHEN 1 THEN '41,5' ELSE 30 + (i % 1000) / 100.0 END,
  CASE i % 3 WHEN 0 THEN 7.5 WHEN 1 THEN '8,25' ELSE 10 END,
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + i * 500 - 7200, 'unixepoch'),
  strftime('%Y-%m-%d %H:%M:%S', 1640995200 + i * 500 - 9000, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%S.000Z', 1640995200 + i * 500, 'unixepoch')
FROM s;
SQL
}

now() { date +%s.%N; }
fresh_db() { psql -qX -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8'" >/dev/null 2>&1; }
drop_db() { psql -qX -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1; }
# rows actually present in a target database (partitions counted once, side tables excluded)
loaded_rows() {
  psql -qXAt -d "$1" -c "SELECT format('SELECT count(*) FROM %I.%I;', n.nspname, c.relname) FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relname <> '_migration_rejects'" \
    | psql -qXAt -d "$1" | awk '{ s += $1 } END { print s + 0 }'
}
total_rows() {
  local f="$1" n=0 t c
  while IFS= read -r t; do
    c=$(sqlite3 "$f" "SELECT count(*) FROM \"${t//\"/\"\"}\"")
    n=$((n + c))
  done < <(sqlite3 "$f" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
  echo "$n"
}

# (c) the floor: untyped text tables, sqlite3 -csv | psql \copy, $jobs tables at a time
floor_load() {
  local f="$1" db="$2"
  export FLOOR_FILE="$f" FLOOR_DB="$db"
  sqlite3 "$f" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'" | while IFS= read -r t; do
    local cols="" sel=""
    while IFS='|' read -r name type; do
      cols+="${cols:+, }\"${name//\"/\"\"}\" text"
      if [[ "${type^^}" == *BLOB* ]]; then sel+="${sel:+, }hex(\"$name\")"; else sel+="${sel:+, }\"$name\""; fi
    done < <(sqlite3 "$f" "SELECT name, type FROM pragma_table_info('${t//\'/\'\'}')")
    psql -qX -d "$db" -c "CREATE TABLE \"${t//\"/\"\"}\" ($cols)" >/dev/null
    printf '%s\t%s\n' "$t" "$sel"
  done > "$work/floor-tables.txt"
  # shellcheck disable=SC2016
  tr '\n' '\0' < "$work/floor-tables.txt" | xargs -0 -P "$jobs" -I{} bash -c '
    t="${1%%$'"'"'\t'"'"'*}"; sel="${1#*$'"'"'\t'"'"'}"
    sqlite3 -csv "$FLOOR_FILE" "SELECT $sel FROM \"$t\"" | psql -qX -d "$FLOOR_DB" -c "\\copy \"$t\" FROM STDIN WITH (FORMAT csv)"' _ {}
}

files=("$@")
if ((${#files[@]} == 0)); then
  ref="$here/jobs/src/test/resources/reference/sqlite"
  files=("$ref/chinook.sqlite" "$ref/northwind.sqlite" "$ref/sakila.sqlite")
  big="$work/nurselink-bench.db"
  if [[ ! -f "$big" ]]; then
    echo "bench: generating $big (~$rows_target rows)" >&2
    generate "$big" "$rows_target"
  fi
  files+=("$big")
  # The same rows with every decimal comma written with a point: a file pgloader loads completely, so
  # that the two tools are also compared on the same work.
  points="$work/nurselink-bench-points.db"
  if [[ ! -f "$points" || "$big" -nt "$points" ]]; then
    cp "$big" "$points.tmp"
    sqlite3 "$points.tmp" <<'SQL'
UPDATE missions SET hourly_rate = CAST(replace(hourly_rate, ',', '.') AS REAL) WHERE typeof(hourly_rate) = 'text';
UPDATE contracts SET hourly_rate = CAST(replace(hourly_rate, ',', '.') AS REAL) WHERE typeof(hourly_rate) = 'text';
UPDATE contracts SET hours_worked = CAST(replace(hours_worked, ',', '.') AS REAL) WHERE typeof(hours_worked) = 'text';
VACUUM;
SQL
    mv "$points.tmp" "$points"
  fi
  files+=("$points")
  # POINTS_ONLY=1: only the file both tools load completely (bin/bench)
  [[ "${POINTS_ONLY:-0}" == 1 ]] && files=("$points")
fi

echo "bench: building the CLI" >&2
(cd "$here" && mvn -q -B -o -DskipTests package >/dev/null 2>&1 || mvn -q -B -DskipTests package >/dev/null)

uptime >&2
printf '%-20s %8s | %7s %6s %8s %8s | %7s %6s %8s %8s | %7s %6s %8s | %s\n' file rows "ours s" "cpu s" "loaded" "rows/s" \
  "pgl s" "cpu s" "loaded" "rows/s" "floor s" "cpu s" "rows/s" "speed ours/pgl"
for f in "${files[@]}"; do
  name="$(basename "$f")"
  rows=$(total_rows "$f")
  db="bench_$$_$RANDOM"

  fresh_db "${db}_ours"
  t0=$(now)
  /usr/bin/time -f '%U %S' -o "$work/$name.ours.cpu" "$here/bin/nurselink" migrate --from "$f" --to "jdbc:postgresql://$PGHOST:$PGPORT/${db}_ours?user=$PGUSER" \
    --jobs "$jobs" > "$work/$name.ours.txt" 2> "$work/$name.ours.err" || echo "bench: ours failed on $name (see $work/$name.ours.*)" >&2
  t1=$(now)

  fresh_db "${db}_pgl"
  t2=$(now)
  /usr/bin/time -f '%U %S' -o "$work/$name.pgloader.cpu" pgloader --quiet --with "workers = $((jobs * 2))" --with "concurrency = $jobs" "sqlite://$f" \
    "postgresql://$PGUSER@$PGHOST:$PGPORT/${db}_pgl" > "$work/$name.pgloader.txt" 2>&1 \
    || echo "bench: pgloader failed on $name (see $work/$name.pgloader.txt)" >&2
  t3=$(now)

  fresh_db "${db}_floor"
  t4=$(now)
  /usr/bin/time -f '%U %S' -o "$work/$name.floor.cpu" bash -c "$(declare -f floor_load); floor_load \"\$1\" \"\$2\"" _ "$f" "${db}_floor"
  t5=$(now)

  lo=$(loaded_rows "${db}_ours"); lp=$(loaded_rows "${db}_pgl")
  cpu() { awk '{ printf "%.1f", $1 + $2 }' "$work/$name.$1.cpu" 2>/dev/null || echo "?"; }
  co=$(cpu ours); cp=$(cpu pgloader); cf=$(cpu floor)
  # rows/s counts the rows each tool really loaded
  awk -v n="$name" -v r="$rows" -v lo="$lo" -v lp="$lp" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v g="$t5" \
    -v co="$co" -v cp="$cp" -v cf="$cf" 'BEGIN {
    o = b - a; p = d - c; q = g - e;
    printf "%-20s %8d | %7.2f %6s %8d %8.0f | %7.2f %6s %8d %8.0f | %7.2f %6s %8.0f | %.2fx\n", n, r, o, co, lo, lo / o,
      p, cp, lp, lp / p, q, cf, r / q, p / o }'

  # what each tool chose for the columns that are easy to get wrong
  for side in ours pgl; do
    psql -qXAt -F ' ' -d "${db}_$side" -c "SELECT table_schema || '.' || table_name || '.' || column_name, data_type
      || coalesce('(' || numeric_precision || ',' || numeric_scale || ')', '') FROM information_schema.columns
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" > "$work/$name.$side.types"
  done
  if [[ "${KEEP:-0}" != 1 ]]; then drop_db "${db}_ours"; drop_db "${db}_pgl"; fi
  drop_db "${db}_floor"
done
echo "bench: column types chosen are in $work/*.ours.types and *.pgl.types; reports in $work/" >&2
