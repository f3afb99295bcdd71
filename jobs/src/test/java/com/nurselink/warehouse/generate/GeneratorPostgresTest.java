package com.nurselink.warehouse.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nurselink.warehouse.contract.SourceContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads generated data into a real PostgreSQL (127.0.0.1:5432, user postgres), one throwaway database per test. */
class GeneratorPostgresTest {
  static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  static final int N = 4_000;

  @TempDir Path dir;
  String db;
  String url;

  @BeforeAll
  static void tmp() throws Exception {
    SqliteFixture.ensureTmpDir();
  }

  @BeforeEach
  void createDatabase() {
    db = "nl_gen_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(SERVER + "postgres?user=postgres");
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    } catch (SQLException e) {
      fail("PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (" + e.getMessage() + "); start it with:"
          + " pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
    }
    url = SERVER + db + "?user=postgres";
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER + "postgres?user=postgres");
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  private static double pgNumber(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  /** Row counts and money sums of PostgreSQL equal those of the (clean) SQLite file. */
  private void assertSameAsSqlite(Path sqlite) throws Exception {
    try (SqliteFixture f = new SqliteFixture(sqlite); Connection pg = DriverManager.getConnection(url)) {
      for (String t : List.of("users", "missions", "mission_applications", "contracts")) {
        assertEquals(f.count("SELECT count(*) FROM " + t), (long) pgNumber(pg, "SELECT count(*) FROM " + t), t);
      }
      for (String[] q : List.of(new String[] {"missions", "hourly_rate"}, new String[] {"contracts", "hourly_rate"},
          new String[] {"contracts", "hours_worked"})) {
        double lite = f.number("SELECT sum(" + SqliteFixture.real(q[1]) + ") FROM " + q[0]);
        double pgSum = pgNumber(pg, "SELECT sum(" + q[1] + ") FROM " + q[0]);
        assertEquals(lite, pgSum, 1e-6 * Math.abs(lite), q[0] + "." + q[1]);
      }
      assertEquals(f.count("SELECT count(*) FROM missions WHERE lower(trim(status)) = 'completed'"),
          (long) pgNumber(pg, "SELECT count(*) FROM missions WHERE status = 'completed'"));
      assertEquals(f.count("SELECT count(DISTINCT trim(location)) FROM missions"),
          (long) pgNumber(pg, "SELECT count(DISTINCT location) FROM missions"));
      assertEquals(0, (long) pgNumber(pg, "SELECT count(*) FROM missions WHERE location <> trim(location)"));
      // typed: every start within the span, every contract day the local day of its mission
      assertEquals(0, (long) pgNumber(pg, "SELECT count(*) FROM missions WHERE (start_at AT TIME ZONE 'Europe/Paris')::date"
          + " NOT BETWEEN DATE '2024-07-01' AND DATE '2026-06-30'"));
      assertEquals(0, (long) pgNumber(pg, "SELECT count(*) FROM contracts c JOIN missions m ON m.id = c.mission_id"
          + " WHERE c.start_date <> (m.start_at AT TIME ZONE 'Europe/Paris')::date"));
      assertTrue(pgNumber(pg, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'") >= 6);
    }
  }

  @Test
  void cleanRunLoadsWhatTheSqliteFileHolds() throws Exception {
    Path lite = dir.resolve("clean.db");
    Summary s = Generator.create().missions(N).seed(3).sqlite(lite).postgres(url).run();
    assertTrue(s.postgresSkipped().values().stream().allMatch(Map::isEmpty), s.postgresSkipped().toString());
    assertEquals(s.rows(), s.postgresLoaded());
    assertSameAsSqlite(lite);
  }

  @Test
  void dirtyRunLoadsTheCleanRowsAndCountsTheRest() throws Exception {
    Path lite = dir.resolve("clean.db");
    Generator.create().missions(N).seed(4).writeSqlite(lite);
    Summary s = Generator.create().missions(N).seed(4).dirty(true).postgres(url).run();
    assertSameAsSqlite(lite);
    for (String t : List.of("users", "missions", "mission_applications", "contracts")) {
      long skipped = s.postgresSkipped().get(t).values().stream().mapToLong(Long::longValue).sum();
      assertEquals(s.rows(t), s.postgresLoaded().get(t) + skipped, t);
      for (Defect d : Defect.applicable(SourceContract.of(t))) {
        assertEquals(s.injected(t, d), (long) s.postgresSkipped().get(t).getOrDefault(d.code(), 0L), t + " " + d);
      }
    }
    assertTrue(s.format().contains("skipped"));
  }

  @Test
  void existingTablesAreKeptUnlessForced() throws Exception {
    Generator.create().missions(50).seed(1).postgres(url).run();
    Generator.OutputExistsException e = assertThrows(Generator.OutputExistsException.class,
        () -> Generator.create().missions(60).postgres(url).run());
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    try (Connection pg = DriverManager.getConnection(url)) {
      assertEquals(50, (long) pgNumber(pg, "SELECT count(*) FROM missions"));
    }
    Generator.create().missions(60).force(true).postgres(url).run();
    try (Connection pg = DriverManager.getConnection(url)) {
      assertEquals(60, (long) pgNumber(pg, "SELECT count(*) FROM missions"));
    }
  }
}
