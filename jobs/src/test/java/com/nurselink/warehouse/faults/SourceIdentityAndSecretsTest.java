package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.generate.Generator;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lake keeps the history of one set of sources: a run on another source is refused (nothing
 * written), {@code --full-refresh} rebuilds the lake from it. And a password given in a source URL
 * reaches neither the output nor the ledger, whatever the driver's message says.
 */
class SourceIdentityAndSecretsTest extends SparkTestBase {
  private static final String DATE = "2026-03-31";
  @TempDir Path dir;

  @Test
  void aRunOnAnotherSourceIsRefusedAndFullRefreshRebuildsTheLakeFromIt() throws Exception {
    Path a = dir.resolve("a.db");
    Path b = dir.resolve("b.db");
    Generator.create().missions(40).seed(1).writeSqlite(a);
    Generator.create().missions(25).seed(2).writeSqlite(b);
    Path shared = dir.resolve("shared");
    Runs.Result first = Runs.inProcess(Runs.runArgs(shared, a.toString(), DATE));
    assertEquals(0, first.code(), first.all());
    Map<String, String> lakeBefore = Runs.lakeTree(shared.resolve("lake"));
    Map<String, List<String>> whBefore = Runs.duckContent(shared.resolve("wh.duckdb"));

    Runs.Result refused = Runs.inProcess(Runs.runArgs(shared, b.toString(), DATE));
    assertNotEquals(0, refused.code(), refused.all());
    assertTrue(refused.err().contains("nurselink: error: job extract failed: the lake " + shared.resolve("lake")
        + " was built from other sources (sqlite:" + a.toRealPath() + "; this run reads sqlite:" + b.toRealPath()
        + "): rerun with --full-refresh to rebuild it from the new sources, or set lake.path to another lake\n"),
        refused.all());
    Runs.assertSameContent(lakeBefore, Runs.lakeTree(shared.resolve("lake")), "lake after a refused run");
    Runs.assertSameContent(whBefore, Runs.duckContent(shared.resolve("wh.duckdb")), "warehouse after a refused run");

    Runs.Result rebuilt = Runs.inProcess(Runs.runArgs(shared, b.toString(), DATE, "--full-refresh"));
    assertEquals(0, rebuilt.code(), rebuilt.all());
    // the rebuilt warehouse holds exactly the new source (counted by plain SQL on the SQLite file)
    try (Connection src = DriverManager.getConnection("jdbc:sqlite:" + b);
        Connection wh = Runs.duck(shared.resolve("wh.duckdb"))) {
      assertEquals(count(src, "SELECT count(*) FROM users WHERE role = 'nurse'"),
          count(wh, "SELECT count(*) FROM dim_nurse WHERE nurse_key <> -1"), "nurses");
      assertEquals(count(src, "SELECT count(*) FROM missions"), count(wh, "SELECT count(*) FROM fact_mission"),
          "missions");
      assertEquals(count(src, "SELECT count(*) FROM contracts"), count(wh, "SELECT count(*) FROM fact_contract"),
          "contracts");
    }
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void theRecordedIdentityOfAPostgresSourceHoldsNoCredential() {
    for (String url : List.of("jdbc:postgresql://etl:pa/ss@db:5432/app?sslmode=require",
        "jdbc:postgresql://etl:p@ss?w#d@db:5432/app", "jdbc:postgresql://db:5432/app?user=etl&password=x")) {
      assertEquals("jdbc:postgresql://db:5432/app#users",
          com.nurselink.warehouse.pipeline.LakeSources.identity(
              new com.nurselink.warehouse.source.SourceTable("users", url, "users", Map.of())), url);
    }
  }

  @Test
  void aPasswordInTheSourceUrlIsNeverPrintedNorStored() throws Exception {
    String secret = "S3cretXYZ";
    List<String> urls = List.of(
        "jdbc:postgresql://postgres:" + secret + "@127.0.0.1:5499/ux",
        "jdbc:postgresql://127.0.0.1:5499/ux?user=postgres&password=" + secret,
        "jdbc:postgresql://127.0.0.1:5499/ux?password=" + secret + "&user=postgres");
    int i = 0;
    for (String url : urls) {
      Path run = dir.resolve("pw" + i++);
      Runs.Result r = Runs.inProcess(Runs.runArgs(run, url, DATE, "--jobs", "extract",
          "--conf", "extract.retries=0"));
      assertNotEquals(0, r.code(), r.all());
      assertTrue(r.err().contains("nurselink: error: "), r.all());
      assertFalse(r.all().contains(secret), url + " printed its password: " + r.all());
      assertTrue(Files.exists(run.resolve("wh.duckdb")), "no ledger for " + url);
      List<String> ledger = Runs.ledger(run.resolve("wh.duckdb"));
      assertEquals(1, ledger.size(), ledger.toString());
      assertTrue(ledger.get(0).contains("|extract|failed|"), ledger.toString());
      assertFalse(ledger.get(0).contains(secret), "the ledger stored the password: " + ledger);
    }
  }
}
