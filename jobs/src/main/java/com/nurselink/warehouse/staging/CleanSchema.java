package com.nurselink.warehouse.staging;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The contract between the layers.
 *
 * <p>Raw (bronze): the source columns of {@link #SOURCE_COLUMNS} as STRING, exactly as read (PII
 * columns {@code email} and {@code full_name} already replaced by their keyed pseudonyms
 * {@code email_hmac}, {@code full_name_hmac}), plus {@code _source} (which database) and
 * {@code _row} (the row's ordinal in the source: SQLite rowid, or null).
 *
 * <p>Clean (silver): typed, conformed, deduplicated; timestamps are UTC instants (Spark TIMESTAMP
 * with the session time zone UTC), dates are local dates in the business time zone.
 *
 * <p>Quarantine: the raw columns plus {@code reason} (the codes, comma-separated, in rule order)
 * and {@code reason_codes} (array).
 */
public final class CleanSchema {
  private CleanSchema() {}

  /** Logical source tables and their columns (the apps' contract, SPEC). */
  public static final Map<String, List<String>> SOURCE_COLUMNS = Map.of(
      "users", List.of("id", "email", "full_name", "role", "city", "specialty", "created_at", "updated_at"),
      "missions", List.of("id", "establishment_id", "title", "specialty", "location", "hourly_rate", "status",
          "start_at", "end_at", "created_at", "updated_at"),
      "mission_applications", List.of("id", "mission_id", "nurse_id", "status", "applied_at", "updated_at"),
      "contracts", List.of("id", "mission_id", "nurse_id", "application_id", "status", "start_date", "end_date",
          "hourly_rate", "hours_worked", "signed_at", "created_at", "updated_at"));

  /** The logical tables in extraction order. */
  public static final List<String> TABLES = List.of("users", "missions", "mission_applications", "contracts");

  /** Raw column list of a table: PII columns renamed to their pseudonym columns, plus _source, _row. */
  public static List<String> rawColumns(String table) {
    return SOURCE_COLUMNS.get(table).stream()
        .map(c -> c.equals("email") ? "email_hmac" : c.equals("full_name") ? "full_name_hmac" : c)
        .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
          l.add("_source");
          l.add("_row");
          return l;
        }));
  }

  public static StructType rawSchema(String table) {
    StructType s = new StructType();
    for (String c : rawColumns(table)) {
      s = s.add(c, c.equals("_row") ? DataTypes.LongType : DataTypes.StringType, true);
    }
    return s;
  }

  private static StructField f(String name, DataType t) {
    return DataTypes.createStructField(name, t, true);
  }

  private static final DataType TS = DataTypes.TimestampType;
  private static final DataType L = DataTypes.LongType;
  private static final DataType S = DataTypes.StringType;
  private static final DataType D = DataTypes.DoubleType;
  private static final DataType DATE = DataTypes.DateType;

  public static final StructType USERS = new StructType(new StructField[] {
      f("id", L), f("email_hmac", S), f("role", S), f("city", S), f("specialty", S),
      f("created_at", TS), f("updated_at", TS)});

  /** city = missions.location trimmed; service_date = local date of start_at. */
  public static final StructType MISSIONS = new StructType(new StructField[] {
      f("id", L), f("establishment_id", L), f("title", S), f("specialty", S), f("city", S),
      f("hourly_rate", D), f("status", S), f("start_at", TS), f("end_at", TS), f("created_at", TS),
      f("updated_at", TS), f("service_date", DATE)});

  /** applied_date = local date of applied_at. */
  public static final StructType MISSION_APPLICATIONS = new StructType(new StructField[] {
      f("id", L), f("mission_id", L), f("nurse_id", L), f("status", S), f("applied_at", TS),
      f("updated_at", TS), f("applied_date", DATE)});

  /** start_local_date / end_local_date = local dates of start_date / end_date. */
  public static final StructType CONTRACTS = new StructType(new StructField[] {
      f("id", L), f("mission_id", L), f("nurse_id", L), f("application_id", L), f("status", S),
      f("start_date", TS), f("end_date", TS), f("hourly_rate", D), f("hours_worked", D),
      f("signed_at", TS), f("created_at", TS), f("updated_at", TS), f("start_local_date", DATE),
      f("end_local_date", DATE)});

  /**
   * Quarantine schema of a table: its raw columns, {@code reason} (the codes joined by ',') and
   * {@code reason_codes}.
   */
  public static StructType quarantine(String table) {
    return rawSchema(table)
        .add("reason", S, true)
        .add("reason_codes", DataTypes.createArrayType(S, false), true);
  }

  public static StructType clean(String table) {
    return switch (table) {
      case "users" -> USERS;
      case "missions" -> MISSIONS;
      case "mission_applications" -> MISSION_APPLICATIONS;
      case "contracts" -> CONTRACTS;
      default -> throw new IllegalArgumentException("unknown table " + table);
    };
  }
}
