package com.nurselink.warehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.cli.RunCommand;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.sink.GoldTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole nightly pipeline on real SQLite files, a real lake and a real DuckDB warehouse, with
 * numbers computed by hand (small source) or by plain SQL in SQLite (generated source).
 */
class PipelineEndToEndTest extends SparkTestBase {
  @TempDir Path dir;

  private Settings settings(String name) {
    return Settings.builder().noConfFile().environment(Map.of())
        .override("lake.path=" + dir.resolve(name + "-lake"))
        .override("warehouse.duckdb-path=" + dir.resolve(name + ".duckdb"))
        .override("source.snapshot-dir=" + dir.resolve(name + "-snapshots"))
        .override("spark.shuffle-partitions=2")
        .build();
  }

  private static void exec(Path db, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  private static List<List<Object>> duck(Path duckdb, String sql) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + duckdb); Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      try (ResultSet rs = st.executeQuery(sql)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> r = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            r.add(v instanceof Number num && !(v instanceof Double) ? (Object) num.longValue() : v);
          }
          out.add(r);
        }
      }
    }
    return out;
  }

  private static List<Object> r(Object... v) {
    return java.util.Arrays.asList(v);
  }

  /** The hand-made source of {@link #handMadeSourceGivesTheHandComputedKpis}. */
  private Path handMade() throws Exception {
    Path db = dir.resolve("hand.db");
    String ddl = new String(getClass().getClassLoader().getResourceAsStream("sql/source/sqlite.sql").readAllBytes());
    exec(db, ddl.split(";\\s*\\n"));
    exec(db,
        "INSERT INTO users VALUES (1, 'a@clinic.fr', 'Clinique A', 'establishment', 'Lyon', NULL, '2024-01-01', NULL)",
        "INSERT INTO users VALUES (2, 'b@clinic.fr', 'Clinique B', 'Establishment', 'Paris', NULL, '2024-01-01', NULL)",
        "INSERT INTO users VALUES (10, 'ann@x.fr', 'Ann Martin', 'nurse', ' Lyon ', 'urgences', '2024-02-01T10:00:00', NULL)",
        "INSERT INTO users VALUES (11, 'bob@x.fr', 'Bob Durand', 'NURSE', 'Lyon', 'urgences', 1706781600, NULL)",
        // m100: decimal comma, local start, offset end; 2024-03-30 local
        "INSERT INTO missions VALUES (100, 1, 't', 'urgences', ' Lyon ', '40,5', 'Completed ', '2024-03-30 08:00:00',"
            + " '2024-03-30T16:00:00+01:00', '2024-03-01T09:00:00Z', NULL)",
        // m101: 23:30Z on the 30th is 00:30 local on the 31st (DST night)
        "INSERT INTO missions VALUES (101, 1, 't', 'urgences', 'Lyon', 50, 'cancelled', '2024-03-30T23:30:00Z',"
            + " '2024-03-31T06:00:00Z', '2024-03-05T10:00:00Z', NULL)",
        // m102: epoch ms start (2024-03-30T10:00Z), bare-date creation (midnight local = 2024-03-09T23:00Z)
        "INSERT INTO missions VALUES (102, 1, 't', 'urgences', 'Lyon', 30.0, 'filled', 1711792800000,"
            + " 1711821600000, '2024-03-10', NULL)",
        "INSERT INTO missions VALUES (103, 1, 't', 'urgences', 'Lyon', 99, 'draft', '2024-03-30 09:00',"
            + " '2024-03-30 10:00', '2024-03-01', NULL)",
        "INSERT INTO missions VALUES (104, 2, 't', 'pédiatrie', 'Paris', 45, 'open', '2024-03-30T12:00:00+0100',"
            + " '2024-03-30T18:00:00+0100', '2024-03-20 12:00:00.250', NULL)",
        "INSERT INTO missions VALUES (105, 2, 't', 'pédiatrie', 'Paris', 'abc', 'open', '2024-03-30T12:00:00',"
            + " '2024-03-30T18:00:00', '2024-03-20', NULL)",
        "INSERT INTO missions VALUES (106, 2, 't', 'pédiatrie', 'Paris', 45, 'open', '2024-03-30T12:00:00',"
            + " '2024-03-30T08:00:00', '2024-03-20', NULL)",
        "INSERT INTO missions VALUES (107, 2, 't', 'pédiatrie', 'Paris', 45, 'postponed', '2024-03-30T12:00:00',"
            + " '2024-03-30T18:00:00', '2024-03-20', NULL)",
        "INSERT INTO mission_applications VALUES (1, 100, 10, 'accepted', '2024-03-02T10:00:00', NULL)",
        "INSERT INTO mission_applications VALUES (2, 100, 11, 'rejected', '2024-03-02 11:00:00', NULL)",
        "INSERT INTO mission_applications VALUES (3, 102, 10, 'accepted', '2024-03-11T08:00:00Z', NULL)",
        "INSERT INTO mission_applications VALUES (4, 101, 11, 'pending', '2024-03-06T08:00:00Z', NULL)",
        "INSERT INTO mission_applications VALUES (5, 999, 10, 'pending', '2024-03-06T08:00:00Z', NULL)",
        "INSERT INTO contracts VALUES (1, 100, 10, 1, 'completed', '2024-03-30', '2024-03-30', '40.5', 8,"
            + " '2024-03-03T09:00:00Z', '2024-03-03T09:00:00Z', NULL)",
        "INSERT INTO contracts VALUES (2, 102, 10, 3, 'signed', 1711756800, NULL, 30, NULL,"
            + " '2024-03-12T09:00:00Z', '2024-03-12T09:00:00Z', NULL)");
    return db;
  }

  @Test
  void handMadeSourceGivesTheHandComputedKpis() throws Exception {
    Path db = handMade();
    Settings s = settings("hand");
    assertEquals(0, RunCommand.execute(s, db.toString(), LocalDate.parse("2024-03-31"), List.of(), false, false));
    Path wh = dir.resolve("hand.duckdb");
    // service_date, city, specialty, total, completed, cancelled, filled, avg rate, completion, fill,
    // applications, avg applications, median time to fill (h)
    assertEquals(List.of(
            // m100 (completed, 40.5, 2 applications, filled after 48 h) + m102 (filled, 30.0, 1 application,
            // filled after 58 h: created at local midnight 2024-03-10 = 2024-03-09T23:00Z); m103 is a draft
            r(LocalDate.parse("2024-03-30"), "Lyon", "urgences", 2L, 1L, 0L, 2L, 35.25, 0.5, 1.0, 3L, 1.5, 53.0),
            // m104 open: nothing filled, no applications
            r(LocalDate.parse("2024-03-30"), "Paris", "pédiatrie", 1L, 0L, 0L, 0L, 45.0, 0.0, 0.0, 0L, 0.0, null),
            // m101 cancelled: fill rate has a zero divisor
            r(LocalDate.parse("2024-03-31"), "Lyon", "urgences", 1L, 0L, 1L, 0L, 50.0, 0.0, null, 1L, 1.0, null)),
        duck(wh, "SELECT service_date, city, specialty, missions_total, missions_completed, missions_cancelled,"
            + " missions_filled, avg_hourly_rate, completion_rate, fill_rate, applications_total,"
            + " avg_applications_per_mission, median_time_to_fill_hours FROM kpi_mission_daily ORDER BY 1, 2"));
    assertEquals(List.of(r(LocalDate.parse("2024-03-31"), 4L, 41.375, 1L)),
        duck(wh, "SELECT as_of_date, total_missions, avg_rate, completed_missions FROM kpi_headline"));
    // quarantine: one reason per broken rule; the application to an unknown mission is kept (key -1)
    assertEquals(List.of(r("105", "bad_number"), r("106", "bad_range"), r("107", "bad_enum")),
        duck(wh, "SELECT id, reason FROM quarantine_missions ORDER BY id"));
    assertEquals(List.of(r(5L, -1L)), duck(wh, "SELECT application_id, mission_key FROM fact_application"
        + " WHERE mission_key = -1"));
    // contracts: gross amount = hours x rate; month of the local start date
    assertEquals(List.of(r(1L, 324.0, "2024-03"), r(2L, null, "2024-03")),
        duck(wh, "SELECT contract_id, gross_amount, start_month FROM fact_contract ORDER BY 1"));
    // conservation per table
    assertEquals(List.of(r(4L, 0L), r(5L, 3L), r(5L, 0L), r(2L, 0L)), duck(wh,
        "SELECT (SELECT count(*) FROM clean_users), (SELECT count(*) FROM quarantine_users) UNION ALL "
            + "SELECT (SELECT count(*) FROM clean_missions), (SELECT count(*) FROM quarantine_missions) UNION ALL "
            + "SELECT (SELECT count(*) FROM clean_mission_applications), (SELECT count(*) FROM quarantine_mission_applications) UNION ALL "
            + "SELECT (SELECT count(*) FROM clean_contracts), (SELECT count(*) FROM quarantine_contracts)"));
    // the ledger has one successful row per job; serve is skipped without redis.url
    assertEquals(List.of(r("extract", "success"), r("features", "success"), r("kpis", "success"),
            r("load", "success"), r("model", "success"), r("serve", "skipped"), r("stage", "success")),
        duck(wh, "SELECT job, status FROM etl_runs ORDER BY job"));
  }

  @Test
  void aSourceWithoutAnyContractGivesEmptyContractTables() throws Exception {
    // a new site: missions and applications, no contract signed yet
    Path db = handMade();
    exec(db, "DELETE FROM contracts");
    Settings s = settings("nocontract");
    assertEquals(0, RunCommand.execute(s, db.toString(), LocalDate.parse("2024-03-31"), List.of(), false, false));
    Path wh = dir.resolve("nocontract.duckdb");
    assertEquals(List.of(r(0L, 0L, 0L)), duck(wh, "SELECT (SELECT count(*) FROM fact_contract),"
        + " (SELECT count(*) FROM kpi_contract_monthly), (SELECT count(*) FROM clean_contracts)"));
    // the contract columns are there for analysts' queries, and the missions are still counted
    assertEquals(List.of(r(0L)), duck(wh, "SELECT count(gross_amount) FROM fact_contract"));
    assertEquals(List.of(r(4L)), duck(wh, "SELECT total_missions FROM kpi_headline"));
  }

  @Test
  void generatedSourceRerunLateEventsAndPlainSqlAgree() throws Exception {
    Path db = dir.resolve("gen.db");
    Generator.create().missions(1500).seed(7).writeSqlite(db);
    Settings s = settings("gen");
    LocalDate d = LocalDate.parse("2026-03-31");
    assertEquals(0, RunCommand.execute(s, db.toString(), d, List.of(), false, false));
    Path wh = dir.resolve("gen.duckdb");

    // The headline is the operations dashboard query, computed independently by SQLite on the source.
    List<Object> plain = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), avg(CAST(replace(hourly_rate, ',', '.') AS REAL)),"
            + " sum(lower(trim(status)) = 'completed') FROM missions WHERE lower(trim(status)) <> 'draft'")) {
      rs.next();
      plain.add(rs.getLong(1));
      plain.add(rs.getDouble(2));
      plain.add(rs.getLong(3));
    }
    List<Object> headline = duck(wh, "SELECT total_missions, avg_rate, completed_missions FROM kpi_headline").get(0);
    assertEquals(plain.get(0), headline.get(0));
    assertEquals((Double) plain.get(1), (Double) headline.get(1), 1e-9);
    assertEquals(plain.get(2), headline.get(2));

    Map<String, List<List<Object>>> before = snapshotOfGold(wh);
    // Same date again: identical outputs.
    assertEquals(0, RunCommand.execute(s, db.toString(), d, List.of(), false, false));
    assertEquals(before, snapshotOfGold(wh));

    // Events after D (a new nurse, a new mission, applications and a contract after the cutoff):
    // the features as of D do not change.
    exec(db,
        "INSERT INTO users VALUES (99000001, 'late@x.fr', 'Late Nurse', 'nurse', 'Lyon', 'urgences',"
            + " '2026-04-01T00:30:00', NULL)",
        "INSERT INTO missions SELECT 99000001, establishment_id, title, specialty, location, hourly_rate, 'open',"
            + " '2026-04-03T08:00:00', '2026-04-03T16:00:00', '2026-04-01T00:00:01', NULL FROM missions LIMIT 1",
        "INSERT INTO mission_applications SELECT 99000000 + id, id, 99000001, 'accepted', '2026-04-01T01:00:00',"
            + " '2026-04-01T01:00:00' FROM missions WHERE id IN (SELECT id FROM missions LIMIT 5)",
        "INSERT INTO contracts VALUES (99000001, 99000001, 99000001, NULL, 'signed', '2026-04-03', NULL, 40, NULL,"
            + " '2026-04-01T02:00:00', '2026-04-01T02:00:00', NULL)");
    assertEquals(0, RunCommand.execute(s, db.toString(), d, List.of(), false, false));
    Map<String, List<List<Object>>> after = snapshotOfGold(wh);
    assertEquals(before.get("features_nurse"), after.get("features_nurse"));
    assertEquals(before.get("features_mission_fill"), after.get("features_mission_fill"));
  }

  private static Map<String, List<List<Object>>> snapshotOfGold(Path wh) throws Exception {
    Map<String, List<List<Object>>> m = new java.util.TreeMap<>();
    for (GoldTables.Gold g : GoldTables.all()) {
      m.put(g.name(), duck(wh, "SELECT * FROM " + g.name() + " ORDER BY ALL"));
    }
    assertTrue(Files.exists(wh));
    return m;
  }
}
