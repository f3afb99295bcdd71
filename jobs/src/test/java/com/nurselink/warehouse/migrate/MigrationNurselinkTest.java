package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.migrate.MigrationTestSupport.PgDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small nurselink operational database with the dirt real apps leave: timestamps as ISO text with and
 * without offset, with a space or a T, as epoch seconds and milliseconds; rates as text with a decimal comma,
 * padded, as integers, as binary floats; a few values that are not numbers at all.
 */
class MigrationNurselinkTest {
  @TempDir Path dir;
  Path db;
  /** Exact expected sums over the values that are numbers. */
  BigDecimal missionRates = BigDecimal.ZERO;
  BigDecimal contractRates = BigDecimal.ZERO;
  BigDecimal contractHours = BigDecimal.ZERO;
  int missions = 120;
  int contracts = 100;

  @BeforeEach
  void sourceDatabase() throws Exception {
    MigrationTestSupport.ensureTmp();
    db = dir.resolve("nurselink.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, full_name TEXT,"
          + " role TEXT NOT NULL, city TEXT, specialty TEXT, created_at TEXT, updated_at TEXT)");
      st.execute("CREATE TABLE missions (id INTEGER PRIMARY KEY AUTOINCREMENT, establishment_id INTEGER REFERENCES"
          + " users(id), title TEXT, specialty TEXT, location TEXT, hourly_rate REAL, status TEXT NOT NULL,"
          + " start_at TEXT NOT NULL, end_at TEXT, created_at TEXT DEFAULT CURRENT_TIMESTAMP, updated_at TEXT)");
      st.execute("CREATE TABLE mission_applications (id INTEGER PRIMARY KEY, mission_id INTEGER NOT NULL REFERENCES"
          + " missions(id), nurse_id INTEGER NOT NULL REFERENCES users(id), status TEXT, applied_at TEXT, updated_at TEXT)");
      st.execute("CREATE TABLE contracts (id INTEGER PRIMARY KEY, mission_id INTEGER REFERENCES missions(id),"
          + " nurse_id INTEGER REFERENCES users(id), application_id INTEGER REFERENCES mission_applications(id),"
          + " status TEXT, start_date TEXT NOT NULL, end_date TEXT, hourly_rate REAL, hours_worked REAL,"
          + " signed_at TEXT, created_at TEXT, updated_at TEXT)");
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= 30; i++) {
          ps.setInt(1, i);
          ps.setString(2, "user" + i + "@example.org");
          ps.setString(3, "User " + i);
          ps.setString(4, i <= 5 ? "establishment" : i == 6 ? "admin" : "nurse");
          ps.setString(5, i % 3 == 0 ? "Lyon" : "Paris");
          ps.setString(6, i % 2 == 0 ? "icu" : "pediatrics");
          ps.setObject(7, timestamp(i));
          ps.setObject(8, timestamp(i + 1));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO missions (id, establishment_id, title, specialty,"
          + " location, hourly_rate, status, start_at, end_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= missions; i++) {
          ps.setInt(1, i);
          ps.setInt(2, 1 + i % 5);
          ps.setString(3, "Shift\t" + i + (i % 10 == 0 ? "\nnight \\ weekend" : ""));
          ps.setString(4, i % 2 == 0 ? "icu" : "pediatrics");
          ps.setString(5, i % 4 == 0 ? "Lyon" : "Paris");
          Object rate = rate(i);
          ps.setObject(6, rate);
          if (i == 7) {
            ps.setString(6, "n/a");
          } else if (i == 8) {
            ps.setString(6, "");
          } else {
            missionRates = missionRates.add(expected(rate));
          }
          ps.setString(7, i % 6 == 0 ? "cancelled" : "completed");
          ps.setObject(8, timestamp(i));
          ps.setObject(9, timestamp(i + 2));
          ps.setObject(10, timestamp(i + 3));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO mission_applications VALUES (?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= 200; i++) {
          ps.setInt(1, i);
          ps.setInt(2, 1 + i % missions);
          ps.setInt(3, 7 + i % 24);
          ps.setString(4, i % 3 == 0 ? "accepted" : "pending");
          ps.setObject(5, timestamp(i));
          ps.setObject(6, timestamp(i + 5));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO contracts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= contracts; i++) {
          ps.setInt(1, i);
          ps.setInt(2, 1 + i % missions);
          ps.setInt(3, 7 + i % 24);
          ps.setInt(4, 3 * (1 + i % 60));
          ps.setString(5, i % 5 == 0 ? "cancelled" : "completed");
          ps.setString(6, String.format("%d-%02d-%02d", 2022 + i % 4, 1 + i % 12, 1 + i % 28));
          ps.setString(7, String.format("%d-%02d-%02d", 2022 + i % 4, 1 + i % 12, 2 + i % 27));
          Object rate = rate(i + 3);
          ps.setObject(8, rate);
          contractRates = contractRates.add(expected(rate));
          Object hours = switch (i % 4) {
            case 0 -> 7.5;
            case 1 -> "8,25";
            case 2 -> 10;
            default -> " 6.75 ";
          };
          if (i == 50) {
            hours = "eight";
          } else {
            contractHours = contractHours.add(expected(hours));
          }
          ps.setObject(9, hours);
          ps.setObject(10, timestamp(i + 7));
          ps.setObject(11, timestamp(i + 8));
          ps.setObject(12, timestamp(i + 9));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
      c.setAutoCommit(true);
      // a deleted mission: AUTOINCREMENT's sequence (120) stays above the max id (119)
      st.execute("DELETE FROM mission_applications WHERE mission_id = " + missions);
      st.execute("DELETE FROM contracts WHERE mission_id = " + missions);
      st.execute("DELETE FROM missions WHERE id = " + missions);
    }
    // rows deleted with their values
    contracts = Integer.parseInt(MigrationTestSupport.sqlite(db, "SELECT count(*) FROM contracts"));
    contractRates = new BigDecimal(MigrationTestSupport.sqlite(db, "SELECT 0")).add(sumExpected("hourly_rate"));
    contractHours = sumExpected("hours_worked");
    missionRates = missionRates.subtract(expected(rate(missions)));
  }

  /** The exact sum of a contracts column over the values that are numbers, recomputed from the source. */
  private BigDecimal sumExpected(String col) throws Exception {
    BigDecimal sum = BigDecimal.ZERO;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         Statement st = c.createStatement();
         java.sql.ResultSet rs = st.executeQuery("SELECT " + col + " FROM contracts")) {
      while (rs.next()) {
        Object v = rs.getObject(1);
        if (!"eight".equals(v)) {
          sum = sum.add(expected(v));
        }
      }
    }
    return sum;
  }

