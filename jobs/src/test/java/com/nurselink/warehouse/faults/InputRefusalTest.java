package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration and command-line input that is wrong or hostile is refused with exit 2 and one
 * clear line, before any source is opened or anything is written: no snapshot, no lake, no
 * warehouse file. A prod run without the pseudonym key refuses to start.
 */
class InputRefusalTest {
  @TempDir Path dir;
  private Path source;

  @BeforeEach
  void source() throws Exception {
    Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    source = dir.resolve("src.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)");
    }
  }

  private Runs.Result run(String... extra) {
    List<String> args = Runs.runArgs(dir, null, List.of(extra).contains("--date") ? null : "2026-03-10");
    args.add("--conf");
    args.add("source.url=" + source);
    args.addAll(List.of(extra));
    return Runs.inProcess(args);
  }

  private static List<String> errorLines(Runs.Result r) {
    return r.err().lines().filter(l -> !l.isBlank() && !l.startsWith("(see:") && !l.startsWith("[")).toList();
  }

  private void assertRefused(Runs.Result r, String expected) throws Exception {
    assertEquals(Main.EXIT_USAGE, r.code(), r.all());
    List<String> lines = errorLines(r);
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith("nurselink: error: ") && lines.get(0).contains(expected), lines.get(0));
    assertFalse(Files.exists(dir.resolve("snaps")), "a snapshot was taken");
    assertFalse(Files.exists(dir.resolve("lake")), "the lake was written");
    assertFalse(Files.exists(dir.resolve("wh.duckdb")), "the warehouse was opened");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "unknown key               | --conf | extract.partitionz=4                     | --conf: unknown configuration key 'extract.partitionz'",
      "unknown table key         | --conf | source.payments.table=x                  | --conf: unknown configuration key 'source.payments.table'",
      "int expected              | --conf | extract.partitions=four                  | --conf: extract.partitions expects int, got 'four'",
      "double expected           | --conf | alerts.quarantine-rate=5%                | alerts.quarantine-rate expects double, got '5%'",
      "negative retries          | --conf | extract.retries=-1                       | extract.retries must be 0 or more",
      "bad policy                | --conf | extract.schema-drift=warn                | --conf: extract.schema-drift must be fail, ignore-new-columns or tolerate, got 'warn'",
      "bad warehouse type        | --conf | warehouse.type=mysql                     | --conf: warehouse.type must be duckdb or postgres, got 'mysql'",
      "bad zone                  | --conf | business.timezone=Mars/Olympus           | business.timezone 'Mars/Olympus' is not a time zone id",
      "table injection           | --conf | source.users.table=users; DROP TABLE users | source.users.table: 'users; DROP TABLE users' is not a plain identifier",
      "quoted table              | --conf | source.missions.table=\"missions\"--     | source.missions.table: '\"missions\"--' is not a plain identifier",
      "three-part table          | --conf | source.contracts.table=a.b.c             | source.contracts.table: 'a.b.c' is not a plain identifier",
      "column injection          | --conf | source.users.columns=email:mail) --      | source.users.columns: 'email:mail) --' is not a pair of plain identifiers",
      "column subquery           | --conf | source.users.columns=email:(SELECT 1)    | is not a pair of plain identifiers",
      "column pair               | --conf | source.users.columns=email               | source.users.columns: expected logical:physical pairs, got 'email'",
      "jobs injection            | --jobs | extract;rm -rf /                         | --jobs: unknown job 'extract;rm -rf /'",
      "unknown job               | --jobs | extract,publish                          | --jobs: unknown job 'publish'",
      "date injection            | --date | 2026-03-10' OR '1'='1                    | --date: '2026-03-10' OR '1'='1' is not a date YYYY-MM-DD",
      "impossible date           | --date | 2026-02-30                               | --date: '2026-02-30' is not a date YYYY-MM-DD",
      "env traversal             | --env  | ../../etc/passwd                         | --env: '../../etc/passwd' is not an environment name",
      "env injection             | --env  | dev;id                                   | --env: 'dev;id' is not an environment name",
      "unknown env               | --env  | qa                                       | no configuration file for environment 'qa'",
  })
  void refusedBeforeAnyQuery(String name, String option, String value, String expected) throws Exception {
    assertRefused(run(option, value), expected);
  }

  @Test
  void controlCharactersInValuesAreNotEchoedRaw() throws Exception {
    Runs.Result r = run("--date", "2026-03-10\nnurselink: error: forged line");
    assertRefused(r, "--date: '2026-03-10?nurselink: error: forged line' is not a date");
  }

  @Test
  void secretsMayNotBeWrittenInAConfFile() throws Exception {
    Path confDir = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(confDir.resolve("dev.conf"), "pseudonym.key = written-in-a-file\n");
    List<String> args = new ArrayList<>(List.of("run", "--conf-dir", confDir.toString(), "--date", "2026-03-10",
        "--conf", "lake.path=" + dir.resolve("lake"), "--conf", "warehouse.duckdb-path=" + dir.resolve("wh.duckdb"),
        "--conf", "source.snapshot-dir=" + dir.resolve("snaps"), "--source", source.toString()));
    Runs.Result r = Runs.inProcess(args);
    assertRefused(r, "pseudonym.key is a secret and may not be written in a conf file; set NURSELINK_PSEUDONYM_KEY");
    assertFalse(r.all().contains("written-in-a-file"), r.all());
  }

  /** conf/prod.conf as shipped, no NURSELINK_PSEUDONYM_KEY in the environment. */
  @Test
  void prodWithoutPseudonymKeyRefusesToStart() throws Exception {
    assertFalse(System.getenv().containsKey("NURSELINK_PSEUDONYM_KEY"), "the test needs an environment without it");
    Runs.Result r = run("--env", "prod");
    assertRefused(r, "pseudonym.key is not set: set NURSELINK_PSEUDONYM_KEY (required in prod)");
    Runs.Result s = run("--env", "staging", "--conf", "pseudonym.key=");
    assertRefused(s, "pseudonym.key is not set: set NURSELINK_PSEUDONYM_KEY (required in staging)");
  }
}
