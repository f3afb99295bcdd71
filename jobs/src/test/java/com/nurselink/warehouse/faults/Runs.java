package com.nurselink.warehouse.faults;

import com.nurselink.warehouse.cli.CliResult;
import com.nurselink.warehouse.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Helpers of the fault tests and of the alert tests: runs of the CLI in this JVM (sharing the test
 * Spark session) or in a child JVM (to be killed or halted), and fingerprints of what a run leaves
 * behind (lake tree, DuckDB content, ledger rows).
 */
public final class Runs {
  private Runs() {}

  /** Exit code, stdout and stderr of one invocation. */
  public record Result(int code, String out, String err) {
    public String all() {
      return out + "\n" + err;
    }
  }

  public static Path repo() {
    return Path.of(System.getProperty("nurselink.repo", ".")).toAbsolutePath();
  }

  /** The usual arguments of a run into {@code dir}: lake, DuckDB file and snapshots under it. */
  public static List<String> runArgs(Path dir, String source, String date, String... extra) {
    List<String> a = new ArrayList<>(List.of("run", "--conf-dir", repo().resolve("conf").toString(),
        "--conf", "lake.path=" + dir.resolve("lake"),
        "--conf", "warehouse.duckdb-path=" + dir.resolve("wh.duckdb"),
        "--conf", "source.snapshot-dir=" + dir.resolve("snaps"),
        "--conf", "spark.shuffle-partitions=2",
        "--conf", "extract.partitions=2"));
    if (date != null) {
      a.add("--date");
      a.add(date);
    }
    if (source != null) {
      a.add("--source");
      a.add(source);
    }
    a.addAll(List.of(extra));
    return a;
  }

  /** Runs the CLI in this JVM, capturing System.out and System.err (the run command prints there). */
  public static synchronized Result inProcess(List<String> args) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CliResult r = CliResult.of(args);
      return new Result(r.code(), out.toString(StandardCharsets.UTF_8) + r.out(),
          err.toString(StandardCharsets.UTF_8) + r.err());
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  /**
   * A child JVM running the CLI as {@code bin/nurselink} does: this JVM's class path and Spark
   * module flags (surefire's argLine, the same list as the launcher's), the driver on loopback,
   * the launcher's log configuration; C1 only, which halves the CPU a short-lived JVM spends compiling.
   */
  public static ProcessBuilder child(List<String> args, Map<String, String> env) {
    return child(List.of(), args, env);
  }

  /** As {@link #child(List, Map)}, with more JVM options (system properties) for the child. */
  public static ProcessBuilder child(List<String> jvmOptions, List<String> args, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("--enable-native")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:ReservedCodeCacheSize=240m",
        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
        "-Dlog4j2.configurationFile=log4j2.properties", "-Dnurselink.home=" + repo(),
        "-cp", System.getProperty("java.class.path")));
    cmd.addAll(jvmOptions);
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("NURSELINK_"));
    pb.environment().putAll(env);
    return pb;
  }

  // ---- what a run leaves behind ----------------------------------------------------------------

  /**
   * The published state of a lake: every path under it (the staging area excepted) with its link
   * target or its size. Published versions are immutable, so equal maps mean an unchanged lake.
   */
  public static Map<String, String> lakeTree(Path lake) throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(lake)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(lake)) {
      for (Path p : s.toList()) {
        String rel = lake.relativize(p).toString();
        m.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : Files.size(p) + " bytes");
      }
    }
    return m;
  }

  /**
   * Every table and view of a DuckDB file but the ledger ({@code etl_runs}, {@code etl_alerts}, {@code etl_snapshots}: run
   * ids and times) and empty bookkeeping tables, as sorted rows.
   */
  public static Map<String, List<String>> duckContent(Path file) throws Exception {
    Map<String, List<String>> m = new TreeMap<>();
    if (!Files.exists(file)) {
      return m;
    }
    try (Connection c = duck(file); Statement st = c.createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
          + "WHERE table_schema = 'main' AND table_name NOT IN ('etl_runs', 'etl_alerts', 'etl_snapshots') ORDER BY 1")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (String n : names) {
        List<String> rows = rows(c, "SELECT * FROM " + n);
        if (!(n.startsWith("etl_") && rows.isEmpty())) { // bookkeeping created empty on first use
          m.put(n, rows);
        }
      }
    }
    return m;
  }

  /** Asserts two maps equal, naming only the keys that differ (the values can be large). */
  public static <V> void assertSameContent(Map<String, V> expected, Map<String, V> actual, String what) {
    List<String> diff = new ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String k : keys) {
      if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
        String e = String.valueOf(expected.get(k));
        String a = String.valueOf(actual.get(k));
        diff.add(k + ": expected " + (e.length() > 300 ? e.substring(0, 300) + "..." : e) + " but was "
            + (a.length() > 300 ? a.substring(0, 300) + "..." : a));
      }
    }
    if (!diff.isEmpty()) {
      throw new AssertionError(what + " changed: " + String.join("; ", diff));
    }
  }

  public static Connection duck(Path file) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("duckdb.read_only", "true");
    Connection c = DriverManager.getConnection("jdbc:duckdb:" + file, p);
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  /** Rows of a query as sorted strings (values joined by '|'). */
  public static List<String> rows(Connection c, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          sb.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.add(sb.toString());
      }
    }
    Collections.sort(out);
    return out;
  }

  /** Ledger rows (run_id|job|status|error), oldest first. */
  public static List<String> ledger(Path file) throws Exception {
    try (Connection c = duck(file); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT run_id, job, status, error FROM etl_runs ORDER BY started_at, run_id")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
      }
      return out;
    }
  }

  /**
   * Copies a directory tree, file times kept. An Iceberg lake in the copy is only readable at the
   * path it was copied from (its metadata holds absolute paths): restore a copy there.
   */
  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Deletes a directory tree; no-op when absent. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
