package com.nurselink.warehouse.contract;

import static com.nurselink.warehouse.contract.ColumnType.DATE;
import static com.nurselink.warehouse.contract.ColumnType.KEY;
import static com.nurselink.warehouse.contract.ColumnType.NUMBER;
import static com.nurselink.warehouse.contract.ColumnType.TEXT;
import static com.nurselink.warehouse.contract.ColumnType.TIMESTAMP;
import static com.nurselink.warehouse.contract.Presence.OPTIONAL;
import static com.nurselink.warehouse.contract.Presence.REQUIRED;
import static com.nurselink.warehouse.contract.Presence.REQUIRED_VALUE;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The contract with the apps (SPEC, "Operational source schema" and "Validation"): the four logical
 * source tables, in extraction order (parents first), each with its columns in order, their types,
 * which ones the pipeline requires, the enum column and its values, the foreign keys and the
 * range rule. Shipped as DDL in {@code sql/source/sqlite.sql} and {@code sql/source/postgres.sql}.
 *
 * <p>The extract, the staging, the generator and the configuration read the tables from here.
 * This package depends on the JDK only (no Spark), so that generating data and reading the
 * configuration need no Spark classes.
 */
public enum SourceContract {
  USERS("users", null,
      Column.of("id", KEY, REQUIRED_VALUE),
      Column.of("email", TEXT, OPTIONAL).personalData(),
      Column.of("full_name", TEXT, OPTIONAL).personalData(),
      Column.enumOf("role", "nurse", "establishment", "admin"),
      Column.of("city", TEXT, OPTIONAL),
      Column.of("specialty", TEXT, OPTIONAL),
      Column.of("created_at", TIMESTAMP, OPTIONAL),
      Column.of("updated_at", TIMESTAMP, OPTIONAL)),
  MISSIONS("missions", new Range("start_at", "end_at"),
      Column.of("id", KEY, REQUIRED_VALUE),
      Column.of("establishment_id", KEY, REQUIRED).referencing("users"),
      Column.of("title", TEXT, OPTIONAL),
      Column.of("specialty", TEXT, OPTIONAL),
      Column.of("location", TEXT, REQUIRED),
      Column.of("hourly_rate", NUMBER, REQUIRED_VALUE),
      Column.enumOf("status", "draft", "open", "filled", "in_progress", "completed", "cancelled"),
      Column.of("start_at", TIMESTAMP, REQUIRED_VALUE),
      Column.of("end_at", TIMESTAMP, REQUIRED_VALUE),
      Column.of("created_at", TIMESTAMP, REQUIRED_VALUE),
      Column.of("updated_at", TIMESTAMP, OPTIONAL)),
  MISSION_APPLICATIONS("mission_applications", null,
      Column.of("id", KEY, REQUIRED_VALUE),
      Column.of("mission_id", KEY, REQUIRED).referencing("missions"),
      Column.of("nurse_id", KEY, REQUIRED).referencing("users"),
      Column.enumOf("status", "pending", "accepted", "rejected", "withdrawn"),
      Column.of("applied_at", TIMESTAMP, REQUIRED_VALUE),
      Column.of("updated_at", TIMESTAMP, OPTIONAL)),
  CONTRACTS("contracts", new Range("start_date", "end_date"),
      Column.of("id", KEY, REQUIRED_VALUE),
      Column.of("mission_id", KEY, REQUIRED).referencing("missions"),
      Column.of("nurse_id", KEY, REQUIRED).referencing("users"),
      Column.of("application_id", KEY, OPTIONAL).referencing("mission_applications"),
      Column.enumOf("status", "pending", "signed", "active", "completed", "cancelled", "disputed"),
      Column.of("start_date", DATE, REQUIRED_VALUE),
      Column.of("end_date", DATE, OPTIONAL),
      Column.of("hourly_rate", NUMBER, OPTIONAL),
      Column.of("hours_worked", NUMBER, OPTIONAL),
      Column.of("signed_at", TIMESTAMP, OPTIONAL),
      Column.of("created_at", TIMESTAMP, OPTIONAL),
      Column.of("updated_at", TIMESTAMP, OPTIONAL));

