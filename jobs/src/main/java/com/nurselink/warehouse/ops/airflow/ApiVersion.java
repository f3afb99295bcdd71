package com.nurselink.warehouse.ops.airflow;

import java.util.Locale;

/** The stable REST API generations: Airflow 2 ({@code /api/v1}) and Airflow 3 ({@code /api/v2}). */
public enum ApiVersion {
  V1("/api/v1"),
  V2("/api/v2");

  private final String prefix;

  ApiVersion(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** {@code v1}, {@code v2}, or null for {@code auto} (detect from the server). */
  public static ApiVersion parse(String value) {
    String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "auto", "" -> null;
      case "v1" -> V1;
      case "v2" -> V2;
      default -> throw new IllegalArgumentException("airflow.api must be auto, v1 or v2, got '" + value + "'");
    };
  }
}
