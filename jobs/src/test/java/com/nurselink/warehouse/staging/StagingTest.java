package com.nurselink.warehouse.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.contract.SourceContract;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class StagingTest extends SparkTestBase {
  private static final String PARIS = "Europe/Paris";
  private static final String HUGE = "x".repeat(1 << 20);

  /** A valid raw row of each table; tests override some columns. */
  private static Map<String, Object> base(String table) {
    Map<String, Object> m = new HashMap<>();
    switch (table) {
      case "users" -> {
        m.putAll(Map.of("id", "1", "email_hmac", "e1", "full_name_hmac", "n1", "role", "nurse", "city", "Lyon",
            "specialty", "icu", "created_at", "2025-01-01 10:00"));
        m.put("updated_at", "2025-02-01 10:00");
      }
      case "missions" -> {
        m.putAll(Map.of("id", "1", "establishment_id", "10", "title", "Night shift", "specialty", "icu",
            "location", " Paris ", "hourly_rate", "42.5", "status", "open", "start_at", "2025-06-10 08:00",
            "end_at", "2025-06-10 16:00", "created_at", "2025-06-01T09:00:00Z"));
        m.put("updated_at", "2025-06-02T09:00:00Z");
      }
      case "mission_applications" -> m.putAll(Map.of("id", "1", "mission_id", "1", "nurse_id", "2",
          "status", "pending", "applied_at", "2025-06-03 12:00", "updated_at", "2025-06-03 12:00"));
      case "contracts" -> {
        m.putAll(Map.of("id", "1", "mission_id", "1", "nurse_id", "2", "application_id", "3", "status", "signed",
            "start_date", "2025-06-10", "end_date", "2025-06-11", "hourly_rate", "40", "hours_worked", "8",
            "signed_at", "2025-06-05 09:00"));
        m.put("created_at", "2025-06-04 09:00");
        m.put("updated_at", "2025-06-05 09:00");
      }
      default -> throw new IllegalArgumentException(table);
    }
    m.put("_source", "test.db");
    return m;
  }

  /** A raw row of {@code table}: the base values with {@code _row} and the overrides (column, value, ...). */
  private static Row raw(String table, long rowNumber, Object... overrides) {
    Map<String, Object> m = base(table);
    m.put("_row", rowNumber);
    for (int i = 0; i < overrides.length; i += 2) {
      m.put((String) overrides[i], overrides[i + 1]);
    }
    return RowFactory.create(CleanSchema.rawColumns(table).stream().map(m::get).toArray());
  }

  private static Dataset<Row> df(String table, Row... rows) {
    return spark().createDataFrame(List.of(rows), CleanSchema.rawSchema(table));
  }

  private static Staging.Result stage(String table, Row... rows) {
    return Staging.stage(table, df(table, rows), PARIS);
  }

  /** _row -> reason of the quarantined rows. */
  private static Map<Long, String> reasons(Staging.Result r) {
    Map<Long, String> m = new TreeMap<>();
    for (Row q : r.quarantine().collectAsList()) {
      String reason = q.getAs("reason");
      List<String> codes = q.getList(q.fieldIndex("reason_codes"));
      assertEquals(reason, String.join(",", codes), "reason and reason_codes agree");
      m.put(q.getAs("_row"), reason);
    }
    return m;
  }

  private static List<Long> cleanIds(Staging.Result r) {
    List<Long> ids = new ArrayList<>();
    r.clean().select("id").collectAsList().forEach(x -> ids.add(x.getLong(0)));
    ids.sort(null);
    return ids;
  }

  private static Instant ts(String s) {
    return Instant.parse(s);
  }

  private static LocalDate d(String s) {
    return LocalDate.parse(s);
  }

  private static void assertSameSchema(StructType expected, StructType actual) {
    assertEquals(expected.fields().length, actual.fields().length, actual.treeString());
    for (int i = 0; i < expected.fields().length; i++) {
      StructField e = expected.fields()[i];
      StructField a = actual.fields()[i];
      assertEquals(e.name(), a.name());
      assertEquals(e.dataType().simpleString(), a.dataType().simpleString(), e.name());
    }
  }

  @Test
  void schemasAreTheContract() {
    for (String table : SourceContract.names()) {
      Staging.Result r = stage(table, raw(table, 1));
      assertSameSchema(CleanSchema.clean(table), r.clean().schema());
      assertSameSchema(CleanSchema.quarantine(table), r.quarantine().schema());
    }
  }

  @Test
  void cleanRowsOfEachTable() {
    assertEquals(List.of(RowFactory.create(1L, "e1", "nurse", "Lyon", "icu", ts("2025-01-01T09:00:00Z"),
            ts("2025-02-01T09:00:00Z"))),
        stage("users", raw("users", 1, "role", " Nurse ")).clean().collectAsList());
    assertEquals(List.of(RowFactory.create(1L, 10L, "Night shift", "icu", "Paris", 42.5, "open",
            ts("2025-06-10T06:00:00Z"), ts("2025-06-10T14:00:00Z"), ts("2025-06-01T09:00:00Z"),
            ts("2025-06-02T09:00:00Z"), d("2025-06-10"))),
        stage("missions", raw("missions", 1, "status", "OPEN", "hourly_rate", " 42,5 ")).clean().collectAsList());
    assertEquals(List.of(RowFactory.create(1L, 1L, 2L, "accepted", ts("2025-06-03T10:00:00Z"),
            ts("2025-06-03T10:00:00Z"), d("2025-06-03"))),
        stage("mission_applications", raw("mission_applications", 1, "status", "Accepted")).clean().collectAsList());
    assertEquals(List.of(RowFactory.create(1L, 1L, 2L, 3L, "signed", ts("2025-06-09T22:00:00Z"),
            ts("2025-06-10T22:00:00Z"), 40.0, 7.5, ts("2025-06-05T07:00:00Z"), ts("2025-06-04T07:00:00Z"),
            ts("2025-06-05T07:00:00Z"), d("2025-06-10"), d("2025-06-11"))),
        stage("contracts", raw("contracts", 1, "hours_worked", "7,5")).clean().collectAsList());
  }

  @Test
  void blankTextsAndOptionalValues() {
    Row c = stage("contracts", raw("contracts", 1, "hourly_rate", "  ", "hours_worked", null, "end_date", null,
        "signed_at", "not a date", "mission_id", "abc", "updated_at", "")).clean().first();
    assertEquals(RowFactory.create(1L, null, 2L, 3L, "signed", ts("2025-06-09T22:00:00Z"), null, null, null, null,
        ts("2025-06-04T07:00:00Z"), null, d("2025-06-10"), null), c);
    Row u = stage("users", raw("users", 1, "city", " \t ", "created_at", "garbage", "specialty", null)).clean().first();
    assertEquals(RowFactory.create(1L, "e1", "nurse", null, null, null, ts("2025-02-01T09:00:00Z")), u);
  }

  @Test
  void missingKey() {
    Staging.Result r = stage("missions",
        raw("missions", 1, "id", null),
        raw("missions", 2, "id", "  "),
        raw("missions", 3, "id", "abc"),
        raw("missions", 4, "id", "12.5"),
        raw("missions", 5, "id", "9223372036854775808"),
        raw("missions", 6, "id", HUGE),
        raw("missions", 7, "id", "9007199254740993"));
    assertEquals(Map.of(1L, "missing_key", 2L, "missing_key", 3L, "missing_key", 4L, "missing_key",
        5L, "missing_key", 6L, "missing_key"), reasons(r));
    assertEquals(List.of(9_007_199_254_740_993L), cleanIds(r));
  }

  @Test
  void badTimestampOnRequiredOnly() {
    Staging.Result m = stage("missions",
        raw("missions", 1, "id", "1", "start_at", null),
        raw("missions", 2, "id", "2", "end_at", "2025-13-01"),
        raw("missions", 3, "id", "3", "created_at", "yesterday"),
        raw("missions", 4, "id", "4", "start_at", "", "end_at", "x", "created_at", HUGE),
        raw("missions", 5, "id", "5", "updated_at", "garbage"));
    assertEquals(Map.of(1L, "bad_timestamp", 2L, "bad_timestamp", 3L, "bad_timestamp", 4L, "bad_timestamp"),
        reasons(m));
    assertEquals(List.of(5L), cleanIds(m));
    assertEquals(Map.of(1L, "bad_timestamp"),
        reasons(stage("mission_applications", raw("mission_applications", 1, "applied_at", "31/12/2025"))));
    Staging.Result c = stage("contracts",
        raw("contracts", 1, "id", "1", "start_date", null),
        raw("contracts", 2, "id", "2", "end_date", "never", "signed_at", "?", "created_at", "?"));
    assertEquals(Map.of(1L, "bad_timestamp"), reasons(c));
    assertEquals(List.of(2L), cleanIds(c));
    // users have no required timestamp
    assertEquals(List.of(1L), cleanIds(stage("users", raw("users", 1, "created_at", null, "updated_at", "?"))));
  }

  @Test
  void badEnum() {
    assertEquals(Map.of(1L, "bad_enum", 2L, "bad_enum", 3L, "bad_enum", 4L, "bad_enum"),
        reasons(stage("missions",
            raw("missions", 1, "id", "1", "status", "published"),
            raw("missions", 2, "id", "2", "status", null),
            raw("missions", 3, "id", "3", "status", "op\u0000en"),
            raw("missions", 4, "id", "4", "status", "in progress"),
            raw("missions", 5, "id", "5", "status", "\u0000In_Progress "))));
    assertEquals(Map.of(1L, "bad_enum"), reasons(stage("users", raw("users", 1, "role", "doctor"))));
    assertEquals(Map.of(1L, "bad_enum"),
        reasons(stage("mission_applications", raw("mission_applications", 1, "status", "signed"))));
    assertEquals(Map.of(1L, "bad_enum"), reasons(stage("contracts", raw("contracts", 1, "status", "open"))));
  }

  @Test
  void badNumber() {
    Staging.Result m = stage("missions",
        raw("missions", 1, "id", "1", "hourly_rate", "abc"),
        raw("missions", 2, "id", "2", "hourly_rate", "-0.5"),
        raw("missions", 3, "id", "3", "hourly_rate", null),
        raw("missions", 4, "id", "4", "hourly_rate", " "),
        raw("missions", 5, "id", "5", "hourly_rate", "NaN"),
        raw("missions", 6, "id", "6", "hourly_rate", "Infinity"),
        raw("missions", 7, "id", "7", "hourly_rate", "0"));
    assertEquals(Map.of(1L, "bad_number", 2L, "bad_number", 3L, "bad_number", 4L, "bad_number",
        5L, "bad_number", 6L, "bad_number"), reasons(m));
    assertEquals(List.of(7L), cleanIds(m));
    Staging.Result c = stage("contracts",
        raw("contracts", 1, "id", "1", "hours_worked", "-1"),
        raw("contracts", 2, "id", "2", "hourly_rate", "1,234.5"),
        raw("contracts", 3, "id", "3", "hourly_rate", null, "hours_worked", null));
    assertEquals(Map.of(1L, "bad_number", 2L, "bad_number"), reasons(c));
    assertEquals(List.of(3L), cleanIds(c));
  }

  @Test
  void badRange() {
    Staging.Result m = stage("missions",
        raw("missions", 1, "id", "1", "start_at", "2025-06-10 08:00", "end_at", "2025-06-10 07:59:59"),
        raw("missions", 2, "id", "2", "start_at", "2025-06-10 08:00", "end_at", "2025-06-10T06:00:00Z"),
        // 07:30 in Paris (05:30Z) is before 06:00Z
        raw("missions", 3, "id", "3", "start_at", "2025-06-10T06:00:00Z", "end_at", "2025-06-10 07:30"));
    assertEquals(Map.of(1L, "bad_range", 3L, "bad_range"), reasons(m));
    assertEquals(List.of(2L), cleanIds(m));
    assertEquals(Map.of(1L, "bad_range"),
        reasons(stage("contracts", raw("contracts", 1, "start_date", "2025-06-10", "end_date", "2025-06-09"))));
  }

  @Test
  void severalRulesGiveSeveralCodesInRuleOrder() {
    Staging.Result m = stage("missions",
        raw("missions", 1, "id", null, "status", "nope"),
        raw("missions", 2, "id", "x", "created_at", null, "status", "", "hourly_rate", "-1",
            "start_at", "2025-06-10 08:00", "end_at", "2025-06-09 08:00"),
        raw("missions", 3, "id", "3", "hourly_rate", "cheap", "start_at", "2025-06-10 08:00",
            "end_at", "2025-06-09 08:00"));
    assertEquals(Map.of(1L, "missing_key,bad_enum",
        2L, "missing_key,bad_timestamp,bad_enum,bad_number,bad_range",
        3L, "bad_number,bad_range"), reasons(m));
    Row q = m.quarantine().filter("_row = 2").first();
    assertEquals(List.of("missing_key", "bad_timestamp", "bad_enum", "bad_number", "bad_range"),
        q.getList(q.fieldIndex("reason_codes")));
    // quarantine keeps the original, untrimmed values
    assertEquals(" Paris ", q.getAs("location"));
    assertEquals("-1", q.getAs("hourly_rate"));
  }

  @Test
  void duplicatesLatestUpdateWins() {
    Row[] rows = {
        raw("missions", 1, "id", "1", "updated_at", "2025-06-01 10:00", "title", "v1"),
        raw("missions", 2, "id", "1", "updated_at", "2025-06-03 10:00", "title", "v3"),
        raw("missions", 3, "id", "1", "updated_at", null, "title", "vnull"),
        raw("missions", 4, "id", "1", "updated_at", "garbage", "title", "vbad"),
        // equal updated_at: the higher _row wins
        raw("missions", 7, "id", "2", "title", "row7"),
        raw("missions", 5, "id", "2", "title", "row5"),
        // equal updated_at, no _row: the smallest values win (title "A" before "B")
        raw("missions", 0, "id", "3", "title", "B", "_source", "b.db", "_row", null),
        raw("missions", 0, "id", "3", "title", "A", "_source", "b.db", "_row", null),
        // the latest version is invalid: it goes alone to quarantine, the previous valid one stays
        raw("missions", 8, "id", "4", "updated_at", "2025-06-05 10:00", "status", "bogus", "title", "new"),
        raw("missions", 9, "id", "4", "updated_at", "2025-06-04 10:00", "title", "old"),
        // same instant written two ways
        raw("missions", 10, "id", "5", "updated_at", "2025-06-04 12:00", "title", "paris"),
        raw("missions", 11, "id", "5", "updated_at", "2025-06-04T10:00:00Z", "title", "utc"),
    };
    List<Dataset<Row>> inputs = List.of(df("missions", rows), df("missions", rows).repartition(3),
        df("missions", rows).orderBy(org.apache.spark.sql.functions.col("title").desc()).coalesce(1));
    for (int run = 0; run < inputs.size() * 2; run++) {
      Staging.Result r = Staging.stage("missions", inputs.get(run / 2), PARIS);
      // every other run as the stage job runs it: the duplicate ids cached, used by clean and quarantine
      boolean cached = run % 2 == 1;
      if (cached) {
        r.duplicateIds().persist();
        // both plans read the cached ids instead of computing them again
        assertTrue(r.clean().queryExecution().withCachedData().toString().contains("InMemoryRelation"));
        assertTrue(r.quarantine().queryExecution().withCachedData().toString().contains("InMemoryRelation"));
      }
      // ids of two raw rows or more (4 too: one valid row and one invalid, its valid row competes
      // alone and is kept, below)
      List<Long> dupIds = new ArrayList<>();
      r.duplicateIds().collectAsList().forEach(d -> dupIds.add(d.getLong(0)));
      Collections.sort(dupIds);
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), dupIds);
      Map<Long, String> titles = new TreeMap<>();
      for (Row c : r.clean().collectAsList()) {
        titles.put(c.getAs("id"), c.getAs("title"));
      }
      assertEquals(Map.of(1L, "v3", 2L, "row7", 3L, "A", 4L, "old", 5L, "utc"), titles);
      Map<String, String> quarantined = new TreeMap<>();
      for (Row q : r.quarantine().collectAsList()) {
        quarantined.put(q.getAs("title"), q.getAs("reason"));
        assertEquals(q.getAs("reason").equals("duplicate") ? List.of("duplicate") : List.of("bad_enum"),
            q.getList(q.fieldIndex("reason_codes")));
      }
      assertEquals(Map.of("v1", "duplicate", "vnull", "duplicate", "vbad", "duplicate", "row5", "duplicate",
          "B", "duplicate", "new", "bad_enum", "paris", "duplicate"), quarantined);
      if (cached) {
        r.duplicateIds().unpersist(true);
      }
    }
  }

  @Test
  void localDates() {
    Staging.Result m = stage("missions",
        raw("missions", 1, "id", "1", "start_at", "2025-06-10T23:30:00Z", "end_at", "2025-06-11T02:00:00Z"),
        raw("missions", 2, "id", "2", "start_at", "2025-06-10T21:59:59.999999Z", "end_at", "2025-06-11T02:00:00Z"),
        raw("missions", 3, "id", "3", "start_at", "2025-06-10T22:00:00Z", "end_at", "2025-06-11T02:00:00Z"),
        raw("missions", 4, "id", "4", "start_at", "2025-01-15T23:30:00Z", "end_at", "2025-01-16T02:00:00Z"),
        raw("missions", 5, "id", "5", "start_at", "2025-01-15T22:59:59Z", "end_at", "2025-01-16T02:00:00Z"),
        raw("missions", 6, "id", "6", "start_at", "1969-12-31T23:30:00Z", "end_at", "1970-01-01T02:00:00Z"),
        raw("missions", 7, "id", "7", "start_at", "0001-01-01T00:00:00Z", "end_at", "0001-01-01T02:00:00Z"),
        raw("missions", 8, "id", "8", "start_at", "9999-12-31 23:00", "end_at", "9999-12-31 23:59:59"),
        raw("missions", 9, "id", "9", "start_at", "2025-03-30 02:30", "end_at", "2025-03-30 04:00"),
        raw("missions", 10, "id", "10", "start_at", "1718000000", "end_at", "1718003600000"));
    Map<Long, List<Object>> expected = new LinkedHashMap<>();
    expected.put(1L, List.of(ts("2025-06-10T23:30:00Z"), d("2025-06-11")));
    expected.put(2L, List.of(ts("2025-06-10T21:59:59.999999Z"), d("2025-06-10")));
    expected.put(3L, List.of(ts("2025-06-10T22:00:00Z"), d("2025-06-11")));
    expected.put(4L, List.of(ts("2025-01-15T23:30:00Z"), d("2025-01-16")));
    expected.put(5L, List.of(ts("2025-01-15T22:59:59Z"), d("2025-01-15")));
    expected.put(6L, List.of(ts("1969-12-31T23:30:00Z"), d("1970-01-01")));
    expected.put(7L, List.of(ts("0001-01-01T00:00:00Z"), d("0001-01-01")));
    expected.put(8L, List.of(ts("9999-12-31T22:00:00Z"), d("9999-12-31")));
    expected.put(9L, List.of(ts("2025-03-30T01:30:00Z"), d("2025-03-30")));
    expected.put(10L, List.of(ts("2024-06-10T06:13:20Z"), d("2024-06-10")));
    Map<Long, List<Object>> actual = new TreeMap<>();
    for (Row c : m.clean().collectAsList()) {
      actual.put(c.getAs("id"), List.of(c.getAs("start_at"), c.getAs("service_date")));
    }
    assertEquals(new TreeMap<>(expected), actual);
    assertEquals(Map.of(), reasons(m));

    Row a = stage("mission_applications",
        raw("mission_applications", 1, "applied_at", "2025-10-26T23:15:00Z")).clean().first();
    assertEquals(d("2025-10-27"), a.getAs("applied_date"));
    Row c = stage("contracts", raw("contracts", 1, "start_date", "2025-10-26 02:30", "end_date", "1761519600")).clean()
        .first();
    assertEquals(ts("2025-10-26T00:30:00Z"), c.getAs("start_date"));
    assertEquals(d("2025-10-26"), c.getAs("start_local_date"));
    assertEquals(ts("2025-10-26T23:00:00Z"), c.getAs("end_date"));
    assertEquals(d("2025-10-27"), c.getAs("end_local_date"));
  }

  @Test
  void localDatesDoNotDependOnTheSessionTimeZone() {
    String previous = spark().conf().get("spark.sql.session.timeZone");
    try {
      spark().conf().set("spark.sql.session.timeZone", "America/New_York");
      Row c = stage("missions", raw("missions", 1, "start_at", "2025-06-10T23:30:00Z", "end_at", "2025-06-11T02:00:00Z"))
          .clean().first();
      assertEquals(ts("2025-06-10T23:30:00Z"), c.getAs("start_at"));
      assertEquals(d("2025-06-11"), c.getAs("service_date"));
    } finally {
      spark().conf().set("spark.sql.session.timeZone", previous);
    }
  }

  @Test
  void nulBytesAndHugeTextsDoNotCrash() {
    Staging.Result r = stage("missions",
        raw("missions", 1, "id", "1", "title", "\u0000 night\u0000shift \u0000", "location", HUGE),
        raw("missions", 2, "id", "2", "title", HUGE + "\u0000", "specialty", "\u0000"),
        raw("missions", 3, "id", "3", "start_at", HUGE, "hourly_rate", HUGE, "status", HUGE),
        raw("missions", 4, "id", "\u00004\u0000", "created_at", "\u00002025-06-01T09:00:00Z"));
    assertEquals(Map.of(3L, "bad_timestamp,bad_enum,bad_number"), reasons(r));
    Map<Long, Row> clean = new TreeMap<>();
    r.clean().collectAsList().forEach(c -> clean.put(c.getAs("id"), c));
    assertEquals(List.of(1L, 2L, 4L), new ArrayList<>(clean.keySet()));
    assertEquals("night\u0000shift", clean.get(1L).getAs("title"));
    assertEquals(HUGE, clean.get(1L).getAs("city"));
    assertEquals(HUGE, clean.get(2L).getAs("title"));
    assertNull(clean.get(2L).getAs("specialty"));
    assertEquals(ts("2025-06-01T09:00:00Z"), clean.get(4L).getAs("created_at"));
    Row q = r.quarantine().first();
    assertEquals(HUGE, q.getAs("status"));
  }

  @Test
  void conservationOnAMixedDataset() {
    for (String table : SourceContract.names()) {
      List<Row> rows = new ArrayList<>();
      long n = 0;
      for (int i = 0; i < 60; i++) {
        String id = i % 11 == 0 ? null : String.valueOf(i % 17);
        String updated = i % 5 == 0 ? null : "2025-06-0" + (1 + i % 3) + " 10:00";
        String status = i % 7 == 0 ? "bogus" : (table.equals("users") ? "admin" : "pending");
        String statusColumn = table.equals("users") ? "role" : "status";
        String ts = i % 13 == 0 ? "garbage" : "2025-06-10 08:00";
        String tsColumn = switch (table) {
          case "missions" -> "start_at";
          case "mission_applications" -> "applied_at";
          case "contracts" -> "start_date";
          default -> "created_at";
        };
        String status2 = table.equals("missions") && !"bogus".equals(status) ? "open" : status;
        status2 = table.equals("contracts") && !"bogus".equals(status) ? "signed" : status2;
        rows.add(raw(table, ++n, "id", id, "updated_at", updated, statusColumn, status2, tsColumn, ts));
        rows.add(raw(table, ++n, "id", id, "updated_at", updated, statusColumn, status2, tsColumn, ts));
      }
      Dataset<Row> input = df(table, rows.toArray(Row[]::new)).repartition(4);
      Staging.Result r = Staging.stage(table, input, PARIS);
      long clean = r.clean().count();
      long quarantined = r.quarantine().count();
      assertEquals(rows.size(), clean + quarantined, table);
      // exactly one place: the quarantine holds every raw row not kept, each once
      long distinctQuarantined = r.quarantine().select("_row").distinct().count();
      assertEquals(quarantined, distinctQuarantined, table);
      assertEquals(clean, r.clean().select("id").distinct().count(), table + ": one clean row per id");
      assertTrue(clean > 0 && quarantined > 0, table);
      long duplicates = r.quarantine().filter("reason = 'duplicate'").count();
      assertTrue(duplicates > 0, table);
    }
  }
}
