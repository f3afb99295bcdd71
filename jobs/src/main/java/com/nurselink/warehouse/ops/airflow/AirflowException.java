package com.nurselink.warehouse.ops.airflow;

/**
 * A call to Airflow that failed. {@code status} is the HTTP status (0 when no answer came);
 * {@code transientFailure} is true for timeouts, refused connections and 5xx answers, which a
 * poller may retry.
 */
public class AirflowException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final boolean transientFailure;

  public AirflowException(String message, int status, boolean transientFailure) {
    super(message);
    this.status = status;
    this.transientFailure = transientFailure;
  }

  public int status() {
    return status;
  }

  public boolean transientFailure() {
    return transientFailure;
  }
}
