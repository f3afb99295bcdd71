#!/usr/bin/env bash
# Nightly pipeline benchmark on generated data (default 1,000,000 missions: ~125k users, ~3M
# applications, ~600k contracts). In the same run it measures:
#   - the pipeline: `nurselink run` (extract -> stage -> model -> kpis -> features -> load) under
#     /usr/bin/time -v: wall time, CPU time (user + sys), peak RSS, and per job seconds and rows/s;
#   - the extract floor: `sqlite3 -csv` export of the four source tables to /dev/null;
#   - the model + KPI floor: DuckDB computing the headline and the daily mission KPIs straight from
#     the clean Parquet the pipeline wrote;
#   - the machine load (load average, cores) before and after.
#
# Usage: bench/nightly-bench.sh [MISSIONS]
# Environment: BENCH_DIR (target/bench-nightly), NURSELINK_HEAP (4g), DATE (2026-11-20).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
missions="${1:-1000000}"
work="${BENCH_DIR:-$here/target/bench-nightly}"
date="${DATE:-2026-11-20}"
db="$work/missions-$missions.db"
out="$work/run"
mkdir -p "$work"
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (apt-get install -y sqlite3)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 2; }

if [[ ! -f "$db" ]]; then
  echo "== generating $db ($missions missions)"
  "$here/bin/nurselink" generate --out "$db" --missions "$missions"
fi

load() { printf '%s (cores: %s)' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"; }
echo "== machine load before: $(load)"

echo "== floor: sqlite3 -csv export of the four tables"
t0=$(date +%s.%N)
for t in users missions mission_applications contracts; do
  sqlite3 -csv "$db" "SELECT * FROM $t" > /dev/null
done
t1=$(date +%s.%N)
sqlite_s=$(echo "$t1 - $t0" | bc)
rows=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM missions)
  + (SELECT count(*) FROM mission_applications) + (SELECT count(*) FROM contracts)")
printf 'sqlite3 -csv export: %s rows in %.2f s (%.0f rows/s)\n' "$rows" "$sqlite_s" "$(echo "$rows / $sqlite_s" | bc -l)"

echo "== pipeline: nurselink run --date $date"
rm -rf "$out"
mkdir -p "$out"
cp -r "$here/conf" "$out/"
(cd "$out" && /usr/bin/time -v "$here/bin/nurselink" run --source "$db" --date "$date" \
  --conf lake.path="$out/lake" --conf warehouse.duckdb-path="$out/nurselink.duckdb" \
  --conf source.snapshot-dir="$out/snapshots") > "$out/run.out" 2> "$out/run.err" || {
  echo "bench: the pipeline failed; see $out/run.err" >&2; tail -20 "$out/run.err" >&2; exit 1; }
grep -E 'done: in' "$out/run.err" || true
cat "$out/run.out"
grep -E 'Elapsed|User time|System time|Maximum resident' "$out/run.err"

echo "== floor: DuckDB over the clean Parquet"
java -cp "$(cat "$here/target/classpath.txt")" "$here/bench/DuckDbFloor.java" "$out/lake"

echo "== machine load after: $(load)"
