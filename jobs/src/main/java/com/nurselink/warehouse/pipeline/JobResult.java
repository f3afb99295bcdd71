package com.nurselink.warehouse.pipeline;

import java.util.Map;

/**
 * Counts of one job: rows read, rows written, rows quarantined; source watermarks when known; and
 * per table {@code [rows in, rows quarantined]} where the job reports them (stage).
 */
public record JobResult(long rowsIn, long rowsOut, long rowsQuarantined, Map<String, String> watermarks,
    Map<String, long[]> perTable) {
  public JobResult(long rowsIn, long rowsOut, long rowsQuarantined, Map<String, String> watermarks) {
    this(rowsIn, rowsOut, rowsQuarantined, watermarks, Map.of());
  }

  public static JobResult of(long in, long out) {
    return new JobResult(in, out, 0, Map.of());
  }
}
