package com.nurselink.warehouse.ops.airflow;

/** A task instance of a run; {@code state} is null while the task has no state yet. */
public record TaskInstance(String taskId, String state, int tryNumber) {
  /** The state for display: {@code none} when Airflow has none. */
  public String stateText() {
    return state == null ? "none" : state;
  }
}
