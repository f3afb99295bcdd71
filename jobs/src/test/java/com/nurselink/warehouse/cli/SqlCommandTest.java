package com.nurselink.warehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.sink.DuckDbWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nurselink sql} against a real DuckDB warehouse file and a lake of Parquet files: queries work,
 * anything else (writing a file, reading one outside the lake, attaching, installing) is refused, and
 * DuckDB's errors are shown as DuckDB writes them.
 */
class SqlCommandTest {
  @TempDir static Path dir;
  static Path lake;
  static Path warehouse;
  static Path confDir;


  @BeforeAll
  static void warehouseAndLake() throws Exception {
    lake = dir.resolve("lake");
    warehouse = dir.resolve("warehouse/nurselink.duckdb");
    confDir = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(confDir.resolve("dev.conf"), "# test\n");
    // a data file where the lake's Iceberg tables keep them
    Path version = Files.createDirectories(lake.resolve("clean/users/data"));
    try (Connection c = new DuckDbWarehouse(warehouse).open(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE dim_mission AS SELECT range AS mission_id, 'city ' || range AS city FROM range(250)");
      st.execute("COPY (SELECT 7 AS user_id, 'Lyon' AS city) TO '" + version.resolve("part-0.parquet") + "' (FORMAT parquet)");
      st.execute("CREATE VIEW clean_users AS SELECT * FROM read_parquet(['" + version.resolve("part-0.parquet") + "'])");
    }
  }

  static CliResult sql(String... args) {
    List<String> all = new ArrayList<>(List.of("sql", "--conf-dir", confDir.toString(),
        "--conf", "warehouse.duckdb-path=" + warehouse, "--conf", "lake.path=" + lake));
    all.addAll(List.of(args));
    return CliResult.of(all);
  }

  static void refused(String query, String message) {
    CliResult r = sql(query);
    assertEquals(new CliResult(2, "", "nurselink: error: " + message + "\n"), r, query);
  }

  @Test
  void queriesTheTablesTheLakeViewsAndTheLakeFiles() {
    assertEquals(new CliResult(0, """
        mission_id | city \s
        -----------+-------
        3          | city 3
        (1 row)
        """, ""), sql("SELECT * FROM dim_mission WHERE mission_id = 3"));
    assertEquals(new CliResult(0, "user_id,city\n7,Lyon\n", ""), sql("--csv", "SELECT * FROM clean_users"));
    assertEquals(new CliResult(0, "user_id,city\n7,Lyon\n", ""),
        sql("--csv", "SELECT * FROM read_parquet('" + lake.resolve("clean/users/data/*.parquet") + "')"));
    assertEquals(new CliResult(0, "n\n1\n", ""),
        sql("--csv", "SELECT count(*) AS n FROM read_parquet('" + lake.resolve("*/*/*/*.parquet") + "')"));
    assertEquals(0, sql("DESCRIBE dim_mission").code());
    assertEquals(0, sql("EXPLAIN SELECT count(*) FROM dim_mission").code());
    assertEquals(new CliResult(0, "n\n250\n", ""),
        sql("--csv", "WITH m AS (FROM dim_mission) SELECT count(*) AS n FROM m"));
  }

  @Test
  void copyToAFileIsRefusedAndWritesNothing() {
    Path leak = dir.resolve("leak.csv");
    refused("COPY (SELECT * FROM dim_mission) TO '" + leak + "'", SqlCommand.QUERIES_ONLY);
    Path inLake = lake.resolve("leak.csv");
    refused("COPY (SELECT * FROM dim_mission) TO '" + inLake + "'", SqlCommand.QUERIES_ONLY);
    refused("SELECT 1; COPY (SELECT 1) TO '" + inLake + "'", SqlCommand.QUERIES_ONLY);
    refused("EXPORT DATABASE '" + lake.resolve("export") + "'", SqlCommand.QUERIES_ONLY);
    refused("EXPLAIN ANALYZE COPY (SELECT 1) TO '" + inLake + "'", SqlCommand.QUERIES_ONLY);
    CliResult viaQuery = sql("SELECT * FROM query('COPY (SELECT 1) TO ''" + inLake + "''')");
    assertEquals(1, viaQuery.code());
    assertTrue(viaQuery.err().startsWith(
        "nurselink: error: Parser Error: Expected a single SELECT statement\n\nLINE 1: "), viaQuery.err());
    assertFalse(Files.exists(leak));
    assertFalse(Files.exists(inLake));
    assertFalse(Files.exists(lake.resolve("export")));
  }

  @Test
  void filesOutsideTheLakeAreNotReadable() throws Exception {
    String onlyLake = "nurselink sql reads files of the lake only (" + lake + "): ";
    refused("SELECT * FROM read_csv('/etc/passwd')", onlyLake + "cannot read \"/etc/passwd\"");
    // a file name as a table: with external access off DuckDB does not look for a file at all
    assertEquals(new CliResult(1, "", """
        nurselink: error: Catalog Error: Table with name /etc/passwd does not exist!
        Did you mean "pg_class"?

        LINE 1: SELECT * FROM '/etc/passwd'
                              ^
        """), sql("SELECT * FROM '/etc/passwd'"));
    refused("SELECT * FROM read_text('" + lake + "/../../../../etc/passwd')",
        onlyLake + "cannot read \"" + lake + "/../../../../etc/passwd\"");
    refused("SELECT * FROM glob('/etc/*')", onlyLake + "cannot read \"/etc/*\"");
    Path beside = dir.resolve("lake-notes/users.csv");
    Files.createDirectories(beside.getParent());
    Files.writeString(beside, "id\n1\n");
    refused("SELECT * FROM read_csv('" + beside + "')", onlyLake + "cannot read \"" + beside + "\"");
  }

  @Test
  void attachInstallLoadAndSettingsAreRefused() throws Exception {
    Path other = dir.resolve("other.duckdb");
    try (Connection c = new DuckDbWarehouse(other).open(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE secret_table AS SELECT 1 AS x");
    }
    refused("ATTACH '" + other + "' AS other", SqlCommand.QUERIES_ONLY);
    refused("INSTALL httpfs", SqlCommand.QUERIES_ONLY);
    refused("LOAD httpfs", SqlCommand.QUERIES_ONLY);
    refused("SET enable_external_access = true", SqlCommand.QUERIES_ONLY);
    refused("PRAGMA enable_profiling", SqlCommand.QUERIES_ONLY);
    refused("CREATE TABLE t AS SELECT 1", SqlCommand.QUERIES_ONLY);
  }

  @Test
  void aMisspelledTableShowsDuckDbsMessageWithItsCaret() {
    assertEquals(new CliResult(1, "", """
        nurselink: error: Catalog Error: Table with name dim_missio does not exist!
        Did you mean "dim_mission"?

        LINE 1: SELECT city FROM dim_missio WHERE mission_id = 1
                                 ^
        """), sql("SELECT city FROM dim_missio WHERE mission_id = 1"));
  }

  @Test
  void aSyntaxErrorShowsDuckDbsMessageWithItsCaret() {
    assertEquals(new CliResult(1, "", """
        nurselink: error: Parser Error: syntax error at or near "dim_mission"

        LINE 1: SELECT * FORM dim_mission
                              ^
        """), sql("SELECT * FORM dim_mission"));
  }

  @Test
  void csvPrintsEveryRowUnlessALimitIsGivenAndSaysWhenOneCutIt() {
    CliResult all = sql("--csv", "SELECT mission_id FROM dim_mission ORDER BY 1");
    assertEquals(0, all.code());
    assertEquals(251, all.out().lines().count());
    assertTrue(all.out().endsWith("\n248\n249\n"), all.out());
    assertEquals("", all.err());

    CliResult cut = sql("--csv", "--max-rows", "3", "SELECT mission_id FROM dim_mission ORDER BY 1");
    assertEquals(new CliResult(0, "mission_id\n0\n1\n2\n",
        "nurselink: 3 of 250 rows printed (--max-rows 3; --max-rows 0 prints all)\n"), cut);

    CliResult exact = sql("--csv", "--max-rows", "250", "SELECT mission_id FROM dim_mission");
    assertEquals("", exact.err());
    assertEquals(251, exact.out().lines().count());
  }

  @Test
  void aTableShowsAHundredRowsByDefaultAndSaysSo() {
    CliResult r = sql("SELECT mission_id FROM dim_mission ORDER BY 1");
    assertEquals(0, r.code());
    List<String> lines = r.out().lines().toList();
    assertEquals(2 + 100 + 1, lines.size());
    assertEquals("99        ", lines.get(101));
    assertEquals("(250 rows, 100 shown)", lines.get(102));
    assertEquals("nurselink: 100 of 250 rows printed (--max-rows 100; --max-rows 0 prints all)\n", r.err());
    CliResult all = sql("--max-rows", "0", "SELECT mission_id FROM dim_mission ORDER BY 1");
    assertEquals(2 + 250 + 1, all.out().lines().count());
    assertEquals("", all.err());
  }

  @Test
  void aNegativeLimitIsAUsageError() {
    assertEquals(new CliResult(2, "", "nurselink: error: --max-rows must be 0 or more, got -1\n"),
        sql("--max-rows", "-1", "SELECT 1"));
  }

  @Test
  void csvQuotesQuotesCommasAndLineBreaks() {
    assertEquals("plain,\"a,b\",\"say \"\"hi\"\"\",\"cr\rhere\",\"lf\nhere\",\"crlf\r\n\",", SqlCommand.csvLine(
        new String[] {"plain", "a,b", "say \"hi\"", "cr\rhere", "lf\nhere", "crlf\r\n", ""}));
    assertEquals(new CliResult(0, "a,b\n\"x\ry\",\n", ""), sql("--csv", "SELECT 'x' || chr(13) || 'y' AS a, NULL AS b"));
  }
}
