package com.nurselink.warehouse.contract;

/**
 * What a source column holds, as the apps declare it. The PostgreSQL schema of the apps
 * ({@code sql/source/postgres.sql}) declares exactly {@link #postgresType()}; the SQLite schema
 * ({@code sql/source/sqlite.sql}) declares one of {@link #sqliteTypes()} (an affinity only: any
 * value may be stored).
 */
public enum ColumnType {
  /** A 64-bit integer: the row's id or a foreign key. */
  KEY("bigint", "INTEGER"),
  /** Free text. */
  TEXT("text", "TEXT"),
  /** Text with a fixed set of values ({@link Column#values()}), compared lower-cased. */
  ENUM("text", "TEXT"),
  /** A non-negative decimal number (money, hours); SQLite: REAL, or no type for a column added later. */
  NUMBER("numeric", "REAL", ""),
  /** An instant; SQLite: DATETIME (ISO-8601 text or epoch numbers), or TEXT (ISO-8601 text only). */
  TIMESTAMP("timestamp with time zone", "DATETIME", "TEXT"),
  /** A local date of the business time zone. */
  DATE("date", "DATE");

  private final String postgresType;
  private final String[] sqliteTypes;

  ColumnType(String postgresType, String... sqliteTypes) {
    this.postgresType = postgresType;
    this.sqliteTypes = sqliteTypes;
  }

  /** The PostgreSQL type, as {@code format_type} prints it without modifiers (numeric(10,2) is numeric). */
  public String postgresType() {
    return postgresType;
  }

  /** The declared types a SQLite schema may give the column (upper case; "" for none). */
  public java.util.List<String> sqliteTypes() {
    return java.util.List.of(sqliteTypes);
  }

  /** Whether the column holds an instant or a date (the timestamps of the Validation rules). */
  public boolean temporal() {
    return this == TIMESTAMP || this == DATE;
  }
}
