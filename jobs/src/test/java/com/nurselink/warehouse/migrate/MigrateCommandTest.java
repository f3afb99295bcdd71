package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.cli.Main;
import com.nurselink.warehouse.migrate.MigrationTestSupport.PgDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nurselink migrate} on the command line: output, exit codes, one-line errors, masked passwords. */
class MigrateCommandTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void migratesVerifiesAndNeverPrintsThePassword() throws Exception {
    Path db = MigrationTestSupport.reference("chinook.sqlite", dir);
    try (PgDatabase pg = new PgDatabase()) {
      String url = pg.url + "&password=s3cr3t-pw";
      Run r = run("migrate", "--from", db.toString(), "--to", url, "--schema", "media", "--jobs", "3");
      assertEquals(0, r.code(), r.err() + r.out());
      assertTrue(r.out().contains("OK: 11 tables"), r.out());
      assertTrue(r.out().matches("(?s).*InvoiceLine\\s+2240\\s+2240\\s+5\\s+0\\s+OK.*"), r.out());
      assertTrue(r.err().contains("migrate: loaded Track: 3503 rows"), r.err());
      assertFalse((r.out() + r.err()).contains("s3cr3t-pw"));
      assertTrue(r.out().contains("password=***"), r.out());
      // a second run without --replace: one line on stderr, exit 1, nothing touched
      Run again = run("migrate", "--from", db.toString(), "--to", url, "--schema", "media");
      assertEquals(Main.EXIT_FAILED, again.code());
      assertEquals(1, again.err().lines().filter(l -> l.startsWith("nurselink: error:")).count(), again.err());
      assertTrue(again.err().contains("already holds rows; re-run with --replace"), again.err());
      assertFalse(again.err().contains("s3cr3t-pw"));
      assertEquals("3503", pg.one("SELECT count(*) FROM media.\"Track\""));
      Run replaced = run("migrate", "--from", db.toString(), "--to", url, "--schema", "media", "--replace");
      assertEquals(0, replaced.code(), replaced.err());
      assertEquals("3503", pg.one("SELECT count(*) FROM media.\"Track\""));
    }
  }

  @Test
  void dryRunPrintsThePlanWithoutATarget() throws Exception {
    Path db = MigrationTestSupport.reference("northwind.sqlite", dir);
    Run r = run("migrate", "--from", db.toString(), "--dry-run");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("CREATE TABLE \"public\".\"Order Details\""), r.out());
    assertTrue(r.out().contains("\"Discontinued\" boolean NOT NULL DEFAULT false"), r.out());
    assertTrue(r.out().contains("view ProductDetails_V (SQLite SQL, not migrated)"), r.out());
  }

  @Test
  void usageErrorsAreOneLine() {
    Run noTarget = run("migrate", "--from", "x.db");
    assertEquals(Main.EXIT_USAGE, noTarget.code());
    assertTrue(noTarget.err().contains("--to is required"), noTarget.err());
    Run missing = run("migrate", "--from", dir.resolve("absent.db").toString(), "--to", "jdbc:postgresql://127.0.0.1/x");
    assertEquals(Main.EXIT_FAILED, missing.code());
    assertTrue(missing.err().startsWith("nurselink: error: no SQLite file at"), missing.err());
  }

  @Test
  void aFailedVerificationIsDataLoss() {
    Report failed = new Report("a.db", "jdbc:postgresql://h/db?password=x", new MigrationPlan("public", false,
        java.util.List.of(), java.util.List.of()), "", false, java.util.List.of(new Verifier.TableCheck("t", 3, 2, 1, 0,
        java.util.List.of("rows: 3 in SQLite, 2 in PostgreSQL"))), java.util.List.of(), java.time.Duration.ZERO);
    assertFalse(failed.ok());
    assertTrue(failed.render().contains("FAILED: rows: 3 in SQLite, 2 in PostgreSQL"), failed.render());
    assertFalse(failed.render().contains("password=x"), failed.render());
  }
}
