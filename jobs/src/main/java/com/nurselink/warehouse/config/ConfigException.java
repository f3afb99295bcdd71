package com.nurselink.warehouse.config;

/** A configuration or usage error: the message is one line naming the key, file or value at fault. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
