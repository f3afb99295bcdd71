package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.ops.JobGraph;
import com.nurselink.warehouse.util.FaultPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes at the steps of each commit, chosen by name ({@link FaultPoints}) instead of kills timed
 * by the machine's speed; and a write failing mid-partition.
 *
 * <p>One uninterrupted run for date D over the outputs of a run for D-1, the source changed in
 * between (a few missions updated, one month's missions deleted: partitions rewritten, left alone
 * and removed), is observed in this JVM. At every fault point it reaches, the current snapshot of
 * every lake table is noted: each must be the table's snapshot before the run or the one the run
 * commits, nothing in between. At chosen points the run's directory (lake, DuckDB warehouse with
 * the ledger, snapshots) is copied: no Spark task runs while a point is reached, so the copy holds
 * exactly what a halt there leaves on disk. Each copy is restored at the run's own path (an Iceberg
 * table's metadata holds absolute paths), the crashed job and those after it run again (what
 * Airflow's retry of the task does) and the outputs must equal the uninterrupted run's. One child
 * JVM really halts ({@code Runtime.halt}) in the middle of a KPI commit, and the next run repairs it.
 */
class CrashSafetyTest extends SparkTestBase {
  private static final String YESTERDAY = "2026-03-30";
  private static final String DATE = "2026-03-31";

  /**
   * Where crash images are taken and the run repeated from: (job, kind of point, n-th point of that
   * kind in the job). The picks cover every job and the kinds of point where a crash leaves something
   * to repair (a branch staged, a commit cut short, a table committed and the next not, the warehouse
   * loaded and the watermarks not). A crash in extract, stage or model is followed by a rerun of that job only, compared
   * with the clean run on the tables the job writes (every later job is a function of the lake, and
   * runs from it in the later picks); a crash in kpis, features or load by a rerun of the job and
   * those after it, compared on the whole warehouse.
   */
  private static final List<Pick> PICKS = List.of(
      new Pick("extract", "before-stage", 3),        // two raw partitions staged on branches, the third being staged
      new Pick("stage", "after-commit", 3),          // clean/missions committed, its quarantine not yet
      new Pick("model", "before-commit", 6),         // dims committed, a fact staged on its branch, its commit cut short
      new Pick("kpis", "before-commit", 2),          // a KPI table staged on its branch, its commit cut short
      new Pick("features", "after-commit", 1),       // one feature set committed, its manifest not written
      new Pick("load", "before-ledger-start", 1),    // everything committed in the lake, the warehouse not loaded
      new Pick("load", "before-commit", 1));         // warehouse committed, watermarks not
  /** Image only: the state after the model, where the child JVM of the real halt starts. */
  private static final Pick CHILD_START = new Pick("kpis", "before-ledger-start", 1);
  /** Jobs whose crash is followed by a rerun of that job only, and the tables they write. */
  private static final Map<String, List<String>> OUTPUTS = Map.of(
      "extract", List.of("raw."),
      "stage", List.of("clean.", "quarantine."),
      "model", List.of("warehouse.dim_", "warehouse.fact_"));

  /** An image is taken at the {@code nth} point of {@code kind} reached while {@code job} runs. */
  record Pick(String job, String kind, int nth) {}

  /** One fault point of the observed run: the job running, and the point's name. */
  record Point(String job, String name) {
    String kind() {
      return name.substring(0, name.indexOf(':'));
    }
  }

  @TempDir static Path dir;
  private static Path source;
  /** The one path every run of the test uses (images are restored here). */
  private static Path runDir;
  private static Path before;
  private static Map<String, List<String>> expected;
  private static Map<String, List<String>> expectedLake;
  private static Map<String, Long> previous;
  private static Map<String, Long> next;
  private static Observer observed;

  @BeforeAll
  static void anUninterruptedRunObservedAtEveryFaultPoint() throws Exception {
    spark();
    // the site's source file, changed in place between the two days
    source = dir.resolve("src.db");
    Generator.create().missions(300).seed(11).dirty(true).writeSqlite(source);
    runDir = dir.resolve("run");
    Runs.Result yesterday = Runs.inProcess(Runs.runArgs(runDir, source.toString(), YESTERDAY));
    assertEquals(0, yesterday.code(), yesterday.all());
    changeTheSource(source);
    before = dir.resolve("before");
    Runs.copyTree(runDir, before);

    previous = snapshots();
    observed = new Observer(dir.resolve("images"));
    Consumer<String> saved = FaultPoints.observe(observed);
    Runs.Result r;
    try {
      // its tables written one after the other: each pick names the same point of the same table in
      // every run, and no write is under way while an image is copied. The reruns after a crash, and
      // the halted child below, write a job's tables side by side (the default for a small input).
      r = Runs.inProcess(Runs.runArgs(runDir, source.toString(), DATE, "--conf", "pipeline.table-threads=1"));
    } finally {
      FaultPoints.observe(saved);
    }
    assertEquals(0, r.code(), r.all());
    assertTrue(observed.failures.isEmpty(), observed.failures.toString());
    next = snapshots();
    expected = Runs.duckContent(runDir.resolve("wh.duckdb"));
    expectedLake = lakeContent(OUTPUTS.values().stream().flatMap(List::stream).toList());
  }

