package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.cli.RunCommand;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.sink.Warehouses;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One nightly run over a source full of hostile values (NUL bytes, invalid UTF-8, 1 MB strings,
 * ids beyond 2^53, years 0001 and 9999, NaN and infinities, the same id twice with equal
 * updated_at), with a known pseudonym key and an alert webhook. Then: nothing crashed, every row
 * is in clean or quarantine, no email or name of the source is anywhere in the lake or the
 * warehouse, and no secret is in the output, the ledger or the alerts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputAndPrivacyTest extends SparkTestBase {
  private static final String KEY = "Pseudonym-Key-7f3a9c-do-not-print";
  private static final String TOKEN = "Webhook-Token-b81d44";

  @TempDir static Path dir;
  private Path source;
  private Path warehouse;
  private Path lake;
  private int exitCode;
  private String output;
  private final List<String> alerts = new CopyOnWriteArrayList<>();
  private Settings settings;

  private static final String BIG = "replace(hex(zeroblob(500000)), '0', 'x')"; // 1,000,000 characters

  @BeforeAll
  void runOnce() throws Exception {
    source = dir.resolve("hostile.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement st = c.createStatement()) {
      // merged-export style tables: no primary key, so an id may repeat
      st.execute("CREATE TABLE users (id INTEGER, email TEXT, full_name TEXT, role TEXT, city TEXT, specialty TEXT,"
          + " created_at DATETIME, updated_at DATETIME)");
      st.execute("CREATE TABLE missions (id INTEGER, establishment_id INTEGER, title TEXT, specialty TEXT,"
          + " location TEXT, hourly_rate REAL, status TEXT, start_at DATETIME, end_at DATETIME, created_at DATETIME,"
          + " updated_at DATETIME)");
      st.execute("CREATE TABLE mission_applications (id INTEGER, mission_id INTEGER, nurse_id INTEGER, status TEXT,"
          + " applied_at TEXT, updated_at TEXT)");
      st.execute("CREATE TABLE contracts (id INTEGER, mission_id INTEGER, nurse_id INTEGER, application_id INTEGER,"
          + " status TEXT, start_date DATE, end_date DATE, hourly_rate, hours_worked REAL, signed_at DATETIME,"
          + " created_at DATETIME, updated_at DATETIME)");
      st.execute("INSERT INTO users VALUES (1, 'contact@clinique-un.fr', 'Clinique Un', 'establishment', 'Lyon',"
          + " NULL, '2024-01-01', '2024-01-01')");
      st.execute("INSERT INTO users VALUES (10, 'anne.martin@example.fr', 'Anne Martin', 'nurse',"
          + " 'Ly' || char(0) || 'on', 'urgences', '2024-02-01', NULL)");
      st.execute("INSERT INTO users VALUES (11, 'jean.dupont@example.fr', 'Jean Dupont', 'nurse',"
          + " CAST(X'4C79C328' AS TEXT), 'urgences', '2024-02-01', NULL)");
      st.execute("INSERT INTO users VALUES (12, 'long.name@example.fr', 'Long ' || " + BIG + ", 'nurse', 'Lyon',"
          + " " + BIG + ", '2024-02-01', NULL)");
      st.execute("INSERT INTO users VALUES (9007199254740993, 'huge.id@example.fr', 'Huge Identifier', 'nurse',"
          + " 'Lyon', 'urgences', '2024-02-01', NULL)");
      st.execute("INSERT INTO users VALUES (13, 'twice@example.fr', 'Twice Same', 'nurse', 'Lyon', 'urgences',"
          + " '2024-02-01', '2024-03-01T10:00:00Z')");
      st.execute("INSERT INTO users VALUES (13, 'twice@example.fr', 'Twice Same', 'nurse', 'Paris', 'urgences',"
          + " '2024-02-01', '2024-03-01T10:00:00Z')");
      st.execute("INSERT INTO missions VALUES (100, 1, 'ok', 'urgences', 'Lyon', 40, 'completed',"
          + " '2024-03-30T08:00:00', '2024-03-30T16:00:00', '2024-03-01', NULL)");
      st.execute("INSERT INTO missions VALUES (101, 1, 'nan', 'urgences', 'Lyon', 'NaN', 'open',"
          + " '2024-03-30T08:00:00', '2024-03-30T16:00:00', '2024-03-01', NULL)");
      st.execute("INSERT INTO missions VALUES (102, 1, 'inf', 'urgences', 'Lyon', 9e999, 'open',"
          + " '2024-03-30T08:00:00', '2024-03-30T16:00:00', '2024-03-01', NULL)");
      st.execute("INSERT INTO missions VALUES (103, 1, 'neg inf', 'urgences', 'Lyon', '-Infinity', 'open',"
          + " '2024-03-30T08:00:00', '2024-03-30T16:00:00', '2024-03-01', NULL)");
      st.execute("INSERT INTO missions VALUES (104, 1, 'year one', 'urgences', 'Lyon', 40, 'open',"
          + " '0001-01-02T10:00:00Z', '0001-01-02T12:00:00Z', '0001-01-01T12:00:00Z', NULL)");
      st.execute("INSERT INTO missions VALUES (105, 1, 'far future', 'urgences', 'Lyon', 40, 'open',"
          + " '9999-12-30T10:00:00Z', '9999-12-30T12:00:00Z', '2024-03-01', NULL)");
      st.execute("INSERT INTO missions VALUES (106, 1, " + BIG + ", " + BIG + ", " + BIG + ", 40, 'open',"
          + " '2024-03-30T08:00:00', '2024-03-30T16:00:00', '2024-03-01', NULL)");
      st.execute("INSERT INTO mission_applications VALUES (1, 100, 10, 'accepted', '2024-03-02T10:00:00', NULL)");
      st.execute("INSERT INTO mission_applications VALUES (2, 100, 9007199254740993, 'rejected', '2024-03-02', NULL)");
      st.execute("INSERT INTO mission_applications VALUES (3, 100, 11, 'pending', CAST(X'C328' AS TEXT), NULL)");
      st.execute("INSERT INTO contracts VALUES (1, 100, 10, 1, 'completed', '2024-03-30', '2024-03-30', 40, 8,"
          + " '2024-03-03T09:00:00Z', '2024-03-03T09:00:00Z', NULL)");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      alerts.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
    lake = dir.resolve("lake");
    warehouse = dir.resolve("w.duckdb");
    settings = Settings.builder().noConfFile()
        .environment(Map.of("NURSELINK_PSEUDONYM_KEY", KEY,
            "NURSELINK_ALERTS_WEBHOOK_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/" + TOKEN))
        .override("lake.path=" + lake)
        .override("warehouse.duckdb-path=" + warehouse)
        .override("source.snapshot-dir=" + dir.resolve("snaps"))
        .override("alerts.quarantine-rate=0.01")
        .override("spark.shuffle-partitions=2")
        .build();
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      exitCode = RunCommand.execute(settings, source.toString(), LocalDate.parse("2024-03-31"), List.of(), false,
          false);
    } finally {
      System.setOut(out);
      System.setErr(err);
      server.stop(0);
    }
    output = captured.toString(StandardCharsets.UTF_8);
  }

  private List<List<Object>> duck(String sql) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + warehouse); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> r = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          r.add(rs.getObject(i));
        }
        rows.add(r);
      }
    }
    return rows;
  }

  private long sourceCount(String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void nothingCrashesAndEveryRowIsInCleanOrQuarantine() throws Exception {
    assertEquals(0, exitCode, output);
    for (String t : List.of("users", "missions", "mission_applications", "contracts")) {
      long clean = ((Number) duck("SELECT count(*) FROM clean_" + t).get(0).get(0)).longValue();
      long quarantined = duck("SELECT count(*) FROM information_schema.tables WHERE table_name = 'quarantine_" + t
          + "'").get(0).get(0).equals(0L) ? 0
          : ((Number) duck("SELECT count(*) FROM quarantine_" + t).get(0).get(0)).longValue();
      assertEquals(sourceCount(t), clean + quarantined, t + ": source = clean + quarantine");
    }
    // an id beyond 2^53 stays exact
    assertEquals(List.of(List.of(9007199254740993L)),
        duck("SELECT id FROM clean_users WHERE id > 9007199254740000"));
    // the same id twice with equal updated_at: one version clean, the other quarantined as duplicate
    assertEquals(1L, ((Number) duck("SELECT count(*) FROM clean_users WHERE id = 13").get(0).get(0)).longValue());
    assertEquals(List.of(List.of("13", "duplicate")), duck("SELECT id, reason FROM quarantine_users"));
    // NaN and infinities are not numbers
    assertEquals(List.of(List.of("101", "bad_number"), List.of("102", "bad_number"), List.of("103", "bad_number")),
        duck("SELECT id, reason FROM quarantine_missions ORDER BY id"));
    // 1 MB text survives as it is
    assertEquals(List.of(List.of(1_000_000L)), duck("SELECT length(title) FROM clean_missions WHERE id = 106"));
  }

  @Test
  void noEmailOrNameOfTheSourceIsInTheLakeOrTheWarehouse() throws Exception {
    List<String> needles = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT email, substr(full_name, 1, 40) FROM users")) {
      while (rs.next()) {
        needles.add(rs.getString(1).toLowerCase(Locale.ROOT));
        needles.add(rs.getString(2).toLowerCase(Locale.ROOT));
      }
    }
    needles.add(KEY.toLowerCase(Locale.ROOT));
    List<Path> files;
    try (Stream<Path> s = Files.walk(lake)) {
      files = s.filter(p -> p.toString().endsWith(".parquet") || p.toString().endsWith(".json")).toList();
    }
    assertTrue(files.size() > 20, "lake files: " + files.size());
    List<String> hits = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + warehouse); Statement st = c.createStatement()) {
      for (Path f : files) {
        if (f.toString().endsWith(".json")) {
          String text = Files.readString(f).toLowerCase(Locale.ROOT);
          needles.stream().filter(text::contains).forEach(n -> hits.add(f + ": " + n));
          continue;
        }
        scan(st, "SELECT * FROM read_parquet('" + f + "')", f.toString(), needles, hits);
      }
      List<String> relations = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables")) {
        while (rs.next()) {
          relations.add(rs.getString(1));
        }
      }
      assertTrue(relations.contains("dim_nurse") && relations.contains("clean_users"), relations.toString());
      for (String r : relations) {
        scan(st, "SELECT * FROM " + r, r, needles, hits);
      }
    }
    assertEquals(List.of(), hits);
    // the pseudonym is the keyed HMAC of the email
    assertEquals(List.of(List.of(new com.nurselink.warehouse.util.Pseudonyms(KEY).of("anne.martin@example.fr"))),
        duck("SELECT email_hmac FROM clean_users WHERE id = 10"));
  }

  private static void scan(Statement st, String sql, String where, List<String> needles, List<String> hits)
      throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          if (v == null) {
            continue;
          }
          String text = v.toString().toLowerCase(Locale.ROOT);
          for (String needle : needles) {
            if (text.contains(needle)) {
              hits.add(where + "." + rs.getMetaData().getColumnName(i) + ": " + needle);
            }
          }
        }
      }
    }
  }

  @Test
  void noSecretInTheOutputTheLedgerOrTheAlerts() {
    assertTrue(!alerts.isEmpty(), "the quarantine rate over 1% raised alerts");
    List<String> places = new ArrayList<>(alerts);
    places.add(output);
    for (Ledger.Entry e : Warehouses.ledger(settings).last(50)) {
      places.add(e.toString());
    }
    for (String p : places) {
      assertTrue(!p.contains(KEY), "pseudonym key leaked: " + p);
      assertTrue(!p.contains(TOKEN), "webhook token leaked: " + p);
    }
  }
}
