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

  /**
   * What each column of the clean tables holds (the data dictionary's {@code clean_<table>}
   * views): one line per column of {@link #clean}, keyed {@code <table>.<column>}.
   */
  private static final java.util.Map<String, String> DESCRIPTIONS = java.util.Map.ofEntries(
      java.util.Map.entry("users.id", "the user's id in the apps (users.id)"),
      java.util.Map.entry("users.email_hmac", "keyed pseudonym (HMAC-SHA256) of the user's email; never the email itself"),
      java.util.Map.entry("users.role", "nurse, establishment or admin (lower case)"),
      java.util.Map.entry("users.city", "the user's city as the app stores it, trimmed; null when none"),
      java.util.Map.entry("users.specialty", "a nurse's specialty (e.g. urgences), trimmed; null when none"),
      java.util.Map.entry("users.created_at", "when the account was created (instant, UTC)"),
      java.util.Map.entry("users.updated_at", "last change of the row in the app (instant, UTC); the latest wins among duplicates"),
      java.util.Map.entry("missions.id", "the mission's id in the apps (missions.id)"),
      java.util.Map.entry("missions.establishment_id", "users.id of the establishment that posted the mission"),
      java.util.Map.entry("missions.title", "the mission's title as posted"),
      java.util.Map.entry("missions.specialty", "the specialty asked for, trimmed; null when none"),
      java.util.Map.entry("missions.city", "the mission's city: the source's location, trimmed; null when none"),
      java.util.Map.entry("missions.hourly_rate", "offered pay in EUR per hour (a decimal comma in the source read as a point)"),
      java.util.Map.entry("missions.status", "draft, open, filled, in_progress, completed or cancelled (lower case)"),
      java.util.Map.entry("missions.start_at", "start of the shift (instant, UTC)"),
      java.util.Map.entry("missions.end_at", "end of the shift (instant, UTC); never before start_at"),
      java.util.Map.entry("missions.created_at", "when the mission was posted (instant, UTC)"),
      java.util.Map.entry("missions.updated_at", "last change of the row in the app (instant, UTC); the latest wins among duplicates"),
      java.util.Map.entry("missions.service_date", "local date of start_at in the business time zone (the KPIs' day)"),
      java.util.Map.entry("mission_applications.id", "the application's id in the apps (mission_applications.id)"),
      java.util.Map.entry("mission_applications.mission_id", "missions.id applied to (kept when unknown: the facts attach it to key -1)"),
      java.util.Map.entry("mission_applications.nurse_id", "users.id of the nurse who applied"),
      java.util.Map.entry("mission_applications.status", "pending, accepted, rejected or withdrawn (lower case)"),
      java.util.Map.entry("mission_applications.applied_at", "when the nurse applied (instant, UTC)"),
      java.util.Map.entry("mission_applications.updated_at", "last change of the row in the app (instant, UTC); the latest wins among duplicates"),
      java.util.Map.entry("mission_applications.applied_date", "local date of applied_at in the business time zone"),
      java.util.Map.entry("contracts.id", "the contract's id in the apps (contracts.id)"),
      java.util.Map.entry("contracts.mission_id", "missions.id the contract is for"),
      java.util.Map.entry("contracts.nurse_id", "users.id of the contracted nurse"),
      java.util.Map.entry("contracts.application_id", "mission_applications.id of the accepted application; null when none"),
      java.util.Map.entry("contracts.status", "pending, signed, active, completed, cancelled or disputed (lower case)"),
      java.util.Map.entry("contracts.start_date", "start of the contract (instant, UTC; a bare date is local midnight)"),
      java.util.Map.entry("contracts.end_date", "end of the contract (instant, UTC); never before start_date; null when open"),
      java.util.Map.entry("contracts.hourly_rate", "agreed pay in EUR per hour; null when the source has none (the facts use the mission's)"),
      java.util.Map.entry("contracts.hours_worked", "hours worked under the contract; null until reported"),
      java.util.Map.entry("contracts.signed_at", "when the contract was signed (instant, UTC); null while unsigned"),
      java.util.Map.entry("contracts.created_at", "when the contract was created (instant, UTC)"),
      java.util.Map.entry("contracts.updated_at", "last change of the row in the app (instant, UTC); the latest wins among duplicates"),
      java.util.Map.entry("contracts.start_local_date", "local date of start_date in the business time zone"),
      java.util.Map.entry("contracts.end_local_date", "local date of end_date in the business time zone; null when open"));

  /** The description of a column of {@code clean(table)}; null when it has none. */
  public static String description(String table, String column) {
    return DESCRIPTIONS.get(table + "." + column);
  }

  /**
   * The description of a column of {@code quarantine(table)} or of its partition column: the
   * source's value as read (text), the row's origin, the reasons; null for a column it does not have.
   */
  public static String quarantineDescription(String table, String column) {
    return switch (column) {
      case "_source" -> "the source the row was read from: the SQLite file, or the database URL (password masked)";
      case "_row" -> "the row's position in its source table (SQLite rowid, or the order read)";
      case "reason" -> "the reason codes the row failed, joined by ',' (missing_key, bad_timestamp, bad_enum, "
          + "bad_number, bad_range)";
      case "reason_codes" -> "the same reason codes, as an array";
      case "extract_date" -> "the logical date D of the run whose extract read the row";
      default -> {
        for (Column c : SourceContract.of(table).columns()) {
          if (c.personal() && pseudonymColumn(c.name()).equals(column)) {
            yield "keyed pseudonym (HMAC-SHA256) of the source's " + table + "." + c.name() + ", as extracted";
          }
          if (!c.personal() && c.name().equals(column)) {
            yield "the source's " + table + "." + c.name() + " as read, untyped text";
          }
        }
        yield null;
      }
    };
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
