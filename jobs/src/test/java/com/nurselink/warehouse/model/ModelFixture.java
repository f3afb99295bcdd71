package com.nurselink.warehouse.model;

import com.nurselink.warehouse.staging.CleanSchema;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Small clean-layer inputs shared by the model, KPI and feature tests (values hand-chosen; the
 * expected figures are computed by hand in each test). Business zone Europe/Paris; the logical date
 * of the feature tests is 2024-03-31, the day of the spring DST change (cutoff
 * 2024-03-31T22:00:00Z). Local dates of applications and contracts are derived here as the clean
 * layer would; mission service dates are written out by hand.
 */
final class ModelFixture {
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);
  static final SqlParams PARAMS = new SqlParams(AS_OF, PARIS, "run-1");

  /** Rows per clean view, keyed by id (first column) so a test can replace or add rows. */
  final Map<String, Map<Long, Row>> tables = new LinkedHashMap<>();

  ModelFixture() {
    for (String t : List.of("users", "missions", "mission_applications", "contracts")) {
      tables.put(t, new LinkedHashMap<>());
    }
    user(1, "establishment", "Paris", null, "2023-01-01 00:00", "2023-01-01 00:00");
    user(2, "establishment", "Lyon", null, "2023-01-01 00:00", "2023-01-01 00:00");
    user(3, "admin", "Paris", null, "2023-01-01 00:00", "2023-01-01 00:00");
    user(10, "nurse", "Paris", "icu", "2024-01-01 00:00", "2024-01-01 00:00");
    user(11, "nurse", "Lyon", "er", "2024-02-15 10:00", "2024-02-15 10:00");
    user(12, "nurse", "Paris", "er", "2024-03-31 22:30", "2024-03-31 22:30"); // signs up after the cutoff
    user(13, "nurse", "Marseille", "icu", "2024-03-31 21:59", "2024-03-31 21:59"); // just before it

    mission(100, 1L, "icu", "Paris", 40.0, "completed", "2024-03-10 07:00", "2024-03-10 15:00",
        "2024-03-01 10:00", "2024-03-10 16:00", "2024-03-10");
    mission(101, 1L, "icu", "Paris", 50.0, "cancelled", "2024-03-10 07:00", "2024-03-10 11:00",
        "2024-03-02 10:00", "2024-03-05 00:00", "2024-03-10");
    mission(102, 1L, "icu", "Paris", 45.0, "filled", "2024-03-10 13:00", "2024-03-10 19:00",
        "2024-03-03 00:00", "2024-03-03 06:00", "2024-03-10");
    mission(103, 1L, "icu", "Paris", 100.0, "draft", "2024-03-10 07:00", "2024-03-10 15:00",
        "2024-03-03 12:00", "2024-03-03 12:00", "2024-03-10");
    mission(104, 1L, "icu", "Paris", 35.0, "open", "2024-03-10 07:00", "2024-03-10 15:00",
        "2024-03-04 00:00", "2024-03-04 00:00", "2024-03-10");
    mission(110, 2L, "er", "Lyon", 60.0, "cancelled", "2024-03-11 08:00", "2024-03-11 20:00",
        "2024-03-05 12:00", "2024-03-06 00:00", "2024-03-11");
    // starts 2024-03-31 00:30 local (CET) although 2024-03-30 in UTC
    mission(120, 1L, "icu", "Paris", 30.0, "in_progress", "2024-03-30 23:30", "2024-03-31 05:30",
        "2024-03-20 00:00", "2024-03-20 10:00", "2024-03-31");
    // starts 2024-04-01 00:30 local (CEST) although 2024-03-31 in UTC
    mission(121, 1L, "icu", "Paris", 50.0, "completed", "2024-03-31 22:30", "2024-04-01 06:00",
        "2024-03-21 00:00", "2024-04-01 07:00", "2024-04-01");
    // establishment 999 is unknown
    mission(122, 999L, "icu", "Paris", 40.0, "open", "2024-03-31 08:00", "2024-03-31 16:00",
        "2024-03-25 00:00", "2024-03-25 00:00", "2024-03-31");

    application(1, 100, 10, "accepted", "2024-03-01 12:00", "2024-03-01 21:00");
    application(2, 100, 11, "rejected", "2024-03-01 13:00", "2024-03-01 21:00");
    application(3, 101, 10, "withdrawn", "2024-03-02 09:00", "2024-03-02 12:00");
    application(4, 102, 11, "accepted", "2024-03-03 02:00", "2024-03-03 05:00");
    application(5, 103, 10, "pending", "2024-03-05 10:00", "2024-03-05 10:00");
    application(6, 120, 10, "accepted", "2024-03-20 02:00", "2024-03-20 09:00");
    application(7, 122, 11, "pending", "2024-03-26 10:00", "2024-03-26 10:00");
    application(8, 122, 77, "pending", "2024-03-26 11:00", "2024-03-26 11:00"); // unknown nurse
    application(9, 555, 10, "pending", "2024-01-05 10:00", "2024-01-05 10:00"); // unknown mission
    application(10, 122, 10, "accepted", "2024-03-30 10:00", "2024-04-02 10:00"); // accepted after D
    application(11, 555, 10, "pending", "2024-03-31 22:10", "2024-03-31 22:10"); // applied after D

    contract(1, 100, 10, 1L, "completed", "2024-03-10 07:00", "2024-03-10 15:00", 40.0, 8.0,
        "2024-03-01 22:00", "2024-03-01 21:00", "2024-03-10 16:00");
    contract(2, 100, 11, null, "cancelled", "2024-03-10 07:00", "2024-03-10 15:00", null, null,
        "2024-03-02 10:00", "2024-03-02 09:00", "2024-03-02 11:00");
    contract(3, 101, 10, 3L, "cancelled", "2024-03-10 07:00", "2024-03-10 11:00", 50.0, null,
        "2024-03-02 14:00", "2024-03-02 13:00", "2024-03-05 00:00");
    contract(4, 102, 11, 4L, "signed", "2024-03-10 13:00", "2024-03-10 19:00", 45.0, null,
        "2024-03-03 06:00", "2024-03-03 05:00", "2024-03-03 06:00");
    contract(5, 120, 10, 6L, "active", "2024-03-30 23:30", "2024-03-31 05:30", 32.0, 4.0,
        "2024-03-20 10:00", "2024-03-20 09:00", "2024-03-30 23:30");
    contract(6, 121, 11, null, "completed", "2024-03-31 22:30", "2024-04-01 06:00", 50.0, 7.5,
        "2024-03-21 20:00", "2024-03-21 19:00", "2024-04-01 07:00");
    contract(7, 122, 99, null, "pending", "2024-03-31 08:00", "2024-03-31 16:00", 40.0, null,
        null, "2024-03-26 12:00", "2024-03-26 12:00"); // unknown nurse, never signed
    contract(8, 555, 10, null, "disputed", "2024-03-15 08:00", "2024-03-15 11:00", 20.0, 3.0,
        null, "2024-03-14 08:00", "2024-03-16 00:00"); // unknown mission
    contract(9, 104, 10, null, "completed", "2024-03-28 08:00", "2024-03-28 16:00", 35.0, 8.0,
        "2024-03-25 12:00", "2024-03-25 11:00", "2024-04-03 00:00"); // completed after D
  }

  static Instant ts(String utc) {
    return utc == null ? null : LocalDateTime.parse(utc.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
  }

  static LocalDate date(String d) {
    return LocalDate.parse(d);
  }

  static LocalDate local(Instant t) {
    return t == null ? null : t.atZone(PARIS).toLocalDate();
  }

  void user(long id, String role, String city, String specialty, String created, String updated) {
    put("users", RowFactory.create(id, "hmac-" + id, role, city, specialty, ts(created), ts(updated)));
  }

  void mission(long id, Long establishment, String specialty, String city, double rate, String status,
      String start, String end, String created, String updated, String serviceDate) {
    put("missions", RowFactory.create(id, establishment, "mission " + id, specialty, city, rate, status,
        ts(start), ts(end), ts(created), ts(updated), date(serviceDate)));
  }

  void application(long id, long mission, long nurse, String status, String applied, String updated) {
    put("mission_applications", RowFactory.create(id, mission, nurse, status, ts(applied), ts(updated),
        local(ts(applied))));
  }

  void contract(long id, long mission, long nurse, Long application, String status, String start, String end,
      Double rate, Double hours, String signed, String created, String updated) {
    put("contracts", RowFactory.create(id, mission, nurse, application, status, ts(start), ts(end), rate, hours,
        ts(signed), ts(created), ts(updated), local(ts(start)), local(ts(end))));
  }

  private void put(String table, Row row) {
    tables.get(table).put(row.getLong(0), row);
  }

  Dataset<Row> dataset(SparkSession spark, String table) {
    return spark.createDataFrame(new ArrayList<>(tables.get(table).values()), CleanSchema.clean(table));
  }

  /** Registers the four clean views. */
  void register(SparkSession spark) {
    for (String t : tables.keySet()) {
      dataset(spark, t).createOrReplaceTempView("clean_" + t);
    }
  }

  private static Built built;

  /** The outputs of one Spark build of the fixture, collected once for all the test classes. */
  record Built(Map<String, List<Row>> rows, Map<String, List<String>> columns, Map<String, StructType> schemas) {
    List<Row> rows(String name) {
      return rows.get(name);
    }
  }

  /**
   * Builds model, KPIs and features once per JVM from the fixture, with
   * {@link #previousDimNurseWithHistory()} as the previous dim_nurse, each gold output
   * {@link #computedOnce} for the later models, and collects every output.
   */
  static synchronized Built built(SparkSession spark) {
    if (built == null) {
      ModelFixture fixture = new ModelFixture();
      fixture.register(spark);
      Dataset<Row> previous = spark.createDataFrame(previousDimNurseWithHistory(),
          SqlModel.load(Models.EMPTY_PREVIOUS_DIM_NURSE).apply(spark, PARAMS).schema());
      previous.createOrReplaceTempView(Models.PREVIOUS_DIM_NURSE);
      Map<String, Dataset<Row>> all = new LinkedHashMap<>();
      for (List<String> step : List.of(Models.MODEL, Models.KPIS, Models.FEATURES)) {
        all.putAll(Models.run(spark, PARAMS, step, ModelFixture::computedOnce));
      }
      Map<String, List<Row>> rows = new LinkedHashMap<>();
      Map<String, List<String>> columns = new LinkedHashMap<>();
      Map<String, StructType> schemas = new LinkedHashMap<>();
      for (Map.Entry<String, Dataset<Row>> e : all.entrySet()) {
        rows.put(e.getKey(), e.getValue().collectAsList());
        columns.put(e.getKey(), List.of(e.getValue().columns()));
        schemas.put(e.getKey(), e.getValue().schema());
      }
      built = new Built(rows, columns, schemas);
    }
    return built;
  }

  /**
   * A gold model's rows computed once and held as a local relation, so that the later models read
   * them instead of computing them again inside their own plans, as the pipeline's later models and
   * jobs read the published tables: the same rows, far smaller plans to analyse and run.
   */
  static Dataset<Row> computedOnce(Dataset<Row> df) {
    return df.sparkSession().createDataFrame(df.collectAsList(), df.schema());
  }

  /** A dim_nurse row, in the column order of dim_nurse. */
  static Row nurseVersion(long key, Long nurseId, String city, String specialty, String from, String to,
      boolean current) {
    return RowFactory.create(key, nurseId, nurseId == null ? null : "hmac-" + nurseId, city, specialty, ts(from),
        ts(to), current);
  }

  /**
   * A previous dim_nurse where nurse 10 worked in Lyon (er) until 2024-04-05 and in Paris (icu)
   * since: the version valid at the cutoff of 2024-03-31 is the Lyon one.
   */
  static List<Row> previousDimNurseWithHistory() {
    return List.of(
        nurseVersion(-1, null, "unknown", "unknown", "1970-01-01 00:00", null, true),
        nurseVersion(1, 10L, "Lyon", "er", "2024-01-01 00:00", "2024-04-05 00:00", false),
        nurseVersion(2, 10L, "Paris", "icu", "2024-04-05 00:00", null, true));
  }
}
