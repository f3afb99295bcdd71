package com.nurselink.warehouse.ops.airflow;

/** A DAG run as reported by Airflow; {@code state} is queued, running, success or failed. */
public record DagRun(String runId, String state, String logicalDate) {
  public boolean finished() {
    return "success".equals(state) || "failed".equals(state);
  }

  public boolean succeeded() {
    return "success".equals(state);
  }
}