  /** SPEC, Validation ({@code bad_range}): the end may not be before the start. */
  public record Range(String start, String end) {}

  /** The id column of every table (SPEC: {@code missing_key} when null). */
  public static final String ID = "id";
  /** The version column of every table: among rows of one id, the latest wins. */
  public static final String UPDATED_AT = "updated_at";

  private final String tableName;
  private final Range range;
  private final List<Column> columns;
  private final Column enumColumn;

  SourceContract(String tableName, Range range, Column... columns) {
    this.tableName = tableName;
    this.range = range;
    this.columns = List.of(columns);
    List<Column> enums = select(c -> c.type() == ColumnType.ENUM);
    if (enums.size() != 1) {
      throw new IllegalStateException(tableName + ": one enum column expected, got " + enums);
    }
    this.enumColumn = enums.get(0);
    for (String c : new String[] {ID, UPDATED_AT}) {
      index(c);
    }
    if (range != null) {
      if (column(range.start()).type() != column(range.end()).type() || !column(range.start()).type().temporal()) {
        throw new IllegalStateException(tableName + ": the range " + range + " compares two columns of one temporal type");
      }
    }
  }

  /** The logical table name, e.g. {@code mission_applications}. */
  public String tableName() {
    return tableName;
  }

  /** The logical table names in extraction order. */
  public static List<String> names() {
    List<String> out = new ArrayList<>();
    for (SourceContract t : values()) {
      out.add(t.tableName);
    }
    return List.copyOf(out);
  }

  /** The table of that logical name. */
  public static SourceContract of(String tableName) {
    for (SourceContract t : values()) {
      if (t.tableName.equals(tableName)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown source table " + tableName + " (known: " + names() + ")");
  }

  /** The columns, in the order of the contract. */
  public List<Column> columns() {
    return columns;
  }

  /** The column names, in the order of the contract. */
  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /** The column of that name. */
  public Column column(String name) {
    return columns.get(index(name));
  }

  /** The position of a column in {@link #columns()}. */
  public int index(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(tableName + " has no column " + name);
  }

  /** The columns a source table must have (a dropped one always fails the extract). */
  public List<String> requiredColumns() {
    return names(c -> c.presence().columnRequired());
  }

  /** The enum column: {@code role} for users, {@code status} for the others. */
  public String enumColumn() {
    return enumColumn.name();
  }

  /** The allowed values of {@link #enumColumn()}, lower case. */
  public List<String> enumValues() {
    return enumColumn.values();
  }

  /** The id and the foreign keys, in column order. */
  public List<String> keys() {
    return names(c -> c.type() == KEY);
  }

  /** The numbers, in column order. */
  public List<String> numbers() {
    return names(c -> c.type() == NUMBER);
  }

  /** The numbers every row must carry (SPEC: missions must have an hourly_rate). */
  public List<String> requiredNumbers() {
    return names(c -> c.type() == NUMBER && c.presence() == REQUIRED_VALUE);
  }

  /** The timestamps and dates, in column order. */
  public List<String> timestamps() {
    return names(c -> c.type().temporal());
  }

  /**
   * The required timestamps of SPEC, Validation ({@code bad_timestamp} when missing or unreadable):
   * missions start_at, end_at, created_at; applications applied_at; contracts start_date; users none.
   */
  public List<String> requiredTimestamps() {
    return names(c -> c.type().temporal() && c.presence() == REQUIRED_VALUE);
  }

  /** The end-not-before-start rule, or null when the table has none. */
  public Range range() {
    return range;
  }

  private List<Column> select(Predicate<Column> p) {
    return columns.stream().filter(p).toList();
  }

  private List<String> names(Predicate<Column> p) {
    return select(p).stream().map(Column::name).toList();
  }
}
