package com.nurselink.warehouse.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The parameters of a run of the SQL models, and their SQL literals (identical in Spark SQL and
 * DuckDB):
 *
 * <ul>
 *   <li>{@code ${as_of_date}}: {@code DATE 'YYYY-MM-DD'}, the logical date D;
 *   <li>{@code ${cutoff_utc}}: {@code TIMESTAMP '...'}, the UTC instant of D+1 00:00 in the
 *       business time zone (the first instant after D; on a day whose midnight falls in a DST gap,
 *       the first valid instant of D+1);
 *   <li>{@code ${business_zone}}: the zone id as a string literal, e.g. {@code 'Europe/Paris'};
 *   <li>{@code ${run_id}}: the run id as a string literal.
 * </ul>
 */
public record SqlParams(LocalDate asOfDate, ZoneId zone, String runId) {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  public SqlParams {
    Objects.requireNonNull(asOfDate, "asOfDate");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(runId, "runId");
  }

  /** The first instant after the local day D. */
  public Instant cutoffUtc() {
    return asOfDate.plusDays(1).atStartOfDay(zone).toInstant();
  }

  /** Placeholder name to SQL literal, for {@link SqlModel#render}. */
  public Map<String, String> literals() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("as_of_date", "DATE '" + asOfDate + "'");
    m.put("cutoff_utc", "TIMESTAMP '" + TS.format(cutoffUtc()) + "'");
    m.put("business_zone", quote(zone.getId()));
    m.put("run_id", quote(runId));
    return m;
  }

  /** A SQL string literal (single quotes doubled). */
  static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
