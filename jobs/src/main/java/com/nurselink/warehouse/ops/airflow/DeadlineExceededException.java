package com.nurselink.warehouse.ops.airflow;

/**
 * A request was not sent because the caller's deadline had already passed. It says nothing about
 * Airflow itself, so a poller treats it as "time is up", never as the last error seen.
 */
public final class DeadlineExceededException extends AirflowException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message) {
    super(message, 0, true);
  }
}