  /** Rates in every shape: binary floats, decimal comma text, padded text, integers, float noise. */
  static Object rate(int i) {
    return switch (i % 6) {
      case 0 -> 32.99;
      case 1 -> "42,5";
      case 2 -> " 38.75 ";
      case 3 -> 40;
      case 4 -> 0.1 + 0.2 + 45;   // 45.300000000000004 in binary
      default -> 1.98;
    };
  }

  /** What a rate or an hour count means, exactly. */
  static BigDecimal expected(Object v) {
    if (v instanceof Integer i) {
      return BigDecimal.valueOf(i);
    }
    if (v instanceof Double d) {
      return d == 0.1 + 0.2 + 45 ? new BigDecimal("45.30") : new BigDecimal(Double.toString(d));
    }
    return new BigDecimal(((String) v).trim().replace(',', '.'));
  }

  /** Timestamps in every shape the apps write. */
  static Object timestamp(int i) {
    int day = 1 + i % 28;
    return switch (i % 5) {
      case 0 -> String.format("2024-07-%02d 08:00:00", day);
      case 1 -> String.format("2024-07-%02dT08:00:00Z", day);
      case 2 -> String.format("2024-07-%02dT10:00:00.250+02:00", day);
      case 3 -> 1_719_820_800_000L + i * 3_600_000L;   // epoch milliseconds
      default -> 1_719_820_800L + i * 3600L;           // epoch seconds
    };
  }

