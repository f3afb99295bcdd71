package com.nurselink.warehouse.source;

/** A source cannot be read: the message names the source (password masked) and the table. */
public class SourceException extends RuntimeException {
  public SourceException(String message) {
    super(message);
  }

  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
