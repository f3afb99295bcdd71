package com.nurselink.warehouse.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void tmp() throws Exception {
    SqliteFixture.ensureTmpDir();
  }

  /** Runs the CLI in-process; err holds what went to stderr (error line and progress). */
  static Result run(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = Main.commandLine();
      StringWriter out = new StringWriter();
      cl.setOut(new PrintWriter(out));
      int code = cl.execute(args);
      return new Result(code, out.toString(), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }

  @Test
  void writesAFileAndPrintsASummary() throws Exception {
    Path out = dir.resolve("n.db");
    Result r = run("generate", "--out", out.toString(), "--missions", "500", "--seed", "3", "--dirty");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("missions") && r.out().contains("contracts"), r.out());
    assertTrue(r.err().contains("generate: 500/500 missions"), r.err());
    try (SqliteFixture f = new SqliteFixture(out)) {
      assertTrue(f.count("SELECT count(*) FROM missions") > 500);
    }
  }

  @Test
  void refusesToOverwriteWithOneLineAndExit2() throws Exception {
    Path out = dir.resolve("n.db");
    Files.writeString(out, "x");
    Result r = run("generate", "--out", out.toString(), "--missions", "10");
    assertEquals(Main.EXIT_USAGE, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.toString());
    assertTrue(r.err().startsWith("nurselink: error: ") && r.err().contains("--force"), r.err());
    assertEquals(0, run("generate", "--out", out.toString(), "--missions", "10", "--force", "-q").code());
  }

  @Test
  void needsAnOutputAndAPositiveCount() {
    assertEquals(Main.EXIT_USAGE, run("generate", "--missions", "10").code());
    assertEquals(Main.EXIT_USAGE, run("generate", "--out", dir.resolve("a.db").toString(), "--missions", "0").code());
    assertFalse(Files.exists(dir.resolve("a.db")));
  }

  @Test
  void neverPrintsThePasswordOfTheTarget() {
    Result r = run("generate", "--target", "jdbc:postgresql://127.0.0.1:1/nodb?user=u&password=s3cr3t",
        "--missions", "10", "-q");
    assertEquals(Main.EXIT_FAILED, r.code());
    assertFalse(r.err().contains("s3cr3t"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.toString());
  }
}