  private static Lake lake() {
    return new Lake(runDir.resolve("lake"));
  }

  /**
   * A day of changes in the source: 5 missions get a new rate, and every mission of the first
   * service month (with its applications and contracts) is deleted.
   */
  private static void changeTheSource(Path db) throws Exception {
    Lake lake = lake();
    String firstMonth = lake.partitions(spark(), "warehouse", "fact_mission").get(0);
    List<Long> gone = lake.readPartition(spark(), "warehouse", "fact_mission",
            ModelRegistry.byName("fact_mission").partitioning(), firstMonth)
        .select("mission_id").collectAsList().stream().map(row -> row.getLong(0)).toList();
    assertTrue(!gone.isEmpty(), firstMonth);
    String ids = gone.stream().map(String::valueOf).collect(Collectors.joining(","));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("DELETE FROM contracts WHERE mission_id IN (" + ids + ")");
      st.execute("DELETE FROM mission_applications WHERE mission_id IN (" + ids + ")");
      st.execute("DELETE FROM missions WHERE id IN (" + ids + ")");
      st.execute("UPDATE missions SET hourly_rate = hourly_rate + 1 WHERE id IN "
          + "(SELECT id FROM missions WHERE typeof(hourly_rate) IN ('integer', 'real') ORDER BY id DESC LIMIT 5)");
    }
  }

  /** The current snapshot id of every table of the lake ({@code namespace.table}), from the catalog (no Spark job). */
  static Map<String, Long> snapshots() {
    Lake lake = lake();
    Map<String, Long> m = new TreeMap<>();
    for (String ns : Lake.LAYERS) {
      for (String t : tables(ns)) {
        m.put(ns + "." + t, lake.currentSnapshot(spark(), ns, t).orElse(-1L));
      }
    }
    return m;
  }

  /** The tables of a namespace of the lake, from its directories (the hadoop catalog's layout). */
  private static List<String> tables(String ns) {
    Path d = runDir.resolve("lake").resolve(ns);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(p -> Files.isDirectory(p.resolve("metadata"))).map(p -> p.getFileName().toString()).sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lists the points of the observed run, notes the lake's snapshots at each, copies the run's directory at the picks. */
  static final class Observer implements Consumer<String> {
    final Path imagesDir;
    final List<Point> points = new ArrayList<>();
    final Map<Point, Path> images = new LinkedHashMap<>();
    final Map<Point, Pick> pickOf = new HashMap<>();
    /** The current snapshots of the lake at each point. */
    final Map<Point, Map<String, Long>> seen = new LinkedHashMap<>();
    final List<String> failures = new ArrayList<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private String job;

    Observer(Path imagesDir) {
      this.imagesDir = imagesDir;
    }

    @Override
    public void accept(String name) {
      if (!name.contains(":")) {
        return; // the source snapshot's points (extract-snapshot-locked): no step of the lake's publication
      }
      try {
        if (name.startsWith("before-ledger-start:")) {
          job = name.substring(name.indexOf(':') + 1);
        }
        Point p = new Point(job, name);
        points.add(p);
        seen.put(p, snapshots());
        int n = counts.merge(job + " " + p.kind(), 1, Integer::sum);
        Pick pick = new Pick(job, p.kind(), n);
        if (PICKS.contains(pick) || pick.equals(CHILD_START)) {
          Path image = imagesDir.resolve(images.size() + "-" + job + "-" + p.kind() + "-" + n);
          Runs.copyTree(runDir, image);
          images.put(p, image);
          pickOf.put(p, pick);
        }
      } catch (IOException | RuntimeException e) {
        failures.add(name + ": " + e);
      }
    }

    Point point(String name) {
      return points.stream().filter(p -> p.name().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no point " + name + " in " + points));
    }
  }

  /** Puts an image (or the state before the run) back at the run's path. */
  private static void restore(Path image) throws IOException {
    Runs.deleteTree(runDir);
    Runs.copyTree(image, runDir);
  }

  /** The rows of every lake table whose {@code namespace.table} starts with one of {@code prefixes}, by table. */
  static Map<String, List<String>> lakeContent(List<String> prefixes) {
    Lake lake = lake();
    Map<String, List<String>> m = new TreeMap<>();
    for (String table : snapshots().keySet()) {
      if (prefixes.stream().noneMatch(table::startsWith)) {
        continue;
      }
      String[] id = table.split("\\.");
      m.put(table, lake.read(spark(), id[0], id[1]).collectAsList().stream().map(Row::toString).sorted().toList());
    }
    return m;
  }

  // ---- the tests -------------------------------------------------------------------------------------

  @Test
  void aReaderAtAnyFaultPointSeesEachTableAtItsPreviousOrItsNewSnapshot() {
    List<String> kinds = observed.points.stream().map(Point::kind).distinct().sorted().toList();
    assertEquals(List.of("after-commit", "after-stage", "before-branch", "before-commit", "before-ledger-finish",
        "before-ledger-start", "before-stage"), kinds,
        "every kind of step is reached");
    assertEquals(JobGraph.ids(), observed.points.stream().map(Point::job).distinct().toList());
    assertEquals(observed.points.size(), observed.points.stream().map(Point::name).distinct().count(),
        "each point is reached once: " + observed.points);
    assertEquals(previous.keySet(), next.keySet(), "the run creates no table and drops none");
    List<String> errors = new ArrayList<>();
    observed.seen.forEach((point, lake) -> lake.forEach((table, snapshot) -> {
      if (!snapshot.equals(previous.get(table)) && !snapshot.equals(next.get(table))) {
        errors.add("at " + point.name() + ": " + table + " is at snapshot " + snapshot + "; before the run: "
            + previous.get(table) + "; after: " + next.get(table));
      }
    }));
    assertEquals(List.of(), errors);
    // the check sees each commit where it happens: clean.missions before its commit, then after it
    assertTrue(!previous.get("clean.missions").equals(next.get("clean.missions")), "clean.missions rewritten");
    assertEquals(previous.get("clean.missions"),
        observed.seen.get(observed.point("before-commit:clean/missions")).get("clean.missions"));
    assertEquals(next.get("clean.missions"),
        observed.seen.get(observed.point("after-commit:clean/missions")).get("clean.missions"));
    long committed = next.entrySet().stream().filter(e -> !e.getValue().equals(previous.get(e.getKey()))).count();
    assertTrue(committed >= 20, "the run commits most tables: " + committed);
  }

  @Test
  void theRunRepeatedFromACrashAtEachChosenPointEqualsTheUninterruptedRun() throws Exception {
    List<Pick> taken = observed.images.keySet().stream().map(observed.pickOf::get).toList();
    assertTrue(taken.containsAll(PICKS), "an image at each pick: " + taken);
    List<String> failures = new ArrayList<>();
    for (Map.Entry<Point, Path> e : observed.images.entrySet()) {
      Point p = e.getKey();
      if (!PICKS.contains(observed.pickOf.get(p))) {
        continue;
      }
      restore(e.getValue());
      List<String> ledger = Runs.ledger(runDir.resolve("wh.duckdb"));
      String last = ledger.get(ledger.size() - 1);
      if (!p.kind().equals("before-ledger-start")) {
        assertTrue(last.contains("|" + p.job() + "|running|"), p + ": the crashed job stays running: " + ledger);
      }
      List<String> ids = JobGraph.ids();
      List<String> jobs = OUTPUTS.containsKey(p.job()) ? List.of(p.job())
          : ids.subList(ids.indexOf(p.job()), ids.size());
      Runs.Result again = Runs.inProcess(Runs.runArgs(runDir, source.toString(), DATE,
          "--jobs", String.join(",", jobs)));
      if (again.code() != 0) {
        failures.add("after a crash at " + p.name() + ", the rerun of " + jobs + " failed: " + again.err());
        continue;
      }
      try {
        if (OUTPUTS.containsKey(p.job())) {
          List<String> outputs = OUTPUTS.get(p.job());
          Map<String, List<String>> want = new TreeMap<>(expectedLake);
          want.keySet().removeIf(u -> outputs.stream().noneMatch(u::startsWith));
          Runs.assertSameContent(want, lakeContent(outputs),
              "the lake after a crash at " + p.name() + " and a rerun of " + p.job());
        } else {
          Runs.assertSameContent(expected, Runs.duckContent(runDir.resolve("wh.duckdb")),
              "the warehouse after a crash at " + p.name() + " and a rerun of " + jobs);
        }
      } catch (AssertionError different) {
        failures.add(different.getMessage());
      }
    }
    assertEquals(List.of(), failures);
  }

  /**
   * A real crash: a child JVM running kpis, features and load from the state after the model halts
   * itself (Runtime.halt: no finally block, no shutdown hook) in the middle of the last KPI commit,
   * its files written and its metadata not, while the other KPI tables, written side by side with
   * it, are committed or not. What it leaves is readable (each table at its previous snapshot or its
   * new one), its job stays running in the ledger, and the next run gives the warehouse of the
   * uninterrupted run.
   */
  @Test
  void aRunHaltedMidKpisIsRepairedByTheNextRun() throws Exception {
    Point start = observed.point("before-ledger-start:kpis");
    assertTrue(observed.images.containsKey(start), observed.images.keySet().toString());
    List<Point> commits = observed.points.stream()
        .filter(p -> p.job().equals("kpis") && p.kind().equals("before-commit")).toList();
    assertTrue(commits.size() > 2, commits.toString());
    String haltAt = commits.get(commits.size() - 1).name();
    restore(observed.images.get(start));
    Map<String, Long> atStart = snapshots();

    Path log = dir.resolve("halted.log");
    Process child = Runs.child(List.of("-D" + FaultPoints.HALT_AT + "=" + haltAt),
        Runs.runArgs(runDir, source.toString(), DATE, "--jobs", "kpis,features,load"), Map.of())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!child.waitFor(600, TimeUnit.SECONDS)) { // a hang, not a slow machine
      child.destroyForcibly();
      throw new AssertionError("the child never ended:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertEquals(FaultPoints.HALT_CODE, child.exitValue(), output);
    assertTrue(output.strip().endsWith("fault point " + haltAt + ": halting (exit code " + FaultPoints.HALT_CODE + ")"),
        output);

    // outside the KPIs the lake is as the child found it; each KPI table is at its snapshot before
    // the kpis job or at a new one whose rows are the uninterrupted run's; the halted one is not moved.
    // The tables are written side by side, two at a time in their order: the halted one, the last,
    // started once two of the others were committed (the third may or may not be)
    Map<String, Long> left = snapshots();
    String halted = haltAt.substring("before-commit:".length()).replace('/', '.');
    Map<String, List<String>> kpisAfter = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, Long> e : left.entrySet()) {
      String t = e.getKey();
      if (!t.startsWith("warehouse.kpi_") || t.equals(halted)) {
        if (!e.getValue().equals(atStart.get(t))) {
          errors.add(t + " moved from " + atStart.get(t) + " to " + e.getValue());
        }
      } else if (!e.getValue().equals(atStart.get(t))) {
        kpisAfter.put(t, lakeContent(List.of(t)).get(t));
      }
    }
    assertEquals(List.of(), errors);
    assertTrue(kpisAfter.size() >= 2, kpisAfter.keySet() + " in " + left);
    List<String> ledger = Runs.ledger(runDir.resolve("wh.duckdb"));
    assertTrue(ledger.get(ledger.size() - 1).contains("|kpis|running|"), ledger.toString());

    Runs.Result again = Runs.inProcess(Runs.runArgs(runDir, source.toString(), DATE, "--jobs", "kpis,features,load"));
    assertEquals(0, again.code(), again.all());
    Runs.assertSameContent(expected, Runs.duckContent(runDir.resolve("wh.duckdb")), "warehouse after the halt");
    Map<String, List<String>> kpisRepaired = lakeContent(List.of("warehouse.kpi_"));
    kpisAfter.forEach((t, rows) -> assertEquals(kpisRepaired.get(t), rows, t + " as the halted run left it"));
  }

  @Test
  void aWriteFailingMidPartitionLeavesTheTableAsItWas(@TempDir Path tmp) throws Exception {
    Lake lake = new Lake(tmp.resolve("lake"));
    Lake.Partitioning byD = Lake.Partitioning.identity("d");
    Dataset<Row> v1 = spark().sql("SELECT id, 'a' AS d FROM range(0, 1000)");
    long first = lake.replacePartition(v1, "warehouse", "t", byD, "a", Map.of()).snapshotId();

    UDF1<Long, Long> failAt = id -> {
      if (id == 700) {
        throw new java.io.IOException("No space left on device (simulated)");
      }
      return id;
    };
    spark().udf().register("fail_at_700", failAt, DataTypes.LongType);
    Dataset<Row> v2 = spark().sql("SELECT fail_at_700(id) AS id, 'a' AS d FROM range(0, 1000)");
    assertThrows(Exception.class, () -> lake.replacePartition(v2, "warehouse", "t", byD, "a", Map.of()));

    assertEquals(first, lake.currentSnapshot(spark(), "warehouse", "t").orElseThrow(), "still the first snapshot");
    assertEquals(1000, lake.read(spark(), "warehouse", "t").count());
    assertEquals(499500L, lake.read(spark(), "warehouse", "t").selectExpr("sum(id)").first().getLong(0));
  }
}
