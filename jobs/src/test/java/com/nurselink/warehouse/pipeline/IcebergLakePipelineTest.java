package com.nurselink.warehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.cli.Main;
import com.nurselink.warehouse.faults.Runs;
import com.nurselink.warehouse.faults.SharedNightly;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.lake.LakeLock;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.sink.DuckDbWarehouse;
import com.nurselink.warehouse.sink.GoldTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly on the embedded default writes its lake as Iceberg tables: what is on disk, what the
 * run ledger records, time travel to a recorded snapshot, the warehouse equal to the lake's
 * current snapshots, snapshot expiry, and one run at a time on a lake.
 */
class IcebergLakePipelineTest extends SparkTestBase {
  private static final String D1 = SharedNightly.D1;
  private static final String D2 = "2026-03-31";

  @TempDir static Path dir;
  private static Path run;
  private static Path source;
  private static Map<String, List<Row>> featuresOfD1;

  @BeforeAll
  static void twoNightlies() throws Exception {
    spark();
    // the nightly of D1 shared with the HDFS and S3 tests, continued here with D2
    SharedNightly first = SharedNightly.get(spark());
    source = first.source();
    run = first.dir();
    featuresOfD1 = first.features();
    Runs.Result second = Runs.inProcess(Runs.runArgs(run, source.toString(), D2));
    assertEquals(0, second.code(), second.all());
  }

