package com.nurselink.warehouse.generate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a generation wrote.
 *
 * @param rows rows written per table (injected rows included)
 * @param injected injected bad rows per table and {@link Defect#code()} (empty unless dirty)
 * @param files the SQLite files written
 * @param postgres the PostgreSQL target, password masked (null when none)
 * @param postgresLoaded rows loaded into PostgreSQL per table
 * @param postgresSkipped rows not loaded into PostgreSQL per table and reason
 */
public record Summary(long missions, long seed, boolean dirty, Map<String, Long> rows,
    Map<String, Map<String, Long>> injected, List<Path> files, String postgres, Map<String, Long> postgresLoaded,
    Map<String, Map<String, Long>> postgresSkipped, Duration elapsed) {

  /** Rows written to a table. */
  public long rows(String table) {
    return rows.getOrDefault(table, 0L);
  }

  /** Injected rows of a table with a defect. */
  public long injected(String table, Defect defect) {
    return injected.getOrDefault(table, Map.of()).getOrDefault(defect.code(), 0L);
  }

  /** Human-readable report, one table per line. */
  public String format() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "generated %,d missions (seed %d%s) in %.1f s%n", missions, seed,
        dirty ? ", dirty" : "", elapsed.toMillis() / 1000.0));
    for (Map.Entry<String, Long> e : rows.entrySet()) {
      b.append(String.format(Locale.ROOT, "  %-22s %,12d rows", e.getKey(), e.getValue()));
      Map<String, Long> inj = injected.getOrDefault(e.getKey(), Map.of());
      if (!inj.isEmpty()) {
        b.append("  (injected: ").append(pairs(inj)).append(')');
      }
      b.append('\n');
    }
    for (Path f : files) {
      b.append("  sqlite: ").append(f).append('\n');
    }
    if (postgres != null) {
      b.append("  postgresql: ").append(postgres).append('\n');
      for (Map.Entry<String, Long> e : postgresLoaded.entrySet()) {
        b.append(String.format(Locale.ROOT, "    %-20s %,12d loaded", e.getKey(), e.getValue()));
        Map<String, Long> sk = postgresSkipped.getOrDefault(e.getKey(), Map.of());
        if (!sk.isEmpty()) {
          b.append(String.format(Locale.ROOT, ", %,d skipped (", sk.values().stream().mapToLong(Long::longValue).sum()))
              .append(pairs(sk)).append(')');
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  private static String pairs(Map<String, Long> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return b.toString();
  }
}
