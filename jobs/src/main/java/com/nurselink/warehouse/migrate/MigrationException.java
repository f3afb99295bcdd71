package com.nurselink.warehouse.migrate;

/** A migration that cannot start or cannot finish; the message is one line, with no password in it. */
public final class MigrationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MigrationException(String message) {
    super(message);
  }

  public MigrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