  @Test
  void everyLakeTableIsAnIcebergTableAndNothingOfTheOldFormatRemains() throws Exception {
    Path lake = run.resolve("lake");
    try (Stream<Path> files = Files.list(lake.resolve("warehouse/kpi_mission_daily/metadata"))) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".metadata.json")));
    }
    try (Stream<Path> all = Files.walk(lake)) {
      List<Path> paths = all.toList();
      assertEquals(List.of(), paths.stream().filter(Files::isSymbolicLink).toList(), "no symbolic link");
      assertEquals(List.of(), paths.stream().map(p -> p.getFileName().toString())
          .filter(n -> n.equals("_versions") || n.equals("_fingerprint") || n.equals("_empty")
              || n.equals("_staging")).toList(), "nothing of the former format");
    }
    Set<String> expected = new HashSet<>();
    for (String t : List.of("users", "missions", "mission_applications", "contracts")) {
      for (String ns : List.of("raw", "clean", "quarantine")) {
        expected.add(ns + "/" + t);
      }
    }
    for (ModelRegistry.Model m : ModelRegistry.gold()) {
      expected.add(m.namespace() + "/" + m.name());
    }
    Set<String> tables = new HashSet<>();
    for (String ns : Lake.LAYERS) {
      try (Stream<Path> s = Files.list(lake.resolve(ns))) {
        s.filter(p -> Files.isDirectory(p.resolve("metadata")))
            .forEach(p -> tables.add(ns + "/" + p.getFileName()));
      }
    }
    assertEquals(expected, tables);
    assertTrue(Files.isRegularFile(lake.resolve("features/features_nurse/manifests/as_of_date=" + D2
        + "/_manifest.json")));
    // the partition transforms of the SPEC
    Lake l = new Lake(lake);
    assertEquals(List.of(D1, D2), l.partitions(spark(), "raw", "missions"));
    List<String> months = l.partitions(spark(), "warehouse", "fact_contract");
    assertFalse(months.isEmpty());
    assertTrue(months.stream().allMatch(m -> m.matches("\\d{4}-\\d{2}")), months.toString());
    assertEquals(List.of(D1, D2), l.partitions(spark(), "features", "features_mission_fill"));
  }

  @Test
  void theLedgerRecordsEachSnapshotAndTimeTravelToItGivesTheFeaturesAsOfThatDate() throws Exception {
    DuckDbWarehouse wh = new DuckDbWarehouse(run.resolve("wh.duckdb"));
    Ledger ledger = wh.ledger();
    List<String> runIds = ledger.last(100).stream().filter(e -> e.job().equals("features"))
        .sorted((a, b) -> a.startedAt().compareTo(b.startedAt())).map(Ledger.Entry::runId).toList();
    assertEquals(2, runIds.size(), runIds.toString());
    Lake lake = new Lake(run.resolve("lake"));
    for (ModelRegistry.Model m : ModelRegistry.gold(ModelRegistry.Step.FEATURES)) {
      String table = m.namespace() + "." + m.name();
      long atD1 = ledger.snapshots(runIds.get(0)).stream().filter(s -> s.table().equals(table))
          .findFirst().orElseThrow(() -> new AssertionError(table + " not in the ledger")).snapshotId();
      assertEquals(featuresOfD1.get(m.name()), sorted(lake.read(spark(), m.namespace(), m.name(), atD1)), table);
      long atD2 = ledger.snapshots(runIds.get(1)).stream().filter(s -> s.table().equals(table))
          .findFirst().orElseThrow().snapshotId();
      assertEquals(lake.currentSnapshot(spark(), m.namespace(), m.name()).orElseThrow(), atD2, table);
    }
    // every job that writes the lake recorded its tables; runs --snapshots shows them
    Runs.Result shown = Runs.inProcess(List.of("runs", "--conf-dir", Runs.repo().resolve("conf").toString(),
        "--conf", "warehouse.duckdb-path=" + run.resolve("wh.duckdb"), "--snapshots", runIds.get(1)));
    assertEquals(0, shown.code(), shown.all());
    Set<String> jobs = shown.out().lines().skip(1).map(l -> l.split("\\s+")[1]).collect(Collectors.toSet());
    assertEquals(Set.of("extract", "stage", "model", "kpis", "features"), jobs, shown.out());
    assertTrue(shown.out().contains(" features.features_nurse "), shown.out());
  }

  @Test
  void everyDuckDbGoldTableEqualsSparksReadOfTheIcebergTable() throws Exception {
    Lake lake = new Lake(run.resolve("lake"));
    List<String> differences = new ArrayList<>();
    try (Connection c = new DuckDbWarehouse(run.resolve("wh.duckdb")).open(); Statement st = c.createStatement()) {
      for (GoldTables.Gold g : GoldTables.all()) {
        Path copy = dir.resolve("spark-read").resolve(g.name());
        lake.read(spark(), g.layer(), g.name()).write().parquet(copy.toString());
        String spark = "read_parquet('" + copy + "/*.parquet')";
        for (String sql : List.of("SELECT * FROM " + g.name() + " EXCEPT ALL SELECT * FROM " + spark,
            "SELECT * FROM " + spark + " EXCEPT ALL SELECT * FROM " + g.name())) {
          try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (" + sql + ")")) {
            rs.next();
            if (rs.getLong(1) != 0) {
              differences.add(g.name() + ": " + rs.getLong(1) + " rows of " + sql);
            }
          }
        }
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + g.name())) {
          rs.next();
          assertEquals(lake.read(spark(), g.layer(), g.name()).count(), rs.getLong(1), g.name());
        }
      }
    }
    assertEquals(List.of(), differences);
  }

  @Test
  void snapshotsOlderThanTheRetentionAreExpiredAndTheirFilesRemoved() throws Exception {
    Path other = dir.resolve("retention");
    Runs.Result a = Runs.inProcess(Runs.runArgs(other, source.toString(), D1, "--jobs", "extract,stage"));
    assertEquals(0, a.code(), a.all());
    Lake lake = new Lake(other.resolve("lake"));
    long before = dataFiles(other.resolve("lake/clean/missions/data"));
    Runs.Result b = Runs.inProcess(Runs.runArgs(other, source.toString(), D2, "--jobs", "extract,stage",
        "--conf", "lake.snapshot-retention-days=0"));
    assertEquals(0, b.code(), b.all());
    assertTrue(b.err().contains("data file(s) of snapshots older than 0 day(s) removed"), b.err());
    for (String ns : List.of("raw", "clean", "quarantine")) {
      for (String t : List.of("users", "missions", "mission_applications", "contracts")) {
        Path data = other.resolve("lake").resolve(ns).resolve(t).resolve("data");
        assertEquals(lake.dataFiles(spark(), ns, t).size(), dataFiles(data), ns + "." + t
            + ": only the current snapshot's files remain");
      }
    }
    assertTrue(before > 0);
    // the current content is whole: raw keeps both dates
    assertEquals(List.of(D1, D2), lake.partitions(spark(), "raw", "users"));
  }

  private static long dataFiles(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  @Test
  void aSecondRunOnALakeInUseFailsAtOnceNamingTheRunThatHoldsIt() throws Exception {
    Lake lake = new Lake(run.resolve("lake"));
    Map<String, Long> before = new TreeMap<>();
    for (ModelRegistry.Model m : ModelRegistry.gold()) {
      before.put(m.name(), lake.currentSnapshot(spark(), m.namespace(), m.name()).orElseThrow());
    }
    Runs.Result r;
    try (LakeLock held = LakeLock.acquire(lake, spark().sparkContext().hadoopConfiguration(), "run-holding")) {
      r = Runs.inProcess(Runs.runArgs(run, source.toString(), D2));
    }
    assertEquals(Main.EXIT_FAILED, r.code(), r.all());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("nurselink: error:")).toList();
    assertEquals(1, errors.size(), r.err());
    assertTrue(errors.get(0).startsWith("nurselink: error: the lake " + run.resolve("lake")
        + " is in use by run run-holding (pid "), errors.get(0));
    assertTrue(errors.get(0).endsWith(": wait for that run to end"), errors.get(0));
    for (ModelRegistry.Model m : ModelRegistry.gold()) {
      assertEquals(before.get(m.name()), lake.currentSnapshot(spark(), m.namespace(), m.name()).orElseThrow(),
          m.name() + " untouched");
    }
    // released: the next run takes the lake
    Runs.Result after = Runs.inProcess(Runs.runArgs(run, source.toString(), D2, "--jobs", "kpis"));
    assertEquals(0, after.code(), after.all());
  }

  @Test
  void aLakeOfTheFormerFormatIsRefusedWithOneLineAndRebuiltByAFullRefresh() throws Exception {
    Path old = dir.resolve("former");
    Path version = Files.createDirectories(old.resolve("lake/_versions/clean/users/r1"));
    Files.writeString(version.resolve("part-0.parquet"), "not read");
    Files.createDirectories(old.resolve("lake/clean"));
    Files.createSymbolicLink(old.resolve("lake/clean/users"), version);
    Runs.Result refused = Runs.inProcess(Runs.runArgs(old, source.toString(), D1));
    assertEquals(Main.EXIT_USAGE, refused.code(), refused.all());
    assertEquals(List.of("nurselink: error: the lake " + old.resolve("lake") + " holds tables of the former format"
        + " (_versions/, symbolic links), not Iceberg tables: rebuild it from the sources with 'nurselink run"
        + " --full-refresh', or set lake.path to a new directory"),
        refused.err().lines().filter(l -> l.startsWith("nurselink: error:")).toList());
    assertTrue(Files.isSymbolicLink(old.resolve("lake/clean/users")), "left as it was");

    Runs.Result rebuilt = Runs.inProcess(Runs.runArgs(old, source.toString(), D1, "--jobs", "extract,stage",
        "--full-refresh"));
    assertEquals(0, rebuilt.code(), rebuilt.all());
    assertFalse(Files.exists(old.resolve("lake/_versions")));
    try (Stream<Path> all = Files.walk(old.resolve("lake"))) {
      assertEquals(List.of(), all.filter(Files::isSymbolicLink).toList());
    }
    assertEquals(new Lake(run.resolve("lake")).read(spark(), "clean", "users").count(),
        new Lake(old.resolve("lake")).read(spark(), "clean", "users").count());
  }
}
