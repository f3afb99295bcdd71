package com.nurselink.warehouse.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.lake.Lake.CatalogSpec;
import com.nurselink.warehouse.lake.Lake.Commit;
import com.nurselink.warehouse.lake.Lake.Partitioning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Iceberg lake on real Spark, real Iceberg tables and real DuckDB, with small inline tables. */
class LakeTest extends SparkTestBase {
  private static final StructType FACTS = new StructType()
      .add("mission_id", DataTypes.LongType).add("hourly_rate", DataTypes.DoubleType)
      .add("service_month", DataTypes.StringType);
  private static final StructType CONTRACTS = new StructType()
      .add("contract_id", DataTypes.LongType).add("start_date", DataTypes.DateType)
      .add("start_month", DataTypes.StringType);
  private static final StructType RAW = new StructType()
      .add("id", DataTypes.StringType).add("extract_date", DataTypes.StringType);
  private static final StructType FEATURES = new StructType()
      .add("mission_id", DataTypes.LongType).add("rate", DataTypes.DoubleType).add("as_of_date", DataTypes.DateType);

  @TempDir Path dir;

  private static Dataset<Row> df(StructType schema, Row... rows) {
    return spark().createDataFrame(List.of(rows), schema);
  }

  private static List<String> rows(Dataset<Row> d) {
    return d.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void onlyChangedPartitionsAreRewrittenAndRemovedOnesGoInTheSameCommit() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    Partitioning byMonth = Partitioning.identity("service_month");
    Commit first = lake.replaceChangedPartitions(df(FACTS, row(1L, 30.0, "2026-01"), row(2L, 31.0, "2026-01"),
        row(3L, 40.0, "2026-02"), row(4L, 50.0, "2026-03"), row(5L, 51.0, "2026-03")), "warehouse", "fact_x", byMonth);
    assertEquals(List.of("2026-01", "2026-02", "2026-03"), first.replaced());
    assertEquals(5, first.addedRows());
    assertEquals(5, first.totalRows());

    // a person finds the table where they expect it, as Iceberg files, no links
    Path table = dir.resolve("lake/warehouse/fact_x");
    assertTrue(Files.isDirectory(table.resolve("data/service_month=2026-02")), "data/ of the table");
    try (Stream<Path> s = Files.list(table.resolve("metadata"))) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".metadata.json")), "metadata/*.metadata.json");
    }
    try (Stream<Path> s = Files.walk(dir.resolve("lake"))) {
      assertEquals(List.of(), s.filter(Files::isSymbolicLink).toList());
    }
    // nor Hadoop's checksum files beside them (LocalFileSystem, the class Hadoop's cache holds for
    // file: in this JVM unless a test opened file: first with a configuration of its own)
    assertEquals(LocalFileSystem.class, org.apache.hadoop.fs.FileSystem.get(java.net.URI.create("file:///"),
        spark().sparkContext().hadoopConfiguration()).getClass(), "the file system of file: in this JVM");
    try (Stream<Path> s = Files.walk(dir.resolve("lake"))) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".crc")).toList());
    }
    List<String> januaryFiles = lake.dataFiles(spark(), "warehouse", "fact_x").stream()
        .filter(f -> f.contains("service_month=2026-01")).toList();
    assertEquals(1, januaryFiles.size(), januaryFiles.toString());

    // February's rate changes, March is gone: one commit replaces February and removes March
    Commit second = lake.replaceChangedPartitions(df(FACTS, row(1L, 30.0, "2026-01"), row(2L, 31.0, "2026-01"),
        row(3L, 44.5, "2026-02")), "warehouse", "fact_x", byMonth);
    assertEquals(List.of("2026-02"), second.replaced());
    assertEquals(List.of("2026-03"), second.removed());
    assertEquals(1, second.addedRows());
    assertEquals(3, second.deletedRows());
    assertEquals(3, second.totalRows());
    assertEquals("2", lake.summary(spark(), "warehouse", "fact_x").get("changed-partition-count"));
    assertTrue(lake.dataFiles(spark(), "warehouse", "fact_x").containsAll(januaryFiles), "January untouched");
    assertEquals(List.of("[1,30.0,2026-01]", "[2,31.0,2026-01]", "[3,44.5,2026-02]"),
        rows(lake.read(spark(), "warehouse", "fact_x")));
    assertEquals(List.of("2026-01", "2026-02"), lake.partitions(spark(), "warehouse", "fact_x"));

    // the same content again commits nothing
    Commit third = lake.replaceChangedPartitions(df(FACTS, row(2L, 31.0, "2026-01"), row(1L, 30.0, "2026-01"),
        row(3L, 44.5, "2026-02")), "warehouse", "fact_x", byMonth);
    assertEquals(second.snapshotId(), third.snapshotId());
    assertEquals(List.of(), third.replaced());

    // time travel: the first snapshot as it was
    assertEquals(5, lake.read(spark(), "warehouse", "fact_x", first.snapshotId()).count());
  }

  @Test
  void monthsOfADateColumnPartitionTheTableAndNameItsPartitions() {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    Partitioning p = Partitioning.monthsOf("start_date", "start_month");
    Commit c = lake.replaceChangedPartitions(df(CONTRACTS, row(1L, LocalDate.of(2026, 3, 31), "2026-03"),
        row(2L, LocalDate.of(2026, 4, 1), "2026-04"), row(3L, LocalDate.of(2026, 4, 30), "2026-04")),
        "warehouse", "fact_c", p);
    assertEquals(List.of("2026-03", "2026-04"), c.replaced());
    assertEquals(List.of("2026-03", "2026-04"), lake.partitions(spark(), "warehouse", "fact_c"));
    assertTrue(Files.isDirectory(dir.resolve("lake/warehouse/fact_c/data/start_date_month=2026-04")));
    Commit again = lake.replaceChangedPartitions(df(CONTRACTS, row(1L, LocalDate.of(2026, 3, 31), "2026-03"),
        row(3L, LocalDate.of(2026, 4, 30), "2026-04")), "warehouse", "fact_c", p);
    assertEquals(List.of("2026-04"), again.replaced());
    assertEquals("1", lake.summary(spark(), "warehouse", "fact_c").get("changed-partition-count"));
    assertEquals(List.of("[1,2026-03-31,2026-03]", "[3,2026-04-30,2026-04]"),
        rows(lake.read(spark(), "warehouse", "fact_c")));
  }

  @Test
  void onePartitionIsReplacedEvenByNoRowAndItsCommitCarriesProperties() {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    Partitioning p = Partitioning.identity("extract_date");
    lake.replacePartition(df(RAW, row("1", "2026-03-30"), row("2", "2026-03-30")), "raw", "users", p, "2026-03-30",
        Map.of("nurselink.extract-date", "2026-03-30", "nurselink.extract-mode", "full"));
    Commit b = lake.replacePartition(df(RAW, row("3", "2026-03-31")), "raw", "users", p, "2026-03-31",
        Map.of("nurselink.extract-date", "2026-03-31", "nurselink.extract-mode", "incremental"));
    assertEquals(1, b.addedRows());
    assertEquals(List.of("2026-03-30", "2026-03-31"), lake.partitions(spark(), "raw", "users"));
    Commit empty = lake.replacePartition(df(RAW), "raw", "users", p, "2026-03-31", Map.of());
    assertEquals(1, empty.deletedRows());
    assertEquals(List.of("[1,2026-03-30]", "[2,2026-03-30]"), rows(lake.read(spark(), "raw", "users")));
    assertEquals("incremental", lake.latestSummary(spark(), "raw", "users",
        m -> "2026-03-31".equals(m.get("nurselink.extract-date"))).orElseThrow().get("nurselink.extract-mode"));
    assertEquals("full", lake.latestSummary(spark(), "raw", "users",
        m -> "2026-03-30".equals(m.get("nurselink.extract-date"))).orElseThrow().get("nurselink.extract-mode"));
    assertFalse(lake.latestSummary(spark(), "raw", "users", m -> "2026-01-01".equals(m.get("nurselink.extract-date")))
        .isPresent());
  }

  @Test
  void aPartitionWrittenOnceCarriesInItsCommitTheFiguresObservedWhileItWasWritten() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    Partitioning p = Partitioning.identity("as_of_date");
    org.apache.spark.sql.Column[] metrics = {org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1))
        .as("n"), org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(
            org.apache.spark.sql.functions.col("rate").isNull(), 1)).as("null_rates")};
    java.util.function.Function<Row, Map<String, String>> figures =
        m -> Map.of("nurselink.figures", m.getLong(0) + " rows, " + m.getLong(1) + " null rates");
    LocalDate d1 = LocalDate.of(2026, 3, 30);
    LocalDate d2 = LocalDate.of(2026, 3, 31);
    lake.replacePartitionObserved(df(FEATURES, row(1L, 30.0, d1), row(2L, null, d1)), "features", "set_x", p,
        d1.toString(), metrics, figures);
    // the rows computed once: the write is the only Spark job (the status tracker learns of jobs through
    // the listener bus: drained before each count)
    spark().sparkContext().listenerBus().waitUntilEmpty();
    long jobs = spark().sparkContext().statusTracker().getJobIdsForGroup(null).length;
    Commit c = lake.replacePartitionObserved(df(FEATURES, row(3L, null, d2), row(4L, null, d2), row(5L, 1.0, d2)),
        "features", "set_x", p, d2.toString(), metrics, figures);
    spark().sparkContext().listenerBus().waitUntilEmpty();
    assertEquals(jobs + 1, spark().sparkContext().statusTracker().getJobIdsForGroup(null).length, "one Spark job");
    assertEquals(3, c.addedRows());
    assertEquals("3 rows, 2 null rates", lake.summary(spark(), "features", "set_x").get("nurselink.figures"));
    // the same partition again, its figures computed from the files written (when no observation reports)
    jobs = spark().sparkContext().statusTracker().getJobIdsForGroup(null).length;
    Commit again = lake.replacePartitionObserved(df(FEATURES, row(6L, null, d2)), "features", "set_x", p,
        d2.toString(), metrics, figures, false);
    spark().sparkContext().listenerBus().waitUntilEmpty();
    assertTrue(spark().sparkContext().statusTracker().getJobIdsForGroup(null).length > jobs + 1,
        "the files read back by another job");
    assertEquals(1, again.addedRows());
    assertEquals(3, again.deletedRows());
    assertEquals("1 rows, 1 null rates", lake.summary(spark(), "features", "set_x").get("nurselink.figures"));
    assertEquals(List.of("[1,30.0," + d1 + "]", "[2,null," + d1 + "]", "[6,null," + d2 + "]"),
        rows(lake.read(spark(), "features", "set_x")));
    // one commit per write on the table's history, every branch removed in it
    List<String> history = new ArrayList<>();
    lake.latestSummary(spark(), "features", "set_x", m -> !history.add(m.get("nurselink.figures")));
    assertEquals(List.of("1 rows, 1 null rates", "3 rows, 2 null rates", "2 rows, 1 null rates"), history);
    assertEquals(java.util.Set.of("main"), new org.apache.iceberg.hadoop.HadoopTables(
        spark().sparkContext().hadoopConfiguration()).load(dir.resolve("lake/features/set_x").toString()).refs().keySet());
    // the files main took over from the removed branches' snapshots survive those snapshots' expiry
    lake.expireSnapshots(spark(), Instant.now().plusSeconds(3600));
    assertEquals(List.of("[1,30.0," + d1 + "]", "[2,null," + d1 + "]", "[6,null," + d2 + "]"),
        rows(lake.read(spark(), "features", "set_x")));
    try (Stream<Path> files = Files.walk(dir.resolve("lake/features/set_x/data"))) {
      assertEquals(lake.dataFiles(spark(), "features", "set_x").stream().map(f -> f.replaceFirst("^file:", ""))
          .sorted().toList(), files.filter(f -> f.toString().endsWith(".parquet")).map(Path::toString).sorted().toList());
    }
  }

  @Test
  void aPartitionEmptiedWithoutASparkJobKeepsTheOthersAndAMissingTableIsCreated() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    Partitioning p = Partitioning.identity("extract_date");
    // a table that does not exist yet: created with the schema, no row
    Commit created = lake.emptyPartition(spark(), RAW, "quarantine", "users", p, "2026-03-30");
    assertEquals(0, created.addedRows());
    assertEquals(List.of(), rows(lake.read(spark(), "quarantine", "users")));
    assertEquals(List.of(RAW.fieldNames()), List.of(lake.read(spark(), "quarantine", "users").columns()));
    lake.replacePartition(df(RAW, row("1", "2026-03-30"), row("2", "2026-03-30")), "quarantine", "users", p,
        "2026-03-30", Map.of());
    lake.replacePartition(df(RAW, row("3", "2026-03-31")), "quarantine", "users", p, "2026-03-31", Map.of());
    // the status tracker learns of jobs through the listener bus: drained before each count
    spark().sparkContext().listenerBus().waitUntilEmpty();
    long jobs = spark().sparkContext().statusTracker().getJobIdsForGroup(null).length;
    assertTrue(jobs > 0, "the writes above ran Spark jobs");
    Commit emptied = lake.emptyPartition(spark(), RAW, "quarantine", "users", p, "2026-03-30");
    spark().sparkContext().listenerBus().waitUntilEmpty();
    assertEquals(jobs, spark().sparkContext().statusTracker().getJobIdsForGroup(null).length, "no Spark job");
    assertEquals(0, emptied.addedRows());
    assertEquals(2, emptied.deletedRows());
    assertEquals(1, emptied.totalRows());
    assertEquals(List.of("[3,2026-03-31]"), rows(lake.read(spark(), "quarantine", "users")));
    // again: nothing left to remove
    assertEquals(1, lake.emptyPartition(spark(), RAW, "quarantine", "users", p, "2026-03-30").totalRows());
    assertThrows(IllegalArgumentException.class, () -> lake.emptyPartition(spark(), RAW, "quarantine", "users",
        Partitioning.monthsOf("d", "m"), "2026-03"));
    // a column the rows would have brought is added, as a write of no rows adds it
    lake.emptyPartition(spark(), RAW.add("note", DataTypes.StringType), "quarantine", "users", p, "2026-03-31");
    assertEquals(List.of("id", "extract_date", "note"), List.of(lake.read(spark(), "quarantine", "users").columns()));
    assertEquals(List.of(), rows(lake.read(spark(), "quarantine", "users")));
  }

  @Test
  void aTableWithoutRowsKeepsItsColumns() {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    lake.replaceChangedPartitions(df(FACTS), "warehouse", "fact_empty", Partitioning.identity("service_month"));
    Dataset<Row> read = lake.read(spark(), "warehouse", "fact_empty");
    assertEquals(List.of("mission_id", "hourly_rate", "service_month"), List.of(read.columns()));
    assertEquals(0, read.count());
    assertEquals(List.of(), lake.dataFiles(spark(), "warehouse", "fact_empty"));
    assertEquals(null, lake.read(spark(), "warehouse", "never_written"));
  }

  @Test
  void duckDbReadingThePlannedDataFilesGetsExactlySparksRows() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    Partitioning p = Partitioning.monthsOf("start_date", "start_month");
    List<Row> in = new ArrayList<>();
    for (long i = 1; i <= 40; i++) {
      LocalDate d = LocalDate.of(2026, 1, 1).plusDays(i * 3);
      in.add(row(i, d, d.toString().substring(0, 7)));
    }
    lake.replaceChangedPartitions(spark().createDataFrame(in, CONTRACTS), "warehouse", "fact_c", p);
    lake.replaceChangedPartitions(spark().createDataFrame(in.subList(0, 30), CONTRACTS), "warehouse", "fact_c", p);
    List<String> files = lake.dataFiles(spark(), "warehouse", "fact_c");
    String list = files.stream().map(f -> "'" + f.replace("'", "''") + "'").collect(Collectors.joining(", "));
    List<String> duck = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT contract_id, start_date, start_month FROM read_parquet([" + list
            + "], hive_partitioning = false)")) {
      while (rs.next()) {
        duck.add("[" + rs.getLong(1) + "," + rs.getString(2) + "," + rs.getString(3) + "]");
      }
    }
    duck.sort(null);
    assertEquals(30, duck.size());
    assertEquals(rows(lake.read(spark(), "warehouse", "fact_c")), duck);
  }

  @Test
  void rawTablesAreWrittenWithoutDictionariesNorStatisticsAndEveryTableWithZstd() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    List<Row> in = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      in.add(row(String.valueOf(i % 3), "2026-03-30"));
    }
    for (String namespace : List.of("raw", "clean")) {
      lake.replacePartition(df(RAW, in.toArray(new Row[0])), namespace, "users", Partitioning.identity("extract_date"),
          "2026-03-30", Map.of());
      String list = lake.dataFiles(spark(), namespace, "users").stream().map(f -> "'" + f.replace("'", "''") + "'")
          .collect(Collectors.joining(", "));
      List<String> chunks = new ArrayList<>();
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT path_in_schema, compression, encodings, stats_min_value, "
              + "stats_max_value FROM parquet_metadata([" + list + "]) WHERE path_in_schema = 'id'")) {
        while (rs.next()) {
          chunks.add(rs.getString(2) + " " + rs.getString(3) + " min=" + rs.getString(4) + " max=" + rs.getString(5));
        }
      }
      assertFalse(chunks.isEmpty(), namespace);
      for (String chunk : chunks) {
        assertTrue(chunk.startsWith("ZSTD "), namespace + ": " + chunk);
        assertEquals(!namespace.equals("raw"), chunk.contains("DICTIONARY"), namespace + ": " + chunk);
        // the raw columns' values are not compared into a minimum and a maximum; the other layers'
        // are (Iceberg's file bounds, the readers' row-group skipping)
        assertEquals(namespace.equals("raw") ? "min=null max=null" : "min=0 max=2",
            chunk.substring(chunk.indexOf("min=")), namespace + ": " + chunk);
      }
    }
  }

  @Test
  void expiredSnapshotsAndTheFilesOnlyTheyReferencedAreGone() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    Partitioning p = Partitioning.identity("service_month");
    Commit first = lake.replaceChangedPartitions(df(FACTS, row(1L, 30.0, "2026-01"), row(2L, 40.0, "2026-02")),
        "warehouse", "fact_x", p);
    lake.replaceChangedPartitions(df(FACTS, row(1L, 31.0, "2026-01"), row(2L, 40.0, "2026-02")), "warehouse", "fact_x", p);
    lake.replaceChangedPartitions(df(FACTS, row(1L, 32.0, "2026-01"), row(2L, 40.0, "2026-02")), "warehouse", "fact_x", p);
    // each write puts the whole table on a branch (January and February), then copies the changed
    // January onto the table: no kept snapshot reads the two older Januaries, nor the 2 x 2 files
    // of the last two writes' branches (the first write's branch became the table)
    assertEquals(6, lake.expireSnapshots(spark(), Instant.now().plusSeconds(3600)));
    assertThrows(Exception.class, () -> lake.read(spark(), "warehouse", "fact_x", first.snapshotId()).count());
    try (Stream<Path> s = Files.walk(dir.resolve("lake/warehouse/fact_x/data"))) {
      List<String> onDisk = s.filter(f -> f.toString().endsWith(".parquet")).map(Path::toString).sorted().toList();
      assertEquals(lake.dataFiles(spark(), "warehouse", "fact_x").stream().map(f -> f.replaceFirst("^file:", ""))
          .sorted().toList(), onDisk);
    }
    assertEquals(List.of("[1,32.0,2026-01]", "[2,40.0,2026-02]"), rows(lake.read(spark(), "warehouse", "fact_x")));
  }

  @Test
  void theHadoopCatalogIsRefusedOnAnObjectStoreAndTheJdbcCatalogWorksOnASqliteFile() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new Lake("s3a://bucket/lake", CatalogSpec.hadoop()));
    assertEquals("lake.catalog=hadoop cannot commit atomically on s3a:// (object stores have no atomic rename): "
        + "set lake.catalog to jdbc or rest", e.getMessage());
    assertEquals("lake.catalog=jdbc needs lake.catalog-url (NURSELINK_LAKE_CATALOG_URL)",
        assertThrows(ConfigException.class, () -> new Lake("lake", new CatalogSpec("jdbc", null))).getMessage());

    Lake lake = new Lake(dir.resolve("lake").toString(),
        new CatalogSpec("jdbc", "jdbc:sqlite:" + dir.resolve("catalog.db")));
    Commit c = lake.replaceTable(df(FACTS, row(1L, 30.0, "2026-01")), "clean", "missions");
    Commit d = lake.replaceTable(df(FACTS, row(2L, 40.0, "2026-02"), row(3L, 41.0, "2026-02")), "clean", "missions");
    assertNotEquals(c.snapshotId(), d.snapshotId());
    assertEquals(2, d.totalRows());
    assertEquals(List.of("[2,40.0,2026-02]", "[3,41.0,2026-02]"), rows(lake.read(spark(), "clean", "missions")));
    assertTrue(Files.isDirectory(dir.resolve("lake/clean/missions/metadata")));
    // a second lake object on the same catalog sees the same table
    Lake again = new Lake(dir.resolve("lake").toString(),
        new CatalogSpec("jdbc", "jdbc:sqlite:" + dir.resolve("catalog.db")));
    assertEquals(d.snapshotId(), again.currentSnapshot(spark(), "clean", "missions").orElseThrow());
  }

  @Test
  void aTableWrittenWithoutFingerprintsIsReplacedWholeByTheChangedPartitionsWrite() {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    Partitioning p = Partitioning.identity("service_month");
    lake.replacePartition(df(FACTS, row(1L, 30.0, "2026-01")), "warehouse", "fact_x", p, "2026-01", Map.of());
    lake.replacePartition(df(FACTS, row(2L, 40.0, "2026-02")), "warehouse", "fact_x", p, "2026-02", Map.of());
    lake.replaceChangedPartitions(df(FACTS, row(3L, 50.0, "2026-03")), "warehouse", "fact_x", p);
    assertEquals(List.of("[3,50.0,2026-03]"), rows(lake.read(spark(), "warehouse", "fact_x")));
    assertEquals(List.of("2026-03"), lake.partitions(spark(), "warehouse", "fact_x"));
  }

  @Test
  void theLargestTimestampComesFromTheFilesBoundsAndEqualsSparksMax() {
    Lake lake = new Lake(dir.resolve("lake").toString(), CatalogSpec.hadoop());
    StructType schema = new StructType().add("id", DataTypes.LongType).add("updated_at", DataTypes.TimestampType)
        .add("month", DataTypes.StringType);
    assertEquals(null, lake.maxTimestamp(spark(), "clean", "t", "updated_at"), "no table");
    // three files (one per partition), microseconds kept, one file of nulls only
    Instant top = Instant.parse("2026-03-29T01:59:59.999999Z");
    lake.replaceChangedPartitions(df(schema, row(1L, Instant.parse("2026-01-05T10:00:00Z"), "2026-01"),
        row(2L, top, "2026-03"), row(3L, Instant.parse("2026-03-01T00:00:00Z"), "2026-03"),
        row(4L, null, "2026-04")), "clean", "t", Partitioning.identity("month"));
    assertTrue(lake.dataFiles(spark(), "clean", "t").size() >= 3, "a file per partition at least");
    Instant spark = (Instant) lake.read(spark(), "clean", "t").agg(org.apache.spark.sql.functions.max("updated_at"))
        .first().get(0);
    assertEquals(top, spark);
    assertEquals(top, lake.maxTimestamp(spark(), "clean", "t", "updated_at"));
    // only nulls, then no row at all
    lake.replaceTable(df(schema, row(5L, null, "2026-05")), "clean", "nulls");
    assertEquals(null, lake.maxTimestamp(spark(), "clean", "nulls", "updated_at"));
    lake.replaceTable(df(schema), "clean", "nulls");
    assertEquals(null, lake.maxTimestamp(spark(), "clean", "nulls", "updated_at"));
    assertThrows(IllegalArgumentException.class, () -> lake.maxTimestamp(spark(), "clean", "t", "month"));
  }

  @Test
  void theLocalFileSystemSetsPermissionsInProcess() throws Exception {
    org.apache.hadoop.fs.FileSystem fs = new LocalFileSystem();
    fs.initialize(java.net.URI.create("file:///"), new org.apache.hadoop.conf.Configuration());
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir.resolve("a/b/f.txt").toUri());
    try (var out = fs.create(p)) {
      out.write(1);
    }
    fs.setPermission(p, new org.apache.hadoop.fs.permission.FsPermission((short) 0640));
    assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("a/b/f.txt"))));
    assertTrue(fs.mkdirs(new org.apache.hadoop.fs.Path(dir.resolve("c/d").toUri()),
        new org.apache.hadoop.fs.permission.FsPermission((short) 0750)));
    assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("c/d"))));
    assertEquals("rw-r-----", fs.getFileStatus(p).getPermission().toString());
    // the session's file system for file: URIs
    assertEquals(LocalFileSystem.class.getName(), spark().sparkContext().hadoopConfiguration().get("fs.file.impl"));
    fs.close();
  }

  @Test
  void theLocalFileSystemWritesNoChecksumFilesAndKeepsThoseALakeWrittenBeforeHas() throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    org.apache.hadoop.fs.FileSystem fs = new LocalFileSystem();
    fs.initialize(java.net.URI.create("file:///"), conf);
    org.apache.hadoop.fs.Path fresh = new org.apache.hadoop.fs.Path(dir.resolve("new/f.txt").toUri());
    try (var out = fs.create(fresh)) {
      out.write("fresh".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(List.of("f.txt"), names(dir.resolve("new")));

    // a file of a lake written before, by Hadoop's own local file system: it has a checksum file
    org.apache.hadoop.fs.LocalFileSystem hadoop = new org.apache.hadoop.fs.LocalFileSystem();
    hadoop.initialize(java.net.URI.create("file:///"), conf);
    org.apache.hadoop.fs.Path old = new org.apache.hadoop.fs.Path(dir.resolve("old/v1.metadata.json").toUri());
    try (var out = hadoop.create(old)) {
      out.write("{\"v\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(List.of(".v1.metadata.json.crc", "v1.metadata.json"), names(dir.resolve("old")));
    // still verified when read: a byte changed on disk is an error, not a different document
    Path file = dir.resolve("old/v1.metadata.json");
    Files.writeString(file, "{\"v\": 2}");
    assertThrows(org.apache.hadoop.fs.ChecksumException.class, () -> {
      try (var in = fs.open(old)) {
        in.readAllBytes();
      }
    });
    Files.writeString(file, "{\"v\": 1}");
    try (var in = fs.open(old)) {
      assertEquals("{\"v\": 1}", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    // renamed with its file, and removed when the file is written again (no stale checksum left)
    org.apache.hadoop.fs.Path moved = new org.apache.hadoop.fs.Path(dir.resolve("old/v2.metadata.json").toUri());
    assertTrue(fs.rename(old, moved));
    assertEquals(List.of(".v2.metadata.json.crc", "v2.metadata.json"), names(dir.resolve("old")));
    try (var out = fs.create(moved, true)) {
      out.write("{\"v\": 22}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(List.of("v2.metadata.json"), names(dir.resolve("old")));
    try (var in = fs.open(moved)) {
      assertEquals("{\"v\": 22}", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    // a state file of the older lake replaced through the lake's files (a temporary file renamed over
    // it by Hadoop's FileContext, which moves checksum files but never removes the target's): the old
    // checksum goes, and the next read gets the new text instead of a checksum error
    Path older = dir.resolve("older-lake");
    try (var out = hadoop.create(new org.apache.hadoop.fs.Path(older.resolve("_state/pending.json").toUri()))) {
      out.write("{\"a\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(List.of(".pending.json.crc", "pending.json"), names(older.resolve("_state")));
    LakeFiles files = new Lake(older.toString(), CatalogSpec.hadoop()).files(spark());
    files.write("_state/pending.json", "{\"a\": 2}");
    assertEquals(List.of("pending.json"), names(older.resolve("_state")));
    assertEquals(java.util.Optional.of("{\"a\": 2}"), files.read("_state/pending.json"));
    fs.close();
    hadoop.close();
  }

  private static List<String> names(Path directory) throws java.io.IOException {
    try (Stream<Path> s = Files.list(directory)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theFingerprintsObservedDuringAWriteEqualThoseReadBackFromItsFiles() throws Exception {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("name", DataTypes.StringType)
        .add("at", DataTypes.TimestampType).add("month", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 2_000; i++) {
      rows.add(row(i, i % 7 == 0 ? null : "n" + i, Instant.ofEpochSecond(1_700_000_000L + i * 977),
          "2026-0" + (1 + i % 5)));
    }
    Dataset<Row> df = spark().createDataFrame(rows, schema).repartition(3);
    org.apache.spark.sql.Observation o = new org.apache.spark.sql.Observation("fp");
    df.observe(o, PartitionFingerprints.of("month", df.columns()).as("fp")).collectAsList();
    Map<String, String> observed = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
        (String) o.get().apply("fp"), new com.fasterxml.jackson.core.type.TypeReference<java.util.TreeMap<String, String>>() {});
    // hashes of both signs: the exact sum is a 128-bit number
    assertEquals(Lake.fingerprints(df, "month"), observed);
    assertEquals(5, observed.size());
    assertEquals(400, Long.parseLong(observed.get("2026-03").split(":")[0]));
  }
}
