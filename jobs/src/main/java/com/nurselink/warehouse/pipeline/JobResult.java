package com.nurselink.warehouse.pipeline;

import java.util.Map;

/**
 * Counts of one job: rows read, rows written, rows quarantined; source watermarks when known; per
 * table {@code [rows in, rows quarantined]} where the job reports them (stage); and, for a job that
 * had nothing to do by configuration, why it was skipped (null when it ran).
 */
public record JobResult(long rowsIn, long rowsOut, long rowsQuarantined, Map<String, String> watermarks,
    Map<String, long[]> perTable, String skipped) {
  public JobResult(long rowsIn, long rowsOut, long rowsQuarantined, Map<String, String> watermarks,
      Map<String, long[]> perTable) {
    this(rowsIn, rowsOut, rowsQuarantined, watermarks, perTable, null);
  }

  public JobResult(long rowsIn, long rowsOut, long rowsQuarantined, Map<String, String> watermarks) {
    this(rowsIn, rowsOut, rowsQuarantined, watermarks, Map.of(), null);
  }

  public static JobResult of(long in, long out) {
    return new JobResult(in, out, 0, Map.of());
  }

  /** A job that did not run, and why (one line): its ledger row says {@code skipped}. */
  public static JobResult skipped(String why) {
    return new JobResult(0, 0, 0, Map.of(), Map.of(), why);
  }
}
