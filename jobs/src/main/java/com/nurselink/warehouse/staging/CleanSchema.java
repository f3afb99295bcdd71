package com.nurselink.warehouse.staging;

import com.nurselink.warehouse.contract.Column;
import com.nurselink.warehouse.contract.SourceContract;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The contract between the layers.
 *
 * <p>Raw (bronze): the source columns of {@link SourceContract} as STRING, exactly as read (the
 * personal-data columns {@code email} and {@code full_name} already replaced by their keyed
 * pseudonyms {@code email_hmac}, {@code full_name_hmac}), plus {@code _source} (which database) and
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

  /** The raw column of a personal-data source column: its keyed pseudonym. */
  public static String pseudonymColumn(String sourceColumn) {
    return sourceColumn + "_hmac";
  }

  /**
   * Raw column list of a table: the contract's columns in order, personal data renamed to their
   * pseudonym columns ({@link #pseudonymColumn}), plus _source, _row.
   */
  public static List<String> rawColumns(String table) {
    List<String> out = new ArrayList<>();
    for (Column c : SourceContract.of(table).columns()) {
      out.add(c.personal() ? pseudonymColumn(c.name()) : c.name());
    }
    out.add("_source");
    out.add("_row");
    return out;
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
