package com.nurselink.warehouse.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.util.FaultPoints;
import com.nurselink.warehouse.util.Pseudonyms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractorTest extends SparkTestBase {
  @TempDir Path dir;

  private static final Extractor.Options OPT = new Extractor.Options(3, 100, "fail", new Pseudonyms("k"));

  private Path db(String... statements) throws Exception {
    Path p = dir.resolve("src.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + p); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
    return p;
  }

  @Test
  void readsEveryColumnAsTextWithoutLosingEpochMillisOrIsoTextInTypedColumns() throws Exception {
    Path p = db("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, full_name TEXT, role TEXT, city TEXT,"
            + " specialty TEXT, created_at DATETIME, updated_at NUMERIC)",
        "INSERT INTO users VALUES (1, 'Ann@Example.org', 'Ann Nurse', 'nurse', 'Besançon', 'urgences',"
            + " '2025-03-30 02:30:00', 1718000000123)",
        "INSERT INTO users VALUES (2, NULL, NULL, 'ADMIN ', NULL, NULL, 1718000000, '2025-01-01T10:00:00+01:00')",
        "INSERT INTO users VALUES (9007199254740993, 'b@x.org', 'Bob', 'nurse', 'Lyon', 'x', 42.5, 'not a date')");
    SourceTable src = new SourceTable("users", p.toString(), "users", Map.of());
    var ex = Extractor.read(spark(), src, "jdbc:sqlite:" + p, p.toString(), OPT);
    List<Row> rows = sorted(ex.raw().selectExpr("id", "email_hmac", "full_name_hmac", "role", "city",
        "created_at", "updated_at", "_row"));
    Pseudonyms ps = new Pseudonyms("k");
    assertEquals(List.of(
        row("1", ps.of("ann@example.org"), ps.of("Ann Nurse"), "nurse", "Besançon", "2025-03-30 02:30:00",
            "1718000000123", 1L),
        row("2", null, null, "ADMIN ", null, "1718000000", "2025-01-01T10:00:00+01:00", 2L),
        row("9007199254740993", ps.of("b@x.org"), ps.of("bob"), "nurse", "Lyon", "42.5", "not a date",
            9007199254740993L)), rows);
    assertFalse(ex.raw().columns().length == 0);
    assertFalse(List.of(ex.raw().columns()).contains("email"));
  }

  @Test
  void schemaDriftIsDetectedBeforeAnyWrite() throws Exception {
    Path p = db("CREATE TABLE contracts (id INTEGER, mission_id INTEGER, nurse_id INTEGER, status TEXT,"
        + " start_date TEXT, extra_col TEXT)");
    SourceTable src = new SourceTable("contracts", p.toString(), "contracts", Map.of());
    SourceException e = assertThrows(SourceException.class,
        () -> Extractor.read(spark(), src, "jdbc:sqlite:" + p, p.toString(), OPT));
    assertTrue(e.getMessage().endsWith("table contracts: new column(s) extra_col; optional column(s) missing: "
        + "application_id, end_date, hourly_rate, hours_worked, signed_at, created_at, updated_at "
        + "(set extract.schema-drift=tolerate to read missing optional columns as NULL)"), e.getMessage());
    e = assertThrows(SourceException.class, () -> Extractor.read(spark(), src, "jdbc:sqlite:" + p, p.toString(),
        new Extractor.Options(1, 10, "ignore-new-columns", new Pseudonyms("k"))));
    assertTrue(e.getMessage().contains(": optional column(s) missing: application_id,"), e.getMessage());
    assertFalse(e.getMessage().contains("extra_col"), e.getMessage());
    var ex = Extractor.read(spark(), src, "jdbc:sqlite:" + p, p.toString(),
        new Extractor.Options(1, 10, "tolerate", new Pseudonyms("k")));
    assertEquals(List.of("extra_col"), ex.drift().newColumns());
    assertTrue(ex.drift().missingOptional().contains("hours_worked"));

    Path q = dir.resolve("q.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + q); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE contracts (id INTEGER, mission_id INTEGER, status TEXT, start_date TEXT)");
    }
    SourceTable srcQ = new SourceTable("contracts", q.toString(), "contracts", Map.of());
    e = assertThrows(SourceException.class,
        () -> Extractor.read(spark(), srcQ, "jdbc:sqlite:" + q, q.toString(), OPT));
    assertTrue(e.getMessage().contains("required column(s) missing: nurse_id"), e.getMessage());
    SourceTable renamed = new SourceTable("contracts", q.toString(), "contract", Map.of());
    e = assertThrows(SourceException.class,
        () -> Extractor.read(spark(), renamed, "jdbc:sqlite:" + q, q.toString(), OPT));
    assertTrue(e.getMessage().contains("table contract not found"), e.getMessage());
  }

  @Test
  void columnMapsAndIdentifiersAreCheckedBeforeAnyQuery() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new SourceTable("users", "x.db", "users; DROP TABLE users", Map.of()));
    assertTrue(e.getMessage().contains("not a plain identifier"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> new SourceTable("users", "x.db", "users", SourceTable.parseColumnMap("users", "email:mail\"--")));
    assertTrue(e.getMessage().contains("source.users.columns"), e.getMessage());
  }

  @Test
  void theSettingAcceptsExactlyThePoliciesTheExtractorKnows() {
    assertEquals(List.of(Extractor.FAIL, Extractor.IGNORE_NEW_COLUMNS, Extractor.TOLERATE),
        ConfigKey.SCHEMA_DRIFT.choices());
    assertEquals(Extractor.FAIL, ConfigKey.SCHEMA_DRIFT.defaultValue());
  }

  @Test
  void snapshotsAreConsistentCopiesAndMissingOrCorruptFilesGiveOneLineErrors() throws Exception {
    Path p = db("CREATE TABLE t (x)", "INSERT INTO t VALUES (1)");
    Path snap = SqliteSnapshots.take(p, dir.resolve("snaps"), "r1");
    assertTrue(Files.size(snap) > 0);
    SourceException e = assertThrows(SourceException.class,
        () -> SqliteSnapshots.take(dir.resolve("absent.db"), dir.resolve("snaps"), "r2"));
    assertEquals("source file not found: " + dir.resolve("absent.db"), e.getMessage());
    Path corrupt = dir.resolve("corrupt.db");
    byte[] bytes = Files.readAllBytes(p);
    byte[] junk = new byte[bytes.length];
    System.arraycopy(bytes, 0, junk, 0, 20);
    Files.write(corrupt, junk);
    e = assertThrows(SourceException.class, () -> SqliteSnapshots.take(corrupt, dir.resolve("snaps"), "r3"));
    assertEquals("cannot snapshot " + corrupt + ": not a valid SQLite database (corrupt or truncated)",
        e.getMessage());
    // the failed backups left nothing behind: only the first run's snapshot is there
    assertEquals(List.of(snap.getFileName().toString()), names(dir.resolve("snaps")));
  }

  @Test
  void aSnapshotHoldsTheRowsCommittedWhenItWasTakenAndAWriterWaitsMeanwhile() throws Exception {
    Path p = db("CREATE TABLE t (x)", "INSERT INTO t VALUES (1)");
    List<String> attempts = new ArrayList<>();
    Consumer<String> before = FaultPoints.observe(point -> {
      if (point.equals("extract-snapshot-locked")) {
        attempts.add(insert(p, 2)); // the application writes while the file is copied
      }
    });
    Path snap;
    try {
      snap = SqliteSnapshots.take(p, dir.resolve("snaps"), "r1", 100);
    } finally {
      FaultPoints.observe(before);
    }
    assertEquals(1, attempts.size());
    assertTrue(attempts.get(0).contains("locked"), attempts.toString());
    assertEquals(List.of(1L), values(snap));
    assertEquals("ok", insert(p, 3), "the lock is released after the copy");

    // a WAL file: rows still in the log only are in the snapshot (online backup)
    Path w = dir.resolve("wal.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + w); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA wal_autocheckpoint = 0");
      st.execute("CREATE TABLE t (x)");
      st.execute("INSERT INTO t VALUES (1), (2)");
      assertTrue(Files.size(dir.resolve("wal.db-wal")) > 0);
      assertEquals(List.of(1L, 2L), values(SqliteSnapshots.take(w, dir.resolve("snaps"), "r2")));
    }
  }

  private static String insert(Path db, int x) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 0");
      st.execute("INSERT INTO t VALUES (" + x + ")");
      return "ok";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  private static List<Long> values(Path db) throws Exception {
    List<Long> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT x FROM t ORDER BY x")) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  @Test
  void onlyTheLastFailedRunKeepsItsSnapshots() throws Exception {
    Path p = db("CREATE TABLE t (x)", "INSERT INTO t VALUES (1)");
    Path snaps = dir.resolve("kept");
    SqliteSnapshots.take(p, snaps, "ok1");
    assertEquals(0, SqliteSnapshots.settle(snaps, "ok1", true));
    SqliteSnapshots.take(p, snaps, "bad1");
    assertEquals(0, SqliteSnapshots.settle(snaps, "bad1", false));
    assertEquals(List.of("src-bad1.failed.db", "src-ok1.db"), names(snaps));
    SqliteSnapshots.take(p, snaps, "bad2");
    assertEquals(1, SqliteSnapshots.settle(snaps, "bad2", false));
    assertEquals(List.of("src-bad2.failed.db", "src-ok1.db"), names(snaps));
    SqliteSnapshots.take(p, snaps, "ok2");
    assertEquals(0, SqliteSnapshots.settle(snaps, "ok2", true));
    assertEquals(List.of("src-bad2.failed.db", "src-ok1.db", "src-ok2.db"), names(snaps));
  }

  private static List<String> names(Path d) throws Exception {
    try (var s = Files.list(d)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }
}
