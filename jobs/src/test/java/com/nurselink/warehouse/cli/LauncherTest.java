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
    return launch(cwd, java.util.Map.of(), args);
  }

  private static Result launch(Path cwd, java.util.Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(install.resolve("bin/nurselink").toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("NURSELINK_"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("NURSELINK_HEAP", "256m");
    pb.environment().putAll(env);
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

  /**
   * A stand-in JDK 17 ({@code JAVA_HOME/bin/java}, {@code lib/modules}, {@code release}): writes the
   * arguments of a command to {@code args.txt}, creates the archive a {@code -XX:ArchiveClassesAtExit=}
   * flag names (or the configuration a {@code -XX:AOTConfiguration=} flag names, as Java 25 does when it
   * records), and exits with {@code FAKE_STATUS}; the launcher's check of a recorded archive
   * ({@code -version}) writes its arguments to {@code validate-args.txt} and exits with
   * {@code FAKE_VALIDATE}; making an ahead-of-time cache
   * ({@code -XX:AOTMode=create}) writes its arguments to {@code create-args.txt}, creates the cache and
   * exits with {@code FAKE_CREATE}.
   */
  private static Path fakeJava() throws IOException {
    return fakeJava("fake-jdk", "17.0.15");
  }

  /** The same stand-in, as a JDK 25. */
  private static Path fakeJava25() throws IOException {
    return fakeJava("fake-jdk25", "25.0.3");
  }

  private static Path fakeJava(String name, String version) throws IOException {
    Path home = tmp.resolve(name);
    Path java = home.resolve("bin/java");
    if (!Files.exists(java)) {
      Files.createDirectories(java.getParent());
      Files.createDirectories(home.resolve("lib/server"));
      Files.writeString(home.resolve("lib/modules"), "modules");
      Files.writeString(home.resolve("lib/server/libjvm.so"), "libjvm");
      Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Stand-in\"\nJAVA_VERSION=\"" + version + "\"\n");
      Files.writeString(java, """
          #!/usr/bin/env bash
          create=""
          for a in "$@"; do
            if [[ "$a" == -version ]]; then
              printf '%s\\n' "$@" > "$(dirname "$0")/validate-args.txt"
              exit "${FAKE_VALIDATE:-0}"
            fi
            [[ "$a" == -XX:AOTMode=create ]] && create=1
          done
          if [[ -n "$create" ]]; then
            printf '%s\\n' "$@" > "$(dirname "$0")/create-args.txt"
            for a in "$@"; do
              case "$a" in -XX:AOTCache=*) echo cache > "${a#*=}" ;; esac
            done
            exit "${FAKE_CREATE:-0}"
          fi
          printf '%s\\n' "$@" > "$(dirname "$0")/args.txt"
          for a in "$@"; do
            case "$a" in
              -XX:ArchiveClassesAtExit=*) echo archive > "${a#*=}" ;;
              -XX:AOTConfiguration=*) echo configuration > "${a#*=}" ;;
            esac
          done
          exit "${FAKE_STATUS:-0}"
          """);
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return home;
  }

  private static List<String> cdsFlags(Path javaHome) throws IOException {
    return cdsFlags(Files.readAllLines(javaHome.resolve("bin/args.txt")));
  }

  private static List<String> cdsFlags(List<String> args) {
    return args.stream()
        .filter(a -> a.startsWith("-XX:SharedArchiveFile=") || a.startsWith("-XX:ArchiveClassesAtExit=")
            || a.startsWith("-XX:AOT") || a.startsWith("-XX:-AOT") || a.equals("-XX:+DisplayVMOutputToStderr")
            || a.equals("-XX:+UnlockDiagnosticVMOptions")).toList();
  }

  private static Path noArchive() throws IOException {
    noCache();
    Path archive = install.resolve("target/nurselink-classes.jsa");
    Files.deleteIfExists(archive);
    Files.deleteIfExists(install.resolve("target/nurselink-classes.jsa.key"));
    Files.deleteIfExists(install.resolve("target/nurselink-classes.jsa.log"));
    return archive;
  }

  /** Removes both Java 25 caches (of runs on C1 alone and of tiered runs); returns the latter's path. */
  private static Path noCache() throws IOException {
    for (String mode : List.of("quick", "full")) {
      Path cache = install.resolve("target/nurselink-classes-" + mode + ".aot");
      Files.deleteIfExists(cache);
      Files.deleteIfExists(install.resolve("target/nurselink-classes-" + mode + ".aot.key"));
      Files.deleteIfExists(install.resolve("target/nurselink-classes-" + mode + ".aot.log"));
    }
    return install.resolve("target/nurselink-classes-full.aot");
  }

  /** The JVM options of the last command, before the main class. */
  private static List<String> jvmOptions(Path javaHome, String file) throws IOException {
    List<String> args = Files.readAllLines(javaHome.resolve("bin").resolve(file));
    int main = args.indexOf(Main.class.getName());
    return main < 0 ? args : args.subList(0, main);
  }

  private static void later(Path file) throws IOException {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(
        Files.getLastModifiedTime(file).toMillis() + 5_000));
  }

  private static void assertRecords(List<String> flags) {
    assertEquals(1, flags.size(), flags.toString());
    assertTrue(flags.get(0).startsWith("-XX:ArchiveClassesAtExit="), flags.toString());
  }

  @Test
  void theClassDataArchiveIsRecordedByAWholeRunAndUsedUntilTheBuildOrTheJdkChanges() throws Exception {
    Path jdk = fakeJava();
    Path archive = noArchive();
    Path work = Files.createDirectories(tmp.resolve("work-cds"));
    var env = java.util.Map.of("JAVA_HOME", jdk.toString());
    var failing = java.util.Map.of("JAVA_HOME", jdk.toString(), "FAKE_STATUS", "3");
    var unusable = java.util.Map.of("JAVA_HOME", jdk.toString(), "FAKE_VALIDATE", "134");

    // no archive: neither a command that is not a whole run, nor a run of some jobs or its help, uses or records one
    for (String[] args : List.of(new String[] {"runs"}, new String[] {"run", "--jobs", "serve", "--date", "2026-06-30"},
        new String[] {"run", "--date", "2026-06-30", "--jobs=load,serve"}, new String[] {"run", "--help"},
        new String[] {"demo", "-h"})) {
      assertEquals(0, launch(work, env, args).code(), String.join(" ", args));
      assertEquals(List.of(), cdsFlags(jdk), String.join(" ", args));
    }
    assertFalse(Files.exists(archive));
    // a failed run records, but its archive is not kept; nor is one the JVM cannot map
    Result failed = launch(work, failing, "run", "--date", "2026-06-30");
    assertEquals(3, failed.code(), failed.err());
    assertRecords(cdsFlags(jdk));
    assertFalse(Files.exists(archive));
    try (Stream<Path> left = Files.list(install.resolve("target"))) {
      assertEquals(List.of(), left.filter(f -> !f.getFileName().toString().startsWith("nurselink-warehouse.jar")
          && !f.getFileName().toString().equals("classpath.txt")).toList(), "nothing left behind");
    }
    Result notKept = launch(work, unusable, "run", "--date", "2026-06-30");
    assertEquals(0, notKept.code());
    assertTrue(notKept.err().contains("could not be made or mapped, and is not kept"), notKept.err());
    assertRecords(cdsFlags(jdk));
    assertFalse(Files.exists(archive));
    try (Stream<Path> left = Files.list(install.resolve("target"))) {
      assertEquals(List.of(install.resolve("target/nurselink-classes.jsa.log")),
          left.filter(f -> !f.getFileName().toString().startsWith("nurselink-warehouse.jar")
          && !f.getFileName().toString().equals("classpath.txt")).toList(), "only the JVM's account of why");
    }
    // a successful run keeps it, and says so once
    Result recorded = launch(work, env, "run", "--date", "2026-06-30");
    assertEquals(0, recorded.code(), recorded.err());
    assertTrue(recorded.err().contains("records the class-data archive"), recorded.err());
    assertFalse(recorded.err().contains("is not kept"), recorded.err());
    assertTrue(Files.isRegularFile(archive));
    List<String> validate = Files.readAllLines(jdk.resolve("bin/validate-args.txt"));
    assertTrue(validate.contains("-Xshare:on"), validate.toString());
    assertTrue(validate.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=" + archive + ".")), validate.toString());
    // Java 17's flags: the packages Spark opens, none of Java 25's
    List<String> options = jvmOptions(jdk, "args.txt");
    assertTrue(options.contains("--add-opens=java.base/sun.security.action=ALL-UNNAMED"), options.toString());
    assertFalse(options.contains("--sun-misc-unsafe-memory-access=allow"), options.toString());
    // every later start maps it, quietly
    Result used = launch(work, env, "runs");
    assertEquals(new Result(0, "", ""), used);
    assertEquals(List.of("-XX:SharedArchiveFile=" + archive), cdsFlags(jdk));
    assertEquals(0, launch(work, env, "run", "--date", "2026-06-30").code());
    assertEquals(List.of("-XX:SharedArchiveFile=" + archive), cdsFlags(jdk));
    // NURSELINK_CDS=0: neither
    assertEquals(0, launch(work, java.util.Map.of("JAVA_HOME", jdk.toString(), "NURSELINK_CDS", "0"), "run").code());
    assertEquals(List.of(), cdsFlags(jdk));
    // the JDK updated in place (same java path, new modules), then a new build (the jar's time
    // changed): not used, recorded again by the next run, used after
    for (Path changed : List.of(jdk.resolve("lib/modules"), install.resolve("target/nurselink-warehouse.jar"))) {
      later(changed);
      assertEquals(0, launch(work, env, "runs").code());
      assertEquals(List.of(), cdsFlags(jdk), changed.toString());
      assertEquals(0, launch(work, env, "run", "--date", "2026-06-30").code());
      assertRecords(cdsFlags(jdk));
      assertEquals(0, launch(work, env, "runs").code());
      assertEquals(List.of("-XX:SharedArchiveFile=" + archive), cdsFlags(jdk), changed.toString());
    }
  }

  @Test
  void onJava25AnAheadOfTimeCacheIsRecordedByAWholeRunAndUsedUntilTheBuildOrTheJdkChanges() throws Exception {
    Path jdk = fakeJava25();
    noArchive();
    Path cache = noCache();
    Path work = Files.createDirectories(tmp.resolve("work-aot"));
    // the user's own JVM options reach the run, the making of the cache and its check alike
    var env = java.util.Map.of("JAVA_HOME", jdk.toString(), "NURSELINK_JAVA_OPTS", "-Dthe.users.option=1");
    String recordingFlag = "-XX:AOTConfiguration=" + cache + ".";

    // Java 25's own flags: Unsafe's memory access allowed, no package that is gone opened
    assertEquals(0, launch(work, env, "run", "--jobs", "serve").code());
    List<String> options = jvmOptions(jdk, "args.txt");
    assertTrue(options.contains("--sun-misc-unsafe-memory-access=allow"), options.toString());
    assertFalse(options.stream().anyMatch(o -> o.contains("sun.security.action")), options.toString());
    assertEquals(List.of(), cdsFlags(jdk));
    // a failed run records, a cache made from it would fail, one the JVM cannot map: none is kept,
    // nothing is left behind
    for (var failing : List.of(java.util.Map.of("FAKE_STATUS", "3"), java.util.Map.of("FAKE_CREATE", "1"),
        java.util.Map.of("FAKE_VALIDATE", "134"))) {
      var all = new java.util.HashMap<>(env);
      all.putAll(failing);
      Files.deleteIfExists(jdk.resolve("bin/create-args.txt"));
      Result r = launch(work, all, "run", "--date", "2026-06-30");
      assertEquals(failing.containsKey("FAKE_STATUS") ? 3 : 0, r.code(), failing + r.err());
      assertEquals(!failing.containsKey("FAKE_STATUS"), r.err().contains("could not be made or mapped, and is not kept"),
          failing + r.err());
      List<String> flags = cdsFlags(jdk);
      assertEquals(3, flags.size(), flags.toString());
      assertEquals("-XX:AOTMode=record", flags.get(0));
      assertTrue(flags.get(1).startsWith(recordingFlag), flags.toString());
      assertEquals("-XX:+DisplayVMOutputToStderr", flags.get(2));
      assertEquals(failing.containsKey("FAKE_STATUS"), !Files.exists(jdk.resolve("bin/create-args.txt")), failing.toString());
      assertFalse(Files.exists(cache), failing.toString());
      try (Stream<Path> left = Files.list(install.resolve("target"))) {
        // but the JVM's account of why no cache is kept
        assertEquals(failing.containsKey("FAKE_STATUS") ? List.of() : List.of(install.resolve("target/nurselink-classes-full.aot.log")),
            left.filter(f -> f.getFileName().toString().startsWith("nurselink-classes")).toList(), "left behind: " + failing);
      }
    }
    // a successful run: the cache made from its configuration with the run's own flags, kept, said once
    Result recorded = launch(work, env, "run", "--date", "2026-06-30");
    assertEquals(0, recorded.code(), recorded.err());
    assertTrue(recorded.err().contains("records the ahead-of-time cache of large runs"), recorded.err());
    assertTrue(Files.isRegularFile(cache));
    List<String> create = Files.readAllLines(jdk.resolve("bin/create-args.txt"));
    List<String> runFlags = jvmOptions(jdk, "args.txt").stream().filter(o -> !cdsFlags(List.of(o)).equals(List.of(o))
        && !o.startsWith("-Dnurselink.home=") && !o.startsWith("-Xlog:")).toList();
    assertEquals(runFlags, create.stream().filter(runFlags::contains).toList(), "the run's flags: " + create);
    assertTrue(create.contains("-XX:AOTMode=create"), create.toString());
    assertTrue(create.contains("-Dthe.users.option=1"), create.toString());
    assertTrue(create.stream().anyMatch(a -> a.startsWith(recordingFlag)), create.toString());
    // the cache checked before it is kept: -XX:AOTMode=on refuses to start on one it cannot map
    List<String> validate = Files.readAllLines(jdk.resolve("bin/validate-args.txt"));
    assertTrue(validate.contains("-XX:AOTMode=on"), validate.toString());
    assertTrue(validate.contains("-Dthe.users.option=1"), validate.toString());
    String made = create.stream().filter(a -> a.startsWith("-XX:AOTCache=")).findFirst().orElseThrow();
    assertTrue(validate.contains(made), "the cache just made is the one checked: " + validate);
    assertEquals(runFlags, validate.stream().filter(runFlags::contains).toList(), "the run's flags: " + validate);
    // every later start on C2 maps it and replays its profiles, quietly; the Java 17 archive is another file
    List<String> full = List.of("-XX:AOTCache=" + cache);
    assertEquals(new Result(0, "", ""), launch(work, env, "runs"));
    assertEquals(full, cdsFlags(jdk));
    assertFalse(Files.exists(install.resolve("target/nurselink-classes.jsa")));
    // a run on C1 alone (a small source) has no cache of its own yet: it maps the classes of the
    // other, without its profiles (recorded on C2); a whole one records its own, used after
    Path quickCache = install.resolve("target/nurselink-classes-quick.aot");
    Path small = sparse(work.resolve("site.db"), 1L << 20);
    assertEquals(new Result(0, "", ""), launch(work, env, "run", "--source", small.toString(), "--jobs", "extract"));
    assertEquals(List.of("-XX:AOTCache=" + cache, "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining"),
        cdsFlags(jdk));
    Result smallRecorded = launch(work, env, "run", "--source", small.toString());
    assertEquals(0, smallRecorded.code(), smallRecorded.err());
    assertTrue(smallRecorded.err().contains("records the ahead-of-time cache of small runs"), smallRecorded.err());
    assertTrue(Files.isRegularFile(quickCache));
    assertEquals(new Result(0, "", ""), launch(work, env, "run", "--source", small.toString(), "--jobs", "extract"));
    assertEquals(List.of("-XX:AOTCache=" + quickCache), cdsFlags(jdk));
    assertEquals(new Result(0, "", ""), launch(work, env, "runs"));
    assertEquals(full, cdsFlags(jdk));
    // and the other way: with the small runs' cache alone, a command on C2 maps its classes alone
    Files.move(cache, tmp.resolve("full.aot"));
    assertEquals(new Result(0, "", ""), launch(work, env, "runs"));
    assertEquals(List.of("-XX:AOTCache=" + quickCache, "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining"),
        cdsFlags(jdk));
    // a whole run with no room to record its own (under 1 GB free where target/ is): nothing recorded,
    // the other's classes mapped as by any other command
    Path fakeBin = Files.createDirectories(tmp.resolve("fake-df-bin"));
    Path df = Files.writeString(fakeBin.resolve("df"), "#!/bin/sh\n"
        + "echo 'Filesystem 1024-blocks Used Available Capacity Mounted on'\n"
        + "echo '/dev/full 2000000 1999000 1000 100% /'\n");
    df.toFile().setExecutable(true);
    var noRoom = new java.util.HashMap<>(env);
    noRoom.put("PATH", fakeBin + ":" + System.getenv("PATH"));
    Result cramped = launch(work, noRoom, "run", "--date", "2026-06-30");
    assertEquals(new Result(0, "", ""), cramped);
    assertEquals(List.of("-XX:AOTCache=" + quickCache, "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining"),
        cdsFlags(jdk));
    assertFalse(Files.exists(cache));
    // the other's cache of another build or JDK (its key stale) is not mapped either
    Path quickKey = install.resolve("target/nurselink-classes-quick.aot.key");
    String key = Files.readString(quickKey);
    Files.writeString(quickKey, "stale\n");
    assertEquals(new Result(0, "", ""), launch(work, env, "runs"));
    assertEquals(List.of(), cdsFlags(jdk));
    Files.writeString(quickKey, key);
    Files.move(tmp.resolve("full.aot"), cache);
    // the single cache of former builds is removed, never used
    Path former = Files.writeString(install.resolve("target/nurselink-classes.aot"), "former");
    Files.writeString(install.resolve("target/nurselink-classes.aot.key"), "former");
    assertEquals(new Result(0, "", ""), launch(work, env, "runs"));
    assertEquals(full, cdsFlags(jdk));
    assertFalse(Files.exists(former));
    assertFalse(Files.exists(install.resolve("target/nurselink-classes.aot.key")));
    // the JDK updated in place (a new libjvm), then a new build: not used, recorded again, used after
    for (Path changed : List.of(jdk.resolve("lib/server/libjvm.so"), install.resolve("target/nurselink-warehouse.jar"))) {
      later(changed);
      assertEquals(0, launch(work, env, "runs").code());
      assertEquals(List.of(), cdsFlags(jdk), changed.toString());
      assertEquals(0, launch(work, env, "run", "--date", "2026-06-30").code());
      assertEquals("-XX:AOTMode=record", cdsFlags(jdk).get(0), changed.toString());
      assertEquals(0, launch(work, env, "runs").code());
      assertEquals(full, cdsFlags(jdk), changed.toString());
    }
    noCache();
  }

  /** The JIT flags the launcher gave the JVM (before the main class: JVM options, not the command's). */
  private static List<String> jitFlags(Path javaHome) throws IOException {
    List<String> args = Files.readAllLines(javaHome.resolve("bin/args.txt"));
    int main = args.indexOf(Main.class.getName());
    assertTrue(main > 0, args.toString());
    return args.subList(0, main).stream()
        .filter(a -> a.startsWith("-XX:TieredStopAtLevel=") || a.startsWith("-XX:Tier4")
            || a.startsWith("-XX:ReservedCodeCacheSize=")).toList();
  }

  private static final List<String> QUICK = List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m");
  private static final List<String> FULL = List.of("-XX:Tier4InvocationThreshold=50000",
      "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000");

  private static Path sparse(Path file, long size) throws IOException {
    Files.createDirectories(file.getParent());
    try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size); // a sparse file: its size is what counts, not its content
    }
    return file;
  }

  @Test
  void theJitIsChosenByTheSizeOfTheSourceUnlessTold() throws Exception {
    Path jdk = fakeJava();
    Path work = Files.createDirectories(tmp.resolve("work-jit"));
    Path small = sparse(work.resolve("site.db"), (32L << 20) - 1);
    Path spaced = sparse(work.resolve("a site/with spaces.db"), 1L << 20);
    Path big = sparse(work.resolve("big.db"), 32L << 20);
    var env = java.util.Map.of("JAVA_HOME", jdk.toString(), "NURSELINK_CDS", "0");
    record Case(List<String> expected, java.util.Map<String, String> extra, String... args) {}
    List<Case> cases = List.of(
        // one byte under 32 MiB, and 32 MiB
        new Case(QUICK, java.util.Map.of(), "run", "--source", small.toString(), "--date", "2026-06-30"),
        new Case(FULL, java.util.Map.of(), "run", "--source", big.toString()),
        new Case(QUICK, java.util.Map.of(), "run", "--date", "2026-06-30", "--source=site.db"),
        new Case(QUICK, java.util.Map.of(), "run", "--source=" + spaced),
        new Case(QUICK, java.util.Map.of(), "run", "--source", "jdbc:sqlite:site.db"),
        new Case(FULL, java.util.Map.of(), "run", "--source", "jdbc:sqlite:big.db"),
        // not a local file, none given (the configuration decides), or no value: full
        new Case(FULL, java.util.Map.of(), "run", "--source", "jdbc:postgresql://127.0.0.1/app", "--date", "2026-06-30"),
        new Case(FULL, java.util.Map.of(), "run", "--source", "missing.db"),
        new Case(FULL, java.util.Map.of(), "run", "--date", "2026-06-30"),
        new Case(FULL, java.util.Map.of(), "run", "--date", "2026-06-30", "--source"),
        new Case(FULL, java.util.Map.of(), "run", "--source="),
        // the demo generates its data unless data/nurselink.db is there
        new Case(QUICK, java.util.Map.of(), "demo"),
        new Case(QUICK, java.util.Map.of(), "demo", "--missions", "50000"),
        new Case(QUICK, java.util.Map.of(), "demo", "--missions=50000"),
        new Case(FULL, java.util.Map.of(), "demo", "--missions=50001"),
        new Case(FULL, java.util.Map.of(), "demo", "--missions", "060000"),
        new Case(FULL, java.util.Map.of(), "runs"),
        // told
        new Case(FULL, java.util.Map.of("NURSELINK_JIT", "full"), "run", "--source", small.toString()),
        new Case(QUICK, java.util.Map.of("NURSELINK_JIT", "quick"), "run", "--date", "2026-06-30"));
    for (Case c : cases) {
      var all = new java.util.HashMap<>(env);
      all.putAll(c.extra());
      Result r = launch(work, all, c.args());
      assertEquals(0, r.code(), r.err());
      assertEquals("", r.err(), String.join(" ", c.args()));
      assertEquals(c.expected(), jitFlags(jdk), c.extra() + " " + String.join(" ", c.args()));
    }
    // a demo over the data it generated before is judged by that file
    sparse(work.resolve("data/nurselink.db"), 32L << 20);
    assertEquals(0, launch(work, env, "demo", "--missions", "1000").code());
    assertEquals(FULL, jitFlags(jdk));
    sparse(work.resolve("data/nurselink.db"), 1L << 20);
    assertEquals(0, launch(work, env, "demo", "--missions", "1000000").code());
    assertEquals(QUICK, jitFlags(jdk));
    // the run that records the class-data archive gets the same flags
    noArchive();
    Result recording = launch(work, java.util.Map.of("JAVA_HOME", jdk.toString()), "run", "--source", "site.db");
    assertEquals(0, recording.code(), recording.err());
    assertRecords(cdsFlags(jdk));
    assertEquals(QUICK, jitFlags(jdk));
    noArchive();
    // a wrong value is refused before anything is built or started
    Files.delete(jdk.resolve("bin/args.txt"));
    Result refused = launch(work, java.util.Map.of("JAVA_HOME", jdk.toString(), "NURSELINK_JIT", "fast"), "runs");
    assertEquals(new Result(2, "", "nurselink: error: NURSELINK_JIT must be auto, quick or full, not 'fast'\n"), refused);
    assertFalse(Files.exists(jdk.resolve("bin/args.txt")));
  }

  @Test
  void aClassPathEntryThatCannotBeReadLeavesTheCommandWithoutAnArchiveNotFailing() throws Exception {
    Path jdk = fakeJava();
    noArchive();
    Path cp = install.resolve("target/classpath.txt");
    String original = Files.readString(cp);
    Path spaced = Files.createDirectories(tmp.resolve("a dir with spaces")).resolve("x.jar");
    Files.writeString(spaced, "not a jar");
    Path work = Files.createDirectories(tmp.resolve("work-cds-cp"));
    var env = java.util.Map.of("JAVA_HOME", jdk.toString());
    try {
      // an entry with spaces is an entry like any other
      Files.writeString(cp, original.strip() + ":" + spaced + "\n");
      assertEquals(0, launch(work, env, "run", "--date", "2026-06-30").code());
      assertRecords(cdsFlags(jdk));
      assertEquals(0, launch(work, env, "runs").code());
      assertEquals(1, cdsFlags(jdk).size());
      // a missing entry: the command runs as it would without an archive
      Files.writeString(cp, original.strip() + ":" + tmp.resolve("missing.jar") + "\n");
      Result r = launch(work, env, "run", "--date", "2026-06-30");
      assertEquals(new Result(0, "", ""), r);
      assertEquals(List.of(), cdsFlags(jdk));
    } finally {
      Files.writeString(cp, original);
      noArchive();
    }
  }

  @Test
  void theRecordedArchiveIsOneThisJvmMaps() throws Exception {
    Path archive = noArchive();
    Path work = Files.createDirectories(tmp.resolve("work-cds-real"));
    // NURSELINK_CDS=record records at the end of any command (here the classes of the CLI's help)
    Result recorded = launch(work, java.util.Map.of("NURSELINK_CDS", "record"), "--help");
    assertEquals(0, recorded.code(), recorded.err());
    assertTrue(Files.size(archive) > 0);
    // the next start loads the CLI's classes from it (-Xshare:on: the JVM refuses to start without it)
    Path log = tmp.resolve("class-load.log");
    Result used = launch(work, java.util.Map.of("NURSELINK_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + log),
        "--help");
    assertEquals(0, used.code(), used.err());
    assertTrue(used.out().startsWith("Usage: nurselink "), used.out());
    assertEquals("", used.err());
    assertTrue(Files.readAllLines(log).stream().anyMatch(l -> l.contains("com.nurselink.warehouse.cli.Main ")
        && l.contains("source: shared objects file (top)")), "the CLI's classes come from the archive");
    noArchive();
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
