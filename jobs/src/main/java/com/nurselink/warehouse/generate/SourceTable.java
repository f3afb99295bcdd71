package com.nurselink.warehouse.generate;

import java.util.List;

/**
 * The four logical source tables, with their columns in the order of the apps' contract (the same
 * as {@code CleanSchema.SOURCE_COLUMNS}, kept here so that generating data needs no Spark classes).
 */
public enum SourceTable {
  USERS("users", "role", List.of("nurse", "establishment", "admin"),
      List.of("id", "email", "full_name", "role", "city", "specialty", "created_at", "updated_at")),
  MISSIONS("missions", "status", List.of("draft", "open", "filled", "in_progress", "completed", "cancelled"),
      List.of("id", "establishment_id", "title", "specialty", "location", "hourly_rate", "status", "start_at", "end_at",
          "created_at", "updated_at")),
  MISSION_APPLICATIONS("mission_applications", "status", List.of("pending", "accepted", "rejected", "withdrawn"),
      List.of("id", "mission_id", "nurse_id", "status", "applied_at", "updated_at")),
  CONTRACTS("contracts", "status", List.of("pending", "signed", "active", "completed", "cancelled", "disputed"),
      List.of("id", "mission_id", "nurse_id", "application_id", "status", "start_date", "end_date", "hourly_rate",
          "hours_worked", "signed_at", "created_at", "updated_at"));

  private final String sqlName;
  private final String enumColumn;
  private final List<String> enumValues;
  private final List<String> columns;

  SourceTable(String sqlName, String enumColumn, List<String> enumValues, List<String> columns) {
    this.sqlName = sqlName;
    this.enumColumn = enumColumn;
    this.enumValues = enumValues;
    this.columns = columns;
  }

  public String sqlName() {
    return sqlName;
  }

  public List<String> columns() {
    return columns;
  }

  /** Position of a column in {@link #columns()}. */
  public int col(String name) {
    int i = columns.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(sqlName + " has no column " + name);
    }
    return i;
  }

  /** The enum column of the table: {@code role} for users, {@code status} for the others. */
  public String enumColumn() {
    return enumColumn;
  }

  public List<String> enumValues() {
    return enumValues;
  }

  public static SourceTable of(String sqlName) {
    for (SourceTable t : values()) {
      if (t.sqlName.equals(sqlName)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown table " + sqlName);
  }
}
