package com.nurselink.warehouse.staging;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import com.nurselink.warehouse.contract.SourceContract;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Raw (bronze) to clean (silver) and quarantine, for one logical table. A pure transformation:
 * it builds a lazy Spark plan and reads no file, clock or configuration.
 *
 * <h2>Typing</h2>
 * <ul>
 *   <li>Text columns are trimmed ({@link Text}); a blank value becomes null. {@code city} of
 *       missions is the trimmed {@code location}. Users keep {@code email_hmac}; {@code
 *       full_name_hmac} does not reach the clean table.</li>
 *   <li>Enum columns ({@code status}, users' {@code role}) are trimmed, lower-cased, and stored
 *       lower-cased.</li>
 *   <li>Ids and foreign keys: {@link Numbers#parseId} (exact 64-bit integers; {@code "42.0"} is 42;
 *       zero and negative values are integers and pass, the SPEC only requires an id). A foreign key that
 *       is not an integer becomes null (foreign keys are not validated here: a null or dangling key
 *       is attached to the "unknown" member downstream).</li>
 *   <li>Numbers: {@link Numbers#parse} (point or decimal comma).</li>
 *   <li>Timestamps: {@link Timestamps#parse} in the business time zone, stored as UTC TIMESTAMP.
 *       An optional timestamp ({@code updated_at}, {@code signed_at}, {@code end_date}, ...) that is
 *       present but unreadable becomes null without quarantining the row: the contract (SPEC,
 *       Validation) quarantines on required timestamps only; the original text stays in the raw
 *       layer.</li>
 *   <li>Local dates ({@code service_date}, {@code applied_date}, {@code start_local_date},
 *       {@code end_local_date}): the calendar date, in the business time zone, of the instant.
 *       Computed from the instant alone, whatever the session time zone.</li>
 * </ul>
 *
 * <h2>Validation</h2>
 * One reason code per failed rule, in this order (the SPEC's): {@link #MISSING_KEY} ({@code id}
 * absent or not an integer of 64 bits), {@link #BAD_TIMESTAMP} (a required timestamp absent or
 * unreadable: missions {@code start_at}, {@code end_at}, {@code created_at}; applications
 * {@code applied_at}; contracts {@code start_date}), {@link #BAD_ENUM} (status or role absent or not
 * one of {@link SourceContract#enumValues()}), {@link #BAD_NUMBER} ({@code hourly_rate} or {@code hours_worked} present
 * but not a number or negative; a mission without {@code hourly_rate}), {@link #BAD_RANGE} (an end
 * strictly before its start, both readable). Several timestamps failing still give one
 * {@code bad_timestamp}.
 *
 * <h2>Duplicates</h2>
 * Among the valid rows of one id, the winner is the latest {@code updated_at} (null or unreadable
 * counts oldest), then the higher {@code _row} (null lowest), then the smallest raw values in
 * column order (nulls first), so the result does not depend on partitioning. The others go to
 * quarantine with the single reason {@link #DUPLICATE}. A rejected row never competes: when the
 * latest version of an id is invalid, the latest valid one is kept in clean.
 *
 * <p>Every raw row lands in exactly one of clean and quarantine. Both datasets derive from one
 * plan; each parses the raw rows, which measured cheaper than caching the typed rows in memory for
 * both (BENCHMARKS.md). The duplicate ids they share ({@link Result#duplicateIds()}) may be
 * cached; otherwise each output reads the id column again to find them, which the stage job prefers
 * (a cache costs a Spark job and a stage of tasks per table, the id column is cheap to read).
 *
 * <p>Cost: only the valid rows of an id carried by several raw rows are shuffled and sorted; those
 * ids are found by a narrow aggregation of the id column alone (no other column is read or parsed
 * for it) and broadcast, unless the session turned broadcast joins off (a small input's planning:
 * every row then goes through one sort-merge join, in one partition).
 */
public final class Staging {
  private Staging() {}

  public static final String MISSING_KEY = "missing_key";
  public static final String BAD_TIMESTAMP = "bad_timestamp";
  public static final String BAD_ENUM = "bad_enum";
  public static final String BAD_NUMBER = "bad_number";
  public static final String BAD_RANGE = "bad_range";
  public static final String DUPLICATE = "duplicate";
  /** The metric of the observation of {@link #stage(String, Dataset, String, org.apache.spark.sql.Observation)}. */
  public static final String REJECTED = "rejected";

  /**
   * Clean and quarantine datasets of one table, and the ids carried by two raw rows or more (one
   * column, {@code __dup_id}), which both of them use. A caller writing both may cache
   * {@code duplicateIds}: the cached ids are then used by both plans, and the id column is read
   * once instead of once for each output.
   */
  public record Result(Dataset<Row> clean, Dataset<Row> quarantine, Dataset<Row> duplicateIds) {}

  /**
   * How one table is typed and validated: the contract's columns by type and rule
   * ({@link SourceContract}), and the conformance of the clean layer. Text columns map a clean name
   * to its raw column; the local-date map goes from the date column to its timestamp column.
   */
  private record TableRules(
      SourceContract contract,
      Map<String, String> texts,
      Map<String, String> localDates) {
    List<String> ids() {
      return contract.keys();
    }

    String enumColumn() {
      return contract.enumColumn();
    }

    List<String> numbers() {
      return contract.numbers();
    }

    List<String> requiredNumbers() {
      return contract.requiredNumbers();
    }

    List<String> timestamps() {
      return contract.timestamps();
    }

    List<String> requiredTimestamps() {
      return contract.requiredTimestamps();
    }

    SourceContract.Range range() {
      return contract.range();
    }
  }

  private static TableRules rules(String table) {
    SourceContract contract = SourceContract.of(table);
    return switch (contract) {
      case USERS -> new TableRules(contract,
          ordered("email_hmac", CleanSchema.pseudonymColumn("email"), "city", "city", "specialty", "specialty"),
          Map.of());
      case MISSIONS -> new TableRules(contract,
          ordered("title", "title", "specialty", "specialty", "city", "location"), ordered("service_date", "start_at"));
      case MISSION_APPLICATIONS -> new TableRules(contract, Map.of(), ordered("applied_date", "applied_at"));
      case CONTRACTS -> new TableRules(contract, Map.of(),
          ordered("start_local_date", "start_date", "end_local_date", "end_date"));
    };
  }

  private static Map<String, String> ordered(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static final String TYPED = "__typed_";
  private static final String CODES = "__codes";
  private static final String RANK = "__rank";
  private static final String DUP_ID = "__dup_id";
  private static final String DUPLICATED = "__duplicated";
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  /**
   * Whether the session turned broadcast joins off (a negative
   * {@code spark.sql.autoBroadcastJoinThreshold}, -1 in the planning of a small input): the
   * duplicate ids are then joined without the hint.
   */
  static boolean broadcastsOff(Dataset<Row> raw) {
    return raw.sparkSession().sessionState().conf().autoBroadcastJoinThreshold() < 0;
  }

  /**
   * Stages {@code raw} (schema {@link CleanSchema#rawSchema}) of {@code table}: clean rows with the
   * schema {@link CleanSchema#clean}, rejected rows with the schema {@link CleanSchema#quarantine}.
   *
   * @param zoneId the business time zone, e.g. {@code Europe/Paris}
   */
  public static Result stage(String table, Dataset<Row> raw, String zoneId) {
    return stage(table, raw, zoneId, null);
  }

  /**
   * As {@link #stage(String, Dataset, String)}; with {@code rejected} not null, the clean dataset
   * also reports, through that observation, the number of raw rows it leaves out ({@value #REJECTED}):
   * once the clean rows are written, a caller that sees 0 knows the quarantine is empty without
   * parsing the raw rows a second time.
   */
  public static Result stage(String table, Dataset<Row> raw, String zoneId, org.apache.spark.sql.Observation rejected) {
    TableRules r = rules(table);
    ZoneId zone = ZoneId.of(zoneId);
    List<String> rawColumns = CleanSchema.rawColumns(table);

    UserDefinedFunction idUdf =
        udf((UDF1<String, Long>) Numbers::parseId, DataTypes.LongType).withName("parse_id");
    UserDefinedFunction numberUdf =
        udf((UDF1<String, Double>) Numbers::parse, DataTypes.DoubleType).withName("parse_number");
    UserDefinedFunction textUdf =
        udf((UDF1<String, String>) Text::strip, DataTypes.StringType).withName("strip_text");
    UserDefinedFunction enumUdf =
        udf((UDF1<String, String>) Text::stripLower, DataTypes.StringType).withName("strip_lower_text");
    UserDefinedFunction timestampUdf =
        udf((UDF1<String, Long>) s -> Timestamps.parseMicros(s, zone), DataTypes.LongType)
            .withName("parse_timestamp");

    // 1. typed values, next to the raw columns (kept for the quarantine)
    Map<String, Column> typed = new LinkedHashMap<>();
    for (String c : r.ids()) {
      typed.put(c, idUdf.apply(col(c)));
    }
    r.texts().forEach((clean, source) -> typed.put(clean, textUdf.apply(col(source))));
    typed.put(r.enumColumn(), enumUdf.apply(col(r.enumColumn())));
    for (String c : r.numbers()) {
      typed.put(c, numberUdf.apply(col(c)));
    }
    for (String c : r.timestamps()) {
      typed.put(c, timestamp_micros(timestampUdf.apply(col(c))));
    }
    List<Column> step1 = new ArrayList<>();
    rawColumns.forEach(c -> step1.add(col(c)));
    typed.forEach((name, expr) -> step1.add(expr.as(TYPED + name)));
    Dataset<Row> parsed = raw.select(step1.toArray(Column[]::new));

    // 2. reason codes, in rule order
    List<Column> checks = new ArrayList<>();
    checks.add(when(t(SourceContract.ID).isNull(), lit(MISSING_KEY)));
    if (!r.requiredTimestamps().isEmpty()) {
      Column anyMissing = lit(false);
      for (String c : r.requiredTimestamps()) {
        anyMissing = anyMissing.or(t(c).isNull());
      }
      checks.add(when(anyMissing, lit(BAD_TIMESTAMP)));
    }
    Column enumValue = t(r.enumColumn());
    checks.add(when(enumValue.isNull().or(not(enumValue.isin(r.contract().enumValues().toArray()))), lit(BAD_ENUM)));
    if (!r.numbers().isEmpty()) {
      Column bad = lit(false);
      for (String c : r.numbers()) {
        Column present = textUdf.apply(col(c)).isNotNull();
        bad = bad.or(present.and(t(c).isNull().or(t(c).lt(0))));
      }
      for (String c : r.requiredNumbers()) {
        bad = bad.or(textUdf.apply(col(c)).isNull());
      }
      checks.add(when(bad, lit(BAD_NUMBER)));
    }
    if (r.range() != null) {
      checks.add(when(t(r.range().end()).lt(t(r.range().start())), lit(BAD_RANGE)));
    }
    // concat_ws skips the nulls of the rules that passed (and, unlike array functions with a
    // lambda, is compiled to code)
    Dataset<Row> checked = parsed.withColumn(CODES, concat_ws(",", checks.toArray(Column[]::new)));

    // 3. duplicates. Only valid rows compete, and only the ids of two raw rows or more can have two
    // valid rows: those ids are found from the id column alone (the other columns are neither read
    // nor parsed for it), by a narrow aggregation of longs, and broadcast. The valid rows carrying
    // them are shuffled and ranked by the window (an id whose other rows are rejected ranks its
    // valid row first: kept, as if it had not competed); every other row passes through without a
    // shuffle: a valid row is kept, a rejected one is not.
    Column valid = col(CODES).equalTo("");
    Dataset<Row> duplicateIds = raw.select(idUdf.apply(col(SourceContract.ID)).as(DUP_ID))
        .where(col(DUP_ID).isNotNull())
        .groupBy(col(DUP_ID))
        .count()
        .filter(col("count").gt(1))
        .select(col(DUP_ID));
    Dataset<Row> dupFlags = duplicateIds.withColumn(DUPLICATED, lit(true));
    Dataset<Row> flagged = checked
        .join(broadcastsOff(raw) ? dupFlags : broadcast(dupFlags), valid.and(t(SourceContract.ID).equalTo(col(DUP_ID))),
            "left_outer")
        .drop(DUP_ID);
    Column competing = col(DUPLICATED).isNotNull();
    List<Column> order = new ArrayList<>();
    order.add(t(SourceContract.UPDATED_AT).desc_nulls_last());
    order.add(col("_row").desc_nulls_last());
    rawColumns.stream().filter(c -> !c.equals("_row")).forEach(c -> order.add(col(c).asc_nulls_first()));
    Dataset<Row> single = flagged.filter(not(competing))
        .withColumn(RANK, when(valid, lit(1)).otherwise(lit(0)));
    Dataset<Row> contested = flagged.filter(competing)
        .withColumn(RANK, row_number().over(Window.partitionBy(t(SourceContract.ID)).orderBy(order.toArray(Column[]::new))));
    Dataset<Row> ranked = single.unionByName(contested).drop(DUPLICATED);
    Column kept = valid.and(col(RANK).equalTo(1));

    // 4. clean: the clean schema's columns, in its order
    Map<String, Column> cleanColumns = new LinkedHashMap<>();
    typed.keySet().forEach(name -> cleanColumns.put(name, t(name)));
    r.localDates().forEach((date, ts) -> cleanColumns.put(date, localDate(t(ts), zoneId)));
    List<Column> cleanSelect = new ArrayList<>();
    for (StructField f : CleanSchema.clean(table).fields()) {
      cleanSelect.add(cleanColumns.get(f.name()).cast(f.dataType()).as(f.name()));
    }
    Dataset<Row> observed = rejected == null ? ranked
        : ranked.observe(rejected, org.apache.spark.sql.functions.count(when(not(kept), lit(1))).as(REJECTED));
    Dataset<Row> clean = observed.filter(kept).select(cleanSelect.toArray(Column[]::new));

    // 5. quarantine: raw values and the reasons
    Column reason = when(valid, lit(DUPLICATE)).otherwise(col(CODES));
    List<Column> quarantineSelect = new ArrayList<>();
    rawColumns.forEach(c -> quarantineSelect.add(col(c)));
    quarantineSelect.add(reason.as("reason"));
    quarantineSelect.add(split(reason, ",").as("reason_codes"));
    Dataset<Row> quarantine = ranked.filter(not(kept)).select(quarantineSelect.toArray(Column[]::new));
    return new Result(clean, quarantine, duplicateIds);
  }

  private static Column t(String name) {
    return col(TYPED + name);
  }

  /**
   * Local calendar date in {@code zoneId} of a UTC timestamp: the local wall-clock time as
   * microseconds, floor-divided by a day. Exact (integer arithmetic) and independent of the session
   * time zone.
   */
  private static Column localDate(Column timestamp, String zoneId) {
    Column wallMicros = unix_micros(from_utc_timestamp(timestamp, zoneId));
    Column day = lit(MICROS_PER_DAY);
    Column epochDay = call_function("div", wallMicros.minus(pmod(wallMicros, day)), day);
    return date_from_unix_date(epochDay.cast(DataTypes.IntegerType));
  }
}