  @Test
  void dirtyNurselinkDatabaseMigratesWithExactSumsAndReportsMisfits() throws Exception {
    try (PgDatabase pg = new PgDatabase()) {
      List<String> progress = new ArrayList<>();
      Report r = Migration.from(db).to(pg.url).schema("ops").jobs(2).progress(progress::add).execute();
      assertTrue(r.ok(), r.render());
      assertTrue(progress.stream().anyMatch(l -> l.startsWith("loaded contracts: ")), progress.toString());
      // the tables that are not partitioned were copied frozen: every page all-visible and all-frozen
      try (Connection c = pg.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE EXTENSION IF NOT EXISTS pg_visibility");
      }
      for (String t : List.of("users", "missions", "mission_applications")) {
        String pages = pg.one("SELECT pg_relation_size('ops." + t + "') / current_setting('block_size')::int");
        assertTrue(Long.parseLong(pages) > 0, t);
        assertEquals(pages + " " + pages, pg.one("SELECT all_visible || ' ' || all_frozen"
            + " FROM pg_visibility_map_summary('ops." + t + "')"), t);
      }
      // every row present
      for (String t : List.of("users", "missions", "mission_applications", "contracts")) {
        assertEquals(MigrationTestSupport.sqlite(db, "SELECT count(*) FROM " + t), pg.one("SELECT count(*) FROM ops." + t), t);
      }
      // exact sums (the misfits excluded: they are NULL in the table and kept in _migration_rejects)
      assertEquals(0, missionRates.compareTo(new BigDecimal(pg.one("SELECT sum(hourly_rate) FROM ops.missions"))));
      assertEquals(0, contractRates.compareTo(new BigDecimal(pg.one("SELECT sum(hourly_rate) FROM ops.contracts"))));
      assertEquals(0, contractHours.compareTo(new BigDecimal(pg.one("SELECT sum(hours_worked) FROM ops.contracts"))));
      assertEquals("numeric(18,2)", pg.one("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
          + " WHERE attrelid = 'ops.missions'::regclass AND attname = 'hourly_rate'"));
      assertEquals("45.30", pg.one("SELECT hourly_rate FROM ops.missions WHERE id = 4"));
      assertEquals("42.50", pg.one("SELECT hourly_rate FROM ops.missions WHERE id = 1"));
      // the values that did not fit: kept with their row id, and named in the report
      assertEquals(List.of(List.of("missions", "7", "hourly_rate", "n/a"), List.of("missions", "8", "hourly_rate", ""),
              List.of("contracts", "50", "hours_worked", "eight")),
          pg.rows("SELECT \"table\", rowid, \"column\", value FROM ops._migration_rejects ORDER BY \"table\" DESC, rowid"));
      assertNull(pg.one("SELECT hourly_rate FROM ops.missions WHERE id = 7"));
      assertEquals(3, r.rejected());
      String issues = String.join("\n", r.typeIssues());
      assertTrue(issues.contains("missions.hourly_rate") && issues.contains("n/a") && issues.contains("REJECT_CELLS"), issues);
      assertTrue(issues.contains("contracts.hours_worked") && issues.contains("eight"), issues);
      // timestamps: no offset = Europe/Paris local time; offsets honoured; epoch s and ms
      assertEquals("timestamp with time zone", pg.one("SELECT data_type FROM information_schema.columns"
          + " WHERE table_schema = 'ops' AND table_name = 'missions' AND column_name = 'start_at'"));
      assertEquals("2024-07-06 06:00:00", utc(pg, "start_at", 5));            // '2024-07-06 08:00:00' in Paris
      assertEquals("2024-07-02 08:00:00", utc(pg, "start_at", 1));            // ...Z
      assertEquals("2024-07-03 08:00:00.25", utc(pg, "start_at", 2));         // +02:00
      assertEquals("2024-07-01 11:00:00", utc(pg, "start_at", 3));            // epoch ms
      assertEquals("2024-07-01 12:00:00", utc(pg, "start_at", 4));            // epoch s
      assertEquals("date", pg.one("SELECT data_type FROM information_schema.columns"
          + " WHERE table_schema = 'ops' AND table_name = 'contracts' AND column_name = 'start_date'"));
      // text with tabs, newlines and backslashes intact
      assertEquals("Shift\t10\nnight \\ weekend", pg.one("SELECT title FROM ops.missions WHERE id = 10"));
      // contracts partitioned by year of start_date: 2022..2025 + default
      assertEquals("r", pg.one("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'ops.contracts'::regclass"));
      assertEquals("5", pg.one("SELECT count(*) FROM pg_inherits WHERE inhparent = 'ops.contracts'::regclass"));
      assertEquals(MigrationTestSupport.sqlite(db, "SELECT count(*) FROM contracts WHERE start_date LIKE '2023%'"),
          pg.one("SELECT count(*) FROM ops.contracts_2023"));
      assertEquals("0", pg.one("SELECT count(*) FROM ops.contracts_default"));
      // operational indexes
      for (String def : List.of("ON ops.missions USING btree (location)", "ON ops.users USING btree (role)",
          "ON ops.contracts USING btree (status)", "ON ops.mission_applications USING btree (mission_id, nurse_id)")) {
        // a partitioned table's index reads "ON ONLY ops.contracts ..."
        assertEquals("1", pg.one("SELECT count(*) FROM pg_indexes WHERE schemaname = 'ops' AND indexdef LIKE '%"
            + def.replace("ON ", "ON %") + "'"), def);
      }
      assertEquals("t", pg.one("SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = 'ops'"
          + " AND tablename = 'users' AND indexdef LIKE 'CREATE UNIQUE INDEX%(email)')"));
      // keys: foreign keys valid, identities past the max id (and past AUTOINCREMENT's sequence)
      assertEquals("6", pg.one("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
          + " AND connamespace = 'ops'::regnamespace AND conparentid = 0"));
      try (Connection c = pg.connect()) {
        String id = MigrationTestSupport.rows(c, "INSERT INTO ops.missions (status, start_at) VALUES ('open', now())"
            + " RETURNING id").get(0).get(0);
        assertEquals(String.valueOf(missions + 1), id);
        String uid = MigrationTestSupport.rows(c, "INSERT INTO ops.users (email, role) VALUES ('new@example.org',"
            + " 'nurse') RETURNING id").get(0).get(0);
        assertEquals("31", uid);
      }
    }
  }

