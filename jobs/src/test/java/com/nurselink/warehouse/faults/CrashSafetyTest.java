package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.ops.JobGraph;
import com.nurselink.warehouse.util.FaultPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * Crashes at the steps of the publication protocol, chosen by name ({@link FaultPoints}) instead of
 * kills timed by the machine's speed; and a write failing mid-partition.
 *
 * <p>One uninterrupted run for date D over the outputs of a run for D-1, the source changed in
 * between (a few missions updated, one month's missions deleted: partitions republished, left
 * alone and removed), is observed in this JVM. At every fault point it reaches, the published lake
 * is checked as a reader resolving its links sees it: each table or partition is its previous
 * version or its new one, whole. At chosen points the run's directory (lake, DuckDB warehouse with
 * the ledger, snapshots) is copied: no Spark task runs while a point is reached, so the copy holds
 * exactly what a halt there leaves on disk. From each copy, the crashed job and those after it run
 * again (what Airflow's retry of the task does) and the warehouse must equal the uninterrupted
 * run's. One child JVM really halts ({@code Runtime.halt}) in the middle of the kpis job, and the
 * next run repairs it.
 */
class CrashSafetyTest extends SparkTestBase {
  private static final String YESTERDAY = "2026-03-30";
  private static final String DATE = "2026-03-31";

  /**
   * Where crash images are taken and the run repeated from: (job, kind of point, n-th point of that
   * kind in the job). The run reaches about a hundred points; a rerun from each would take the
   * better part of an hour, so the picks cover every job and every kind of point once, and the cheap
   * load job thrice. A crash in extract, stage or model is followed by a rerun of that job only,
   * compared with the clean run on what the job publishes (every later job is a function of the
   * lake, and runs from it in the later picks); a crash in kpis, features or load by a rerun of the
   * job and those after it, compared on the whole warehouse.
   */
  private static final List<Pick> PICKS = List.of(
      new Pick("extract", "before-swap", 2),         // users published, missions linked under a temporary name
      new Pick("stage", "after-swap", 3),            // clean/missions swapped, its older versions not yet pruned
      new Pick("model", "before-remove", 1),         // dims republished, the deleted month's facts still published
      new Pick("kpis", "before-swap", 2),            // a KPI partition linked under its temporary name only
      new Pick("features", "before-publish", 1),     // features staged, nothing of them published
      new Pick("load", "before-ledger-start", 1),    // everything published in the lake, the warehouse not loaded
      new Pick("load", "before-commit", 1),          // warehouse committed, watermarks not
      new Pick("load", "before-ledger-finish", 1));  // everything committed but the ledger row
  /** Image only: the state after the model, where the child JVM of the real halt starts. */
  private static final Pick CHILD_START = new Pick("kpis", "before-ledger-start", 1);
  /** Jobs whose crash is followed by a rerun of that job only, and what they publish. */
  private static final Map<String, List<String>> OUTPUTS = Map.of(
      "extract", List.of("raw/"),
      "stage", List.of("clean/", "quarantine/"),
      "model", List.of("warehouse/dim_", "warehouse/fact_"));

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
  private static Path cleanRun;
  private static Map<String, List<String>> expected;
  private static Map<String, List<String>> expectedLake;
  private static Observer observed;
  private static List<String> readerErrors;

  @BeforeAll
  static void anUninterruptedRunObservedAtEveryFaultPoint() throws Exception {
    spark();
    // the site's source file, changed in place between the two days
    source = dir.resolve("src.db");
    Generator.create().missions(300).seed(11).dirty(true).writeSqlite(source);
    Path base = dir.resolve("base");
    Runs.Result yesterday = Runs.inProcess(Runs.runArgs(base, source.toString(), YESTERDAY));
    assertEquals(0, yesterday.code(), yesterday.all());
    changeTheSource(base, source);

    cleanRun = dir.resolve("run");
    Runs.copyTree(base, cleanRun);
    Map<String, String> previous = published(cleanRun.resolve("lake"), new HashMap<>());
    observed = new Observer(cleanRun, dir.resolve("images"));
    Consumer<String> saved = FaultPoints.observe(observed);
    Runs.Result r;
    try {
      r = Runs.inProcess(Runs.runArgs(cleanRun, source.toString(), DATE));
    } finally {
      FaultPoints.observe(saved);
    }
    assertEquals(0, r.code(), r.all());
    assertTrue(observed.failures.isEmpty(), observed.failures.toString());
    expected = Runs.duckContent(cleanRun.resolve("wh.duckdb"));
    expectedLake = lakeContent(cleanRun.resolve("lake"),
        OUTPUTS.values().stream().flatMap(List::stream).toList());
    Map<String, String> next = published(cleanRun.resolve("lake"), new HashMap<>());
    readerErrors = new ArrayList<>();
    observed.seen.forEach((point, lake) -> readerErrors.addAll(halfPublished(point, lake, previous, next)));
  }

  /**
   * A day of changes in the source: 5 missions get a new rate, and every mission of the first
   * service month (with its applications and contracts) is deleted.
   */
  private static void changeTheSource(Path base, Path db) throws Exception {
    Lake lake = new Lake(base.resolve("lake"));
    String firstMonth = lake.partitions("warehouse", "fact_mission").get(0);
    List<Long> gone = spark().read().parquet(lake.table("warehouse", "fact_mission").resolve(firstMonth).toString())
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

  /** Lists the points of the observed run, checks the lake at each, copies the run's directory at the picks. */
  static final class Observer implements Consumer<String> {
    final Path runDir;
    final Path imagesDir;
    final List<Point> points = new ArrayList<>();
    final Map<Point, Path> images = new LinkedHashMap<>();
    final Map<Point, Pick> pickOf = new HashMap<>();
    /** The published lake at each point. */
    final Map<Point, Map<String, String>> seen = new LinkedHashMap<>();
    final List<String> failures = new ArrayList<>();
    private final Map<Path, String> versions = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private String job;

    Observer(Path runDir, Path imagesDir) {
      this.runDir = runDir;
      this.imagesDir = imagesDir;
    }

    @Override
    public void accept(String name) {
      try {
        if (name.startsWith("before-ledger-start:")) {
          job = name.substring(name.indexOf(':') + 1);
        }
        Point p = new Point(job, name);
        points.add(p);
        seen.put(p, published(runDir.resolve("lake"), versions));
        int n = counts.merge(job + " " + p.kind(), 1, Integer::sum);
        Pick pick = new Pick(job, p.kind(), n);
        if (PICKS.contains(pick) || pick.equals(CHILD_START)) {
          // no '=' in the path: DuckDB would read it as a Hive partition of every file below
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

  // ---- what a reader sees --------------------------------------------------------------------------

  /**
   * What a reader resolving the lake's links finds, by published table or partition
   * ({@code layer/table} or {@code layer/table/col=value}, and a partitioned table's {@code _empty}):
   * the version directory and its files with their sizes. Entries whose name starts with a dot are
   * links being swapped in, not published. Versions are immutable once linked, hence {@code cache}.
   */
  static Map<String, String> published(Path lake, Map<Path, String> cache) {
    Map<String, String> m = new TreeMap<>();
    if (!Files.isDirectory(lake)) {
      return m;
    }
    for (Path layer : list(lake)) {
      String l = layer.getFileName().toString();
      if (l.startsWith("_") || l.startsWith(".") || !Files.isDirectory(layer)) {
        continue;
      }
      for (Path t : list(layer)) {
        String name = l + "/" + t.getFileName();
        if (t.getFileName().toString().startsWith(".")) {
          continue;
        }
        if (Files.isSymbolicLink(t)) {
          m.put(name, version(lake, t, cache));
        } else if (Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
          for (Path p : list(t)) {
            String part = p.getFileName().toString();
            if (part.startsWith(".")) {
              continue;
            }
            m.put(name + "/" + part, Files.isSymbolicLink(p) ? version(lake, p, cache)
                : part.equals(Lake.EMPTY) ? files(lake, p) : "not a link: " + files(lake, p));
          }
        } else {
          m.put(name, "not a table");
        }
      }
    }
    return m;
  }

  private static String version(Path lake, Path link, Map<Path, String> cache) {
    Path real;
    try {
      real = link.toRealPath();
    } catch (NoSuchFileException e) {
      return "dangling link";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cache.computeIfAbsent(real, r -> files(lake, r));
  }

  private static String files(Path lake, Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return lake.relativize(dir.toRealPath()) + ": " + s.map(f -> {
        try {
          return f.getFileName() + " " + Files.size(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sorted().collect(Collectors.joining(", "));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tables and partitions a reader at {@code point} sees that are neither their previous nor their new version. */
  static List<String> halfPublished(Point point, Map<String, String> lake, Map<String, String> previous,
      Map<String, String> next) {
    List<String> errors = new ArrayList<>();
    Set<String> units = new TreeSet<>(lake.keySet());
    units.addAll(previous.keySet());
    units.addAll(next.keySet());
    for (String u : units) {
      String v = lake.get(u);
      if (v == null ? previous.containsKey(u) && next.containsKey(u)
          : !v.equals(previous.get(u)) && !v.equals(next.get(u))) {
        errors.add("at " + point.name() + ": " + u + " is " + (v == null ? "missing" : v) + "; before the run: "
            + previous.get(u) + "; after: " + next.get(u));
      }
    }
    return errors;
  }

  // ---- the tests -------------------------------------------------------------------------------------

  @Test
  void aReaderAtAnyFaultPointSeesEachTableAndPartitionWhole() {
    List<String> kinds = observed.points.stream().map(Point::kind).distinct().sorted().toList();
    assertEquals(List.of("after-swap", "before-commit", "before-ledger-finish", "before-ledger-start",
        "before-publish", "before-remove", "before-swap"), kinds, "every kind of step is reached");
    assertEquals(JobGraph.ids(), observed.points.stream().map(Point::job).distinct().toList());
    assertEquals(observed.points.size(), observed.points.stream().map(Point::name).distinct().count(),
        "each point is reached once: " + observed.points);
    assertEquals(List.of(), readerErrors);
    // the check sees the swaps where they happen: the old clean/missions up to its swap, the new one after
    Map<String, String> before = published(dir.resolve("base/lake"), new HashMap<>());
    Map<String, String> after = published(cleanRun.resolve("lake"), new HashMap<>());
    assertTrue(!before.get("clean/missions").equals(after.get("clean/missions")), "clean/missions republished");
    assertEquals(before.get("clean/missions"), observed.seen.get(observed.point("before-swap:clean/missions"))
        .get("clean/missions"));
    assertEquals(after.get("clean/missions"), observed.seen.get(observed.point("after-swap:clean/missions"))
        .get("clean/missions"));
    String removed = observed.points.stream().filter(p -> p.kind().equals("before-remove")).findFirst().orElseThrow()
        .name().substring("before-remove:".length());
    assertTrue(before.containsKey(removed) && !after.containsKey(removed), removed);
  }

  @Test
  void theRunRepeatedFromACrashAtEachChosenPointEqualsTheUninterruptedRun() throws Exception {
    List<Pick> taken = observed.images.keySet().stream().map(observed.pickOf::get).toList();
    assertTrue(taken.containsAll(PICKS), "an image at each pick: " + taken);
    List<String> failures = new ArrayList<>();
    for (Map.Entry<Point, Path> e : observed.images.entrySet()) {
      Point p = e.getKey();
      Path image = e.getValue();
      if (!PICKS.contains(observed.pickOf.get(p))) {
        continue;
      }
      List<String> ledger = Runs.ledger(image.resolve("wh.duckdb"));
      String last = ledger.get(ledger.size() - 1);
      if (!p.kind().equals("before-ledger-start")) {
        assertTrue(last.contains("|" + p.job() + "|running|"), p + ": the crashed job stays running: " + ledger);
      }
      List<String> ids = JobGraph.ids();
      List<String> jobs = OUTPUTS.containsKey(p.job()) ? List.of(p.job())
          : ids.subList(ids.indexOf(p.job()), ids.size());
      Runs.Result again = Runs.inProcess(Runs.runArgs(image, source.toString(), DATE,
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
          Runs.assertSameContent(want, lakeContent(image.resolve("lake"), outputs),
              "the lake after a crash at " + p.name() + " and a rerun of " + p.job());
        } else {
          Runs.assertSameContent(expected, Runs.duckContent(image.resolve("wh.duckdb")),
              "the warehouse after a crash at " + p.name() + " and a rerun of " + jobs);
        }
      } catch (AssertionError different) {
        failures.add(different.getMessage());
      }
    }
    assertEquals(List.of(), failures);
  }

  /** The rows of every published table and partition whose name starts with one of {@code prefixes}. */
  static Map<String, List<String>> lakeContent(Path lake, List<String> prefixes) throws Exception {
    Map<String, List<String>> m = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      for (String unit : published(lake, new HashMap<>()).keySet()) {
        if (prefixes.stream().noneMatch(unit::startsWith)) {
          continue;
        }
        Path real = lake.resolve(unit).toRealPath();
        boolean any;
        try (Stream<Path> files = Files.list(real)) {
          any = files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet"));
        }
        m.put(unit, !any ? List.of()
            : Runs.rows(c, "SELECT * FROM read_parquet('" + real + "/*.parquet', hive_partitioning = false)"));
      }
    }
    return m;
  }

  /**
   * A real crash: a child JVM running kpis, features and load from the state after the model halts
   * itself (Runtime.halt: no finally block, no shutdown hook) while publishing a KPI partition. What
   * it leaves is readable, its job stays running in the ledger, and the next run gives the warehouse
   * of the uninterrupted run.
   */
  @Test
  void aRunHaltedMidKpisIsRepairedByTheNextRun() throws Exception {
    Point start = observed.point("before-ledger-start:kpis");
    assertTrue(observed.images.containsKey(start), observed.images.keySet().toString());
    // the last KPI link swap (kpi_headline), every other KPI partition republished and removed by then;
    // the picks crash at the second
    List<Point> swaps = observed.points.stream().filter(p -> p.job().equals("kpis") && p.kind().equals("before-swap"))
        .toList();
    assertTrue(swaps.size() > 2, swaps.toString());
    String haltAt = swaps.get(swaps.size() - 1).name();
    Path halted = dir.resolve("halted");
    Runs.copyTree(observed.images.get(start), halted);
    Map<String, String> before = published(halted.resolve("lake"), new HashMap<>());
    List<String> kpiTables = List.of("warehouse/kpi_");
    Map<String, List<String>> kpisBefore = lakeContent(halted.resolve("lake"), kpiTables);
    Map<String, List<String>> kpisAfter = lakeContent(cleanRun.resolve("lake"), kpiTables);

    Path log = dir.resolve("halted.log");
    Process child = Runs.child(List.of("-D" + FaultPoints.HALT_AT + "=" + haltAt),
        Runs.runArgs(halted, source.toString(), DATE, "--jobs", "kpis,features,load"), Map.of())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!child.waitFor(600, TimeUnit.SECONDS)) { // a hang, not a slow machine
      child.destroyForcibly();
      throw new AssertionError("the child never ended:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertEquals(FaultPoints.HALT_CODE, child.exitValue(), output);
    assertTrue(output.strip().endsWith("fault point " + haltAt + ": halting (exit code " + FaultPoints.HALT_CODE + ")"),
        output);

    // outside the KPIs the lake is as the child found it; each KPI table and partition holds the rows
    // it had before or the rows the uninterrupted run gave it, all of them
    Map<String, String> left = published(halted.resolve("lake"), new HashMap<>());
    Map<String, String> outsideKpis = new TreeMap<>(left);
    outsideKpis.keySet().removeIf(u -> u.startsWith("warehouse/kpi_"));
    Map<String, String> outsideKpisBefore = new TreeMap<>(before);
    outsideKpisBefore.keySet().removeIf(u -> u.startsWith("warehouse/kpi_"));
    assertEquals(outsideKpisBefore, outsideKpis);
    Map<String, List<String>> kpisLeft = lakeContent(halted.resolve("lake"), kpiTables);
    List<String> errors = new ArrayList<>();
    Set<String> units = new TreeSet<>(kpisLeft.keySet());
    units.addAll(kpisBefore.keySet());
    units.addAll(kpisAfter.keySet());
    for (String u : units) {
      List<String> v = kpisLeft.get(u);
      if (v == null ? kpisBefore.containsKey(u) && kpisAfter.containsKey(u)
          : !v.equals(kpisBefore.get(u)) && !v.equals(kpisAfter.get(u))) {
        errors.add(u + ": " + v);
      }
    }
    assertEquals(List.of(), errors);
    assertTrue(!kpisBefore.equals(kpisAfter), "the run changes KPIs");
    List<String> ledger = Runs.ledger(halted.resolve("wh.duckdb"));
    assertTrue(ledger.get(ledger.size() - 1).contains("|kpis|running|"), ledger.toString());

    Runs.Result again = Runs.inProcess(Runs.runArgs(halted, source.toString(), DATE, "--jobs", "kpis,features,load"));
    assertEquals(0, again.code(), again.all());
    Runs.assertSameContent(expected, Runs.duckContent(halted.resolve("wh.duckdb")), "warehouse after the halt");
  }

  @Test
  void aWriteFailingMidPartitionLeavesThePublishedPartitionAsItWas(@TempDir Path tmp) throws Exception {
    Lake lake = new Lake(tmp.resolve("lake"));
    Dataset<Row> v1 = spark().sql("SELECT id, 'a' AS d FROM range(0, 1000)");
    lake.writePartitioned(v1, "warehouse", "t", "d", "run1", true);
    Path part = lake.table("warehouse", "t").resolve("d=a");
    Path before = part.toRealPath();

    UDF1<Long, Long> failAt = id -> {
      if (id == 700) {
        throw new java.io.IOException("No space left on device (simulated)");
      }
      return id;
    };
    spark().udf().register("fail_at_700", failAt, DataTypes.LongType);
    Dataset<Row> v2 = spark().sql("SELECT fail_at_700(id) AS id, 'a' AS d FROM range(0, 1000)");
    assertThrows(Exception.class, () -> lake.writePartitioned(v2, "warehouse", "t", "d", "run2", true));

    assertEquals(before, part.toRealPath(), "the partition still points to the first version");
    assertEquals(1000, spark().read().parquet(lake.table("warehouse", "t").toString()).count());
    assertEquals(499500L, spark().read().parquet(lake.table("warehouse", "t").toString())
        .selectExpr("sum(id)").first().getLong(0));
  }
}
