package com.nurselink.warehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.pipeline.ExtractJob;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.sink.DuckDbWarehouse;
import com.nurselink.warehouse.sink.GoldTables;
import com.nurselink.warehouse.sink.PostgresWarehouse;
import com.nurselink.warehouse.staging.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production path against the local PostgreSQL server: PostgreSQL source -> lake ->
 * PostgreSQL warehouse ({@code --env staging}), compared with the embedded path (SQLite -> DuckDB)
 * on the same generated data; incremental runs; readers during loads; the analyst role.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresWarehousePipelineTest extends SparkTestBase {
  static final int MISSIONS = 400;
  static final LocalDate D = LocalDate.of(2026, 6, 30);
  static final List<String> KPIS = List.of("kpi_mission_daily", "kpi_mission_monthly", "kpi_contract_monthly",
      "kpi_headline");

  @TempDir static Path dir;
  final List<String> databases = new ArrayList<>();
  String source;
  String warehouse;
  Path pgLake;
  Path sqliteLake;
  final Map<String, List<List<Object>>> duckKpis = new LinkedHashMap<>();
  final Map<String, List<List<Object>>> pgKpisAfterFullRun = new LinkedHashMap<>();
  final Map<String, Double> seconds = new TreeMap<>();

  private String newDatabase(String prefix) throws SQLException {
    String name = PgServer.randomName(prefix);
    databases.add(name);
    return PgServer.createDatabase(name);
  }

  private Settings staging(String warehouseUrl, Path lake, String... overrides) {
    Settings.Builder b = Settings.builder().env("staging")
        .environment(Map.of("NURSELINK_WAREHOUSE_URL", warehouseUrl, "NURSELINK_PSEUDONYM_KEY", "test-key"))
        .override("lake.path=" + lake).override("spark.shuffle-partitions=2").override("extract.partitions=2")
        // the planning of large inputs (adaptive execution, broadcast joins), as production runs it; the
        // embedded path these runs are compared with is planned for a small input
        .override("spark.small-input-rows=0")
        .override("source.snapshot-dir=" + dir.resolve("snapshots"));
    for (String o : overrides) {
      b.override(o);
    }
    return b.build();
  }

  private void run(String label, Settings s, String src, LocalDate date, boolean fullRefresh) {
    long t0 = System.nanoTime();
    int rc = RunCommand.execute(s, src, date, List.of(), fullRefresh, false);
    seconds.merge(label, (System.nanoTime() - t0) / 1e9, Double::sum);
    assertEquals(0, rc, label + ": run failed");
  }

  @BeforeAll
  void fullRuns() throws Exception {
    Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    spark();
    source = newDatabase("nl_src_");
    warehouse = newDatabase("nl_wh_");
    Path sqlite = dir.resolve("source.db");
    Generator.create().missions(MISSIONS).seed(11).progress(new java.io.PrintStream(
        java.io.OutputStream.nullOutputStream())).sqlite(sqlite).postgres(source).run();

    // embedded path: SQLite -> lake -> DuckDB
    sqliteLake = dir.resolve("lake-sqlite");
    Path duck = dir.resolve("w.duckdb");
    Settings dev = Settings.builder().env("dev").environment(Map.of()).override("lake.path=" + sqliteLake)
        .override("warehouse.duckdb-path=" + duck).override("spark.shuffle-partitions=2")
        .override("source.snapshot-dir=" + dir.resolve("snapshots")).build();
    run("sqlite->duckdb full", dev, sqlite.toString(), D, false);

    // production path: PostgreSQL -> lake -> PostgreSQL
    pgLake = dir.resolve("lake-pg");
    run("pg->pg full", staging(warehouse, pgLake), source, D, false);
    try (Connection c = DriverManager.getConnection(warehouse)) {
      for (String t : KPIS) {
        pgKpisAfterFullRun.put(t, PgServer.rows(c, "SELECT * FROM " + t));
      }
      try (Connection d = new DuckDbWarehouse(duck).openReadOnly()) {
        for (String t : KPIS) {
          duckKpis.put(t, PgServer.rows(d, "SELECT " + String.join(", ", PgServer.columns(c, t)) + " FROM " + t));
        }
      }
    }
  }

  @AfterAll
  void dropDatabases() throws SQLException {
    System.out.println("PostgresWarehousePipelineTest timings (s): " + seconds);
    for (String db : databases) {
      PgServer.dropDatabase(db);
    }
  }

  @Test
  void postgresTimestampTextIsReadByTheStaging() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    assertEquals(Instant.parse("2026-06-30T08:00:00Z"), Timestamps.parse("2026-06-30 08:00:00+00", paris));
    assertEquals(Instant.parse("2026-01-15T08:00:00.123456Z"), Timestamps.parse("2026-01-15 09:00:00.123456+01", paris));
    assertEquals(Instant.parse("2026-01-15T03:30:00Z"), Timestamps.parse("2026-01-15 09:00:00+05:30", paris));
  }

  /** Every SPEC table is in the PostgreSQL warehouse, and its KPIs equal the embedded path's. */
  @Test
  void postgresPathGivesTheKpisOfTheEmbeddedPath() throws Exception {
    try (Connection c = DriverManager.getConnection(warehouse)) {
      for (GoldTables.Gold g : GoldTables.all()) {
        assertTrue(PgServer.count(c, "SELECT count(*) FROM " + g.name()) > 0, g.name() + " is empty");
      }
      assertTrue(PgServer.count(c, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'fact_contract'::regclass") > 1,
          "fact_contract has its month partitions");
      assertEquals(6, PgServer.count(c, "SELECT count(*) FROM etl_runs WHERE status = 'success' AND logical_date = '"
          + D + "'"));
      assertEquals(4, PgServer.count(c, "SELECT count(*) FROM etl_watermarks"));
      assertEquals(3, PgServer.count(c, "SELECT count(*) FROM warehouse_schema_history"));
    }
    for (String t : KPIS) {
      assertTrue(!duckKpis.get(t).isEmpty(), t);
      PgServer.assertSameRows(t, duckKpis.get(t), pgKpisAfterFullRun.get(t));
    }
  }

  /** Loaded-at of every warehouse partition. */
  private static Map<String, String> loadedAt(Connection c) throws SQLException {
    Map<String, String> m = new TreeMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT table_name, partition, loaded_at::text FROM warehouse_loaded_partitions")) {
      while (rs.next()) {
        m.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
      }
    }
    return m;
  }

  private static Set<String> rewritten(Map<String, String> before, Map<String, String> after, String table) {
    Set<String> out = new TreeSet<>();
    after.forEach((k, v) -> {
      if (k.startsWith(table + "/") && !v.equals(before.get(k))) {
        out.add(k.substring(k.indexOf('=') + 1));
      }
    });
    return out;
  }

  private static Set<String> months(Connection src, String sql) throws SQLException {
    Set<String> out = new TreeSet<>();
    try (Statement st = src.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * Every PostgreSQL gold table equals Spark's read of the lake's Iceberg table (its current
   * snapshot, through the JDBC catalog in the warehouse database): the read is copied into a
   * scratch table of the same database and compared there, EXCEPT ALL both ways.
   */
  @Test
  void everyPostgresGoldTableEqualsSparksReadOfTheIcebergTable() throws Exception {
    Lake lake = new Lake(pgLake.toString(), new Lake.CatalogSpec("jdbc", warehouse));
    List<String> differences = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(warehouse); Statement st = c.createStatement()) {
      for (GoldTables.Gold g : GoldTables.all()) {
        String copy = "lake_read_" + g.name();
        Dataset<Row> read = lake.read(spark(), g.layer(), g.name());
        read.write().mode("overwrite").jdbc(warehouse, copy, new java.util.Properties());
        List<String> cols = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT column_name, data_type FROM information_schema.columns "
            + "WHERE table_schema = current_schema() AND table_name = '" + copy + "' ORDER BY ordinal_position")) {
          while (rs.next()) {
            cols.add("CAST(\"" + rs.getString(1) + "\" AS " + rs.getString(2) + ")");
          }
        }
        assertEquals(read.columns().length, cols.size(), g.name());
        String wh = "SELECT " + String.join(", ", cols) + " FROM " + g.name();
        String fromLake = "SELECT " + String.join(", ", cols) + " FROM " + copy;
        for (String sql : List.of(wh + " EXCEPT ALL " + fromLake, fromLake + " EXCEPT ALL " + wh)) {
          long n = PgServer.count(c, "SELECT count(*) FROM (" + sql + ") d");
          if (n != 0) {
            differences.add(g.name() + ": " + n + " rows of " + sql);
          }
        }
        assertEquals(read.count(), PgServer.count(c, "SELECT count(*) FROM " + g.name()), g.name());
        st.execute("DROP TABLE " + copy);
      }
    }
    assertEquals(List.of(), differences);
  }

  private Map<String, List<List<Object>>> goldRows(String url) throws SQLException {
    Map<String, List<List<Object>>> m = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(url)) {
      for (GoldTables.Gold g : GoldTables.all()) {
        m.put(g.name(), PgServer.rows(c, "SELECT * FROM " + g.name()));
      }
    }
    return m;
  }

  /**
   * Late updates and inserts in the source (some with updated_at equal to the committed watermark
   * exactly), then an incremental run: its warehouse equals a full refresh's, row for row, and
   * it rewrote exactly the KPI partitions the changes touch.
   */
  @Test
  void incrementalRunEqualsAFullRefreshAndRewritesOnlyTouchedPartitions() throws Exception {
    String month = "to_char(start_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM')";
    Map<String, String> before;
    Set<String> missionMonths;
    Set<String> contractMonths;
    Set<String> contractMonthsPossible;
    try (Connection wh = DriverManager.getConnection(warehouse); Connection src = DriverManager.getConnection(source);
        Statement st = src.createStatement()) {
      before = loadedAt(wh);
      String wmMissions = PgServer.string(warehouse, "SELECT watermark FROM etl_watermarks WHERE source_table = 'missions'");
      String wmContracts = PgServer.string(warehouse, "SELECT watermark FROM etl_watermarks WHERE source_table = 'contracts'");
      assertTrue(wmMissions != null && wmContracts != null, "watermarks committed by the full run");
      // old missions: status and rate change; the first one exactly at the watermark
      List<Long> old = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT id FROM missions WHERE status IN ('open', 'filled') "
          + "ORDER BY start_at LIMIT 3")) {
        while (rs.next()) {
          old.add(rs.getLong(1));
        }
      }
      assertEquals(3, old.size());
      st.execute("UPDATE missions SET status = 'cancelled', hourly_rate = hourly_rate + 7.5, updated_at = TIMESTAMPTZ '"
          + wmMissions + "' WHERE id = " + old.get(0));
      st.execute("UPDATE missions SET status = 'completed', hourly_rate = hourly_rate + 1.25, updated_at = now() "
          + "WHERE id IN (" + old.get(1) + ", " + old.get(2) + ")");
      // new missions in one month
      st.execute("INSERT INTO missions (id, establishment_id, title, specialty, location, hourly_rate, status, start_at, "
          + "end_at, created_at, updated_at) SELECT max(id) + g, (SELECT min(establishment_id) FROM missions), 'late', "
          + "'icu', 'Lyon', 44.50, 'completed', TIMESTAMPTZ '2025-02-10 08:00:00+01', TIMESTAMPTZ '2025-02-10 16:00:00+01', "
          + "TIMESTAMPTZ '2025-01-20 10:00:00+01', now() FROM missions, generate_series(1, 2) g GROUP BY g");
      // a contract's hours, exactly at the contracts watermark
      long contract = PgServer.count(src, "SELECT min(id) FROM contracts WHERE hours_worked IS NOT NULL");
      st.execute("UPDATE contracts SET hours_worked = hours_worked + 3, updated_at = TIMESTAMPTZ '" + wmContracts
          + "' WHERE id = " + contract);
      String ids = old.get(0) + ", " + old.get(1) + ", " + old.get(2);
      missionMonths = months(src, "SELECT " + month + " FROM missions WHERE id IN (" + ids + ") OR title = 'late'");
      contractMonths = months(src, "SELECT to_char(start_date, 'YYYY-MM') FROM contracts WHERE id = " + contract);
      contractMonthsPossible = months(src, "SELECT to_char(start_date, 'YYYY-MM') FROM contracts WHERE id = "
          + contract + " OR mission_id IN (" + ids + ")");
    }

    LocalDate next = D.plusDays(1);
    run("pg->pg incremental", staging(warehouse, pgLake, "extract.overlap-seconds=0"), source, next, false);
    Map<String, String> afterIncremental;
    try (Connection wh = DriverManager.getConnection(warehouse)) {
      afterIncremental = loadedAt(wh);
      long extracted = PgServer.count(wh, "SELECT rows_in FROM etl_runs WHERE job = 'extract' AND logical_date = '"
          + next + "'");
      long sourceRows = PgServer.count(wh, "SELECT rows_in FROM etl_runs WHERE job = 'extract' AND logical_date = '"
          + D + "'");
      assertTrue(extracted < sourceRows / 4, "incremental extract read " + extracted + " of " + sourceRows + " rows");
    }
    // the lake's catalog is in the warehouse database (staging: lake.catalog=jdbc)
    Lake lake = new Lake(pgLake.toString(), new Lake.CatalogSpec("jdbc", warehouse));
    String day = next.toString();
    Map<String, String> rawCommit = lake.latestSummary(spark(), "raw", "missions",
        m -> day.equals(m.get(ExtractJob.EXTRACT_DATE_PROPERTY))).orElseThrow();
    assertTrue(ExtractJob.incremental(rawCommit.get(ExtractJob.MARKER)), rawCommit.toString());
    // the late updates rewrote exactly the KPI months they touch, in one commit (its snapshot summary)
    Map<String, String> kpiCommit = lake.summary(spark(), "warehouse", "kpi_mission_daily");
    assertEquals(String.valueOf(missionMonths.size()), kpiCommit.get("changed-partition-count"), kpiCommit.toString());
    assertEquals(missionMonths, rewritten(before, afterIncremental, "kpi_mission_daily"));
    assertEquals(missionMonths, rewritten(before, afterIncremental, "kpi_mission_monthly"));
    Set<String> contractRewritten = rewritten(before, afterIncremental, "kpi_contract_monthly");
    assertTrue(contractRewritten.containsAll(contractMonths) && contractMonthsPossible.containsAll(contractRewritten),
        "kpi_contract_monthly rewrote " + contractRewritten + "; expected " + contractMonths + " within "
            + contractMonthsPossible);
    Map<String, List<List<Object>>> incremental = goldRows(warehouse);
    try (Connection wh = DriverManager.getConnection(warehouse)) {
      assertEquals(2, PgServer.count(wh, "SELECT count(*) FROM fact_mission WHERE hourly_rate = 44.5 "
          + "AND service_month = '2025-02' AND status = 'completed' AND mission_id > " + MISSIONS / 2));
    }

    // the same date recomputed from scratch into the same warehouse: nothing changes
    run("pg->pg full refresh", staging(warehouse, pgLake), source, next, true);
    Map<String, String> afterFull;
    try (Connection wh = DriverManager.getConnection(warehouse)) {
      afterFull = loadedAt(wh);
    }
    // (kpi_headline is one row per date published without a content fingerprint: reloaded every time)
    for (String t : List.of("kpi_mission_daily", "kpi_mission_monthly", "kpi_contract_monthly")) {
      assertEquals(Set.of(), rewritten(afterIncremental, afterFull, t), t + " changed by the full refresh");
    }
    Map<String, List<List<Object>>> full = goldRows(warehouse);
    for (GoldTables.Gold g : GoldTables.all()) {
      PgServer.assertSameRows(g.name(), full.get(g.name()), incremental.get(g.name()));
    }
  }

  /**
   * Loads alternate between two versions of a fact_contract partition and of a kpi_mission_daily
   * partition while a reader counts them: it only ever sees the old or the new total.
   */
  @Test
  void aReaderDuringLoadsSeesTheOldOrTheNewPartition() throws Exception {
    String wh = newDatabase("nl_whc_");
    Lake base = new Lake(sqliteLake);
    Dataset<Row> contracts = base.read(spark(), "warehouse", "fact_contract");
    Dataset<Row> kpis = base.read(spark(), "warehouse", "kpi_mission_daily");
    String cMonth = contracts.groupBy("start_month").count().orderBy(functions.desc("count")).first().getString(0);
    String kMonth = kpis.groupBy("service_month").count().orderBy(functions.desc("count")).first().getString(0);
    Lake full = new Lake(dir.resolve("lake-full"));
    Lake fewer = new Lake(dir.resolve("lake-fewer"));
    var byContractMonth = ModelRegistry.byName("fact_contract").partitioning();
    var byServiceMonth = ModelRegistry.byName("kpi_mission_daily").partitioning();
    full.replaceChangedPartitions(contracts, "warehouse", "fact_contract", byContractMonth);
    full.replaceChangedPartitions(kpis, "warehouse", "kpi_mission_daily", byServiceMonth);
    fewer.replaceChangedPartitions(contracts.where("contract_key % 2 = 0"), "warehouse", "fact_contract",
        byContractMonth);
    fewer.replaceChangedPartitions(kpis.where("dayofmonth(service_date) % 2 = 0"), "warehouse", "kpi_mission_daily",
        byServiceMonth);
    List<GoldTables.Gold> tables = List.of(GoldTables.byName("fact_contract"), GoldTables.byName("kpi_mission_daily"));
    PostgresWarehouse pg = new PostgresWarehouse(wh);
    pg.load(spark(), full, tables);
    String qc = "SELECT count(*) FROM fact_contract WHERE start_month = '" + cMonth + "'";
    String qk = "SELECT count(*) FROM kpi_mission_daily WHERE service_month = '" + kMonth + "'";
    Set<Long> allowedC;
    Set<Long> allowedK;
    try (Connection c = DriverManager.getConnection(wh)) {
      long c1 = PgServer.count(c, qc);
      long k1 = PgServer.count(c, qk);
      pg.load(spark(), fewer, tables);
      allowedC = Set.of(c1, PgServer.count(c, qc));
      allowedK = Set.of(k1, PgServer.count(c, qk));
    }
    assertEquals(2, allowedC.size(), "the two versions differ: " + allowedC);
    assertEquals(2, allowedK.size(), "the two versions differ: " + allowedK);

    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    Map<String, Set<Long>> seen = new ConcurrentHashMap<>(Map.of("c", ConcurrentHashMap.newKeySet(),
        "k", ConcurrentHashMap.newKeySet()));
    List<Throwable> errors = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (Connection c = DriverManager.getConnection(wh)) {
        for (int i = 0; i < 20_000 && loading.get(); i++) {
          seen.get("c").add(PgServer.count(c, qc));
          seen.get("k").add(PgServer.count(c, qk));
          reads.incrementAndGet();
        }
      } catch (Throwable e) {
        synchronized (errors) {
          errors.add(e);
        }
      }
    });
    reader.start();
    try {
      for (int i = 0; i < 4; i++) {
        pg.load(spark(), i % 2 == 0 ? full : fewer, tables);
      }
    } finally {
      loading.set(false);
      reader.join(60_000);
    }
    assertTrue(errors.isEmpty(), () -> "reader failed: " + errors);
    assertTrue(reads.get() > 0);
    assertTrue(allowedC.containsAll(seen.get("c")), "fact_contract " + cMonth + ": saw " + seen.get("c")
        + ", allowed " + allowedC);
    assertTrue(allowedK.containsAll(seen.get("k")), "kpi_mission_daily " + kMonth + ": saw " + seen.get("k")
        + ", allowed " + allowedK);
    System.out.println("concurrent reader: " + reads.get() + " reads, fact_contract counts seen " + seen.get("c")
        + ", kpi counts seen " + seen.get("k"));
  }

  /** A login role member of analyst reads the marts (partitions created later included) and nothing else. */
  @Test
  void analystsReadTheMartsOnly() throws Exception {
    String role = PgServer.randomName("nl_alice_");
    try (Connection admin = PgServer.admin(); Statement st = admin.createStatement()) {
      st.execute("CREATE ROLE " + role + " LOGIN IN ROLE analyst");
    }
    String db = warehouse.substring(PgServer.SERVER.length(), warehouse.indexOf('?'));
    try {
      // a fact_contract partition created after the grants
      PgServer.exec(warehouse, "CREATE TABLE IF NOT EXISTS fact_contract_2030_01 PARTITION OF fact_contract "
          + "FOR VALUES IN ('2030-01')", "INSERT INTO fact_contract (contract_key, start_month) VALUES (-99, '2030-01')");
      try (Connection c = DriverManager.getConnection(PgServer.url(db, role)); Statement st = c.createStatement()) {
        for (GoldTables.Gold g : GoldTables.all()) {
          assertTrue(PgServer.count(c, "SELECT count(*) FROM " + g.name()) > 0, g.name());
        }
        assertEquals(1, PgServer.count(c, "SELECT count(*) FROM fact_contract WHERE start_month = '2030-01'"));
        for (String denied : List.of("INSERT INTO kpi_headline (as_of_date) VALUES (DATE '2030-01-01')",
            "UPDATE kpi_mission_daily SET missions_total = 0", "DELETE FROM fact_contract",
            "DELETE FROM dim_date", "UPDATE features_nurse SET city = 'x'", "TRUNCATE fact_mission",
            "SELECT * FROM etl_runs", "SELECT * FROM etl_watermarks", "SELECT * FROM warehouse_loaded_partitions",
            "CREATE TABLE kpi_mine (x int)", "SELECT * FROM fact_contract_2030_01")) {
          try {
            st.execute(denied);
            fail("analyst could run: " + denied);
          } catch (SQLException e) {
            assertEquals("42501", e.getSQLState(), denied + ": " + e.getMessage());
          }
        }
      }
    } finally {
      PgServer.exec(warehouse, "DELETE FROM fact_contract WHERE start_month = '2030-01'",
          "DROP TABLE fact_contract_2030_01");
      try (Connection admin = PgServer.admin(); Statement st = admin.createStatement()) {
        st.execute("DROP ROLE " + role);
      }
    }
  }
}