  private static String utc(PgDatabase pg, String col, int id) throws Exception {
    return pg.one("SELECT (" + col + " AT TIME ZONE 'UTC')::text FROM ops.missions WHERE id = " + id);
  }

  @Test
  void dryRunWritesNothingAndShowsThePlan() throws Exception {
    try (PgDatabase pg = new PgDatabase()) {
      Report r = Migration.from(db).to(pg.url).schema("ops").dryRun(true).execute();
      assertTrue(r.dryRun());
      String plan = r.render();
      assertTrue(plan.contains("PARTITION BY RANGE (\"start_date\")"), plan);
      assertTrue(plan.contains("\"hourly_rate\" numeric(18,2)"), plan);
      assertTrue(plan.contains("CREATE INDEX \"missions_location_idx\""), plan);
      assertEquals("0", pg.one("SELECT count(*) FROM pg_namespace WHERE nspname = 'ops'"));
    }
  }

  @Test
  void reRunNeedsReplaceAndThenReplacesCleanly() throws Exception {
    try (PgDatabase pg = new PgDatabase()) {
      assertTrue(Migration.from(db).to(pg.url).execute().ok());
      MigrationException e = assertThrows(MigrationException.class, () -> Migration.from(db).to(pg.url).execute());
      assertTrue(e.getMessage().contains("already holds rows") && e.getMessage().contains("--replace"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      Report again = Migration.from(db).to(pg.url).replace(true).execute();
      assertTrue(again.ok(), again.render());
      assertEquals(String.valueOf(missions - 1), pg.one("SELECT count(*) FROM missions"));
      assertEquals("3", pg.one("SELECT count(*) FROM _migration_rejects"));
    }
  }
}
