package com.nurselink.warehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bin/nurselink} run from another directory, as a user runs it: the launcher of this checkout,
 * copied into an installation whose jar is built from the compiled classes (so the launcher finds it
 * up to date and does not build), started from a directory without conf/.
 */
class LauncherTest {
  /** Only a guard against a hang; nothing waits for time to pass. */
  private static final long GUARD_SECONDS = 180;
  @TempDir static Path tmp;
  static Path install;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void installation() throws IOException {
    Path repo = Path.of(System.getProperty("nurselink.repo", ".")).toAbsolutePath();
    install = tmp.resolve("install");
    Files.createDirectories(install.resolve("bin"));
    Files.createDirectories(install.resolve("target"));
    Path launcher = Files.copy(repo.resolve("bin/nurselink"), install.resolve("bin/nurselink"));
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.copy(repo.resolve("target/classpath.txt"), install.resolve("target/classpath.txt"));
    jar(repo.resolve("target/classes"), install.resolve("target/nurselink-warehouse.jar"));
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, j);
        j.closeEntry();
      }
    }
  }

  private static Path installedConf() throws IOException {
    Path conf = Files.createDirectories(install.resolve("conf"));
    Files.writeString(conf.resolve("dev.conf"), "warehouse.duckdb-path = wh/installed.duckdb\n");
    return conf;
  }

  private static Result launch(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(install.resolve("bin/nurselink").toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("NURSELINK_"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("NURSELINK_HEAP", "256m");
    Process p = pb.start();
    if (!p.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/nurselink " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void fromAnotherDirectoryTheInstallationsConfIsRead() throws Exception {
    installedConf();
    Path work = Files.createDirectories(tmp.resolve("work-installed"));
    Result r = launch(work, "runs", "--last", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("run_id "), r.out());
    assertEquals("", r.err(), "nothing on stderr (no incubator-module warning)");
    // paths in the conf file stay relative to the working directory
    assertTrue(Files.isRegularFile(work.resolve("wh/installed.duckdb")));
  }

  @Test
  void aConfInTheWorkingDirectoryIsReadFirst() throws Exception {
    installedConf();
    Path work = Files.createDirectories(tmp.resolve("work-local"));
    Files.createDirectories(work.resolve("conf"));
    Files.writeString(work.resolve("conf/dev.conf"), "warehouse.duckdb-path = wh/local.duckdb\n");
    Result r = launch(work, "runs");
    assertEquals(new Result(0, r.out(), ""), r);
    assertTrue(Files.isRegularFile(work.resolve("wh/local.duckdb")));
    assertFalse(Files.exists(work.resolve("wh/installed.duckdb")));
  }

  @Test
  void withoutAnyConfTheErrorSaysWhereItLooked() throws Exception {
    Path conf = install.resolve("conf");
    if (Files.exists(conf)) {
      try (Stream<Path> s = Files.list(conf)) {
        for (Path f : s.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(conf);
    }
    Path work = Files.createDirectories(tmp.resolve("work-none"));
    Result r = launch(work, "runs");
    assertEquals(new Result(2, "", "nurselink: error: no configuration file for environment 'dev': neither "
        + "conf/dev.conf (in " + work.toRealPath() + ") nor " + install.resolve("conf/dev.conf")
        + " exists (--conf-dir DIR reads DIR/dev.conf)\n"), r);
  }

  @Test
  void helpWorksFromAnywhereWithoutWarnings() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work-help"));
    Result r = launch(work, "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("Usage: nurselink "), r.out());
    assertEquals("", r.err());
  }

  @Test
  void withoutConfDirTheOptionIsNotGiven() {
    RunsCommand runs = new RunsCommand();
    new CommandLine(runs).parseArgs();
    assertEquals(com.nurselink.warehouse.config.Settings.defaultConfDir(), runs.common.confDir);
    RunsCommand given = new RunsCommand();
    new CommandLine(given).parseArgs("--conf-dir", "/elsewhere");
    assertEquals(Path.of("/elsewhere"), given.common.confDir);
  }
}
