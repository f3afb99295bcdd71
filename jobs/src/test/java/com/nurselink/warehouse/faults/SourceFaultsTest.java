package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.cli.Main;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.pipeline.LakeSources;
import com.nurselink.warehouse.source.Sources;
import com.nurselink.warehouse.source.Retry;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source that is missing, unreadable, locked, corrupt, down or drifted: the run stops in extract
 * with one error line naming the source (password masked) and exit 1, the ledger says failed, and
 * what earlier runs published (lake and DuckDB) is exactly as it was. A lock or a refused
 * connection is retried with backoff first.
 */
class SourceFaultsTest extends SparkTestBase {
  private static final String DATE = "2026-03-10";
  @TempDir static Path shared;
  @TempDir Path dir;

  private static Path good;
  /**
   * Where every test runs: the previous run's outputs restored there before each test. Always the
   * same directory, because an Iceberg table's metadata holds the absolute paths of its files: a
   * copy of the lake is only the same lake at the path it was taken from.
   */
  private static Path work;
  private static Path image;
  private static Map<String, List<String>> baseDuck;

  /** A previous successful run (extract, stage and load) whose outputs every failure must leave alone. */
  @BeforeAll
  static void previousRun() throws Exception {
    spark();
    Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    good = shared.resolve("good.db");
    Generator.create().missions(120).seed(7).dirty(true).writeSqlite(good);
    work = shared.resolve("w");
    Runs.Result r = Runs.inProcess(Runs.runArgs(work, good.toString(), DATE, "--jobs", "extract,stage,load"));
    assertEquals(0, r.code(), r.all());
    baseDuck = Runs.duckContent(work.resolve("wh.duckdb"));
    image = shared.resolve("image");
    Runs.copyTree(work, image);
    assertTrue(baseDuck.containsKey("clean_missions"), baseDuck.keySet().toString());
  }

  private Map<String, String> lakeBefore;

  @BeforeEach
  void restorePreviousOutputs() throws Exception {
    Runs.deleteTree(work);
    Runs.copyTree(image, work);
  }

  /**
   * A run on {@code source} over the previous outputs, {@code source} standing for the site's own
   * database gone bad (the lake records it as the source it was built from).
   */
  private Runs.Result run(String source, String... extra) throws Exception {
    Lake lake = new Lake(work.resolve("lake"));
    LakeSources.record(lake, spark(), Sources.resolve(Settings.defaults(), source));
    lakeBefore = currentSnapshots();
    return Runs.inProcess(Runs.runArgs(work, source, DATE, extra));
  }

  /** The current snapshot of every table of the lake, by {@code namespace.table}, and the state files. */
  private static Map<String, String> currentSnapshots() throws Exception {
    Lake lake = new Lake(work.resolve("lake"));
    Map<String, String> m = new java.util.TreeMap<>();
    for (String ns : Lake.LAYERS) {
      Path d = work.resolve("lake").resolve(ns);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (var tables = Files.list(d)) {
        for (Path t : tables.filter(p -> Files.isDirectory(p.resolve("metadata"))).toList()) {
          String name = t.getFileName().toString();
          m.put(ns + "." + name, String.valueOf(lake.currentSnapshot(spark(), ns, name).orElse(-1L)));
        }
      }
    }
    for (String f : List.of("_sources.json", "_state/pending_watermarks.json")) {
      Path p = work.resolve("lake").resolve(f);
      m.put(f, Files.exists(p) ? Files.readString(p) : "absent");
    }
    return m;
  }

  /** The raw partition of the run's date of a table. */
  private static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rawOf(String table) {
    return new Lake(work.resolve("lake")).readPartition(spark(), "raw", table,
        Lake.Partitioning.identity("extract_date"), DATE);
  }

  /** Exit 1, one error line containing {@code expected}, a failed extract in the ledger, outputs intact. */
  private void assertFailedCleanly(Runs.Result r, String expected) throws Exception {
    assertEquals(Main.EXIT_FAILED, r.code(), r.all());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("nurselink: error:")).toList();
    assertEquals(1, errors.size(), r.err());
    assertTrue(errors.get(0).startsWith("nurselink: error: job extract failed: "), errors.get(0));
    assertTrue(errors.get(0).contains(expected), errors.get(0));
    List<String> ledger = Runs.ledger(work.resolve("wh.duckdb"));
    String last = ledger.get(ledger.size() - 1);
    assertTrue(last.contains("|extract|failed|") && last.contains(expected), last);
    // what readers see: every table at the snapshot it was at (a table staged before the failure
    // holds its files on a branch of its own, never current)
    Runs.assertSameContent(lakeBefore, currentSnapshots(), "the lake");
    Runs.assertSameContent(baseDuck, Runs.duckContent(work.resolve("wh.duckdb")), "the warehouse");
  }

  @Test
  void missingFile() throws Exception {
    Path absent = dir.resolve("absent.db");
    assertFailedCleanly(run(absent.toString()), "source file not found: " + absent);
  }

  /**
   * Tests run as root, for whom chmod 000 does not deny reading: a directory where the file
   * should be is the unreadable source here (the same check refuses a file without read permission).
   */
  @Test
  void unreadableFile() throws Exception {
    Path d = Files.createDirectories(dir.resolve("adir.db"));
    assertFailedCleanly(run(d.toString()), "source file not readable: " + d);
  }

  @Test
  void truncatedFile() throws Exception {
    Path t = dir.resolve("truncated.db");
    Files.copy(good, t);
    try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
      f.setLength(f.length() * 7 / 10);
    }
    assertFailedCleanly(run(t.toString()), t + ": not a valid SQLite database (corrupt or truncated)");
  }

  /**
   * A damaged page in the middle of the last table read: the schema checks and the first tables
   * read fine, the failure comes while reading contracts. Nothing of the extract is published.
   */
  @Test
  void corruptPageInsideTheLastTable() throws Exception {
    Path t = dir.resolve("damaged.db");
    Files.copy(good, t);
    corruptMiddleLeaf(t, "contracts");
    assertFailedCleanly(run(t.toString(), "--jobs", "extract"), "cannot read " + t + " table contracts: ");
  }

  /** The retry waits asked for ({@code what|retry|millis}); none is waited for real. */
  private final List<String> waits = new ArrayList<>();

  @AfterEach
  void realWaitsAgain() {
    Retry.defaultSleeper(null);
  }

  /** Records each wait of the extract's retries and runs {@code during} in it, instead of sleeping. */
  private void duringEachWait(Runnable during) {
    Retry.defaultSleeper((what, retry, millis) -> {
      waits.add(what + "|" + retry + "|" + millis);
      during.run();
    });
  }

  /** The retry lines of a run's progress, without their time and job prefix. */
  private static List<String> retryLines(Runs.Result r) {
    return r.err().lines().filter(l -> l.contains("; retry "))
        .map(l -> l.replaceFirst("^\\[\\s*[0-9.]+s\\] extract\\s+", "")).toList();
  }

  /** A lock that is never released: every retry of the first table fails, then the run, exactly. */
  @Test
  void lockedByAWriterIsRetriedThenFails() throws Exception {
    Path t = dir.resolve("locked.db");
    Files.copy(good, t);
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + t); Statement st = writer.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      st.execute("UPDATE missions SET title = title || '!' WHERE rowid = 1");
      duringEachWait(() -> { });
      Runs.Result r = run(t.toString(), "--conf", "extract.retries=3", "--conf", "extract.retry-backoff-ms=50",
          "--conf", "extract.busy-timeout-ms=100");
      String locked = "cannot snapshot " + t + ": database is locked by a writer";
      assertEquals(List.of("users from " + t + "|1|50", "users from " + t + "|2|100", "users from " + t + "|3|200"),
          waits, "3 retries after the first attempt, waits doubling");
      String busy = "users from " + t + ": " + locked + ": [SQLITE_BUSY] The database file is locked (database is locked)";
      assertEquals(List.of(busy + "; retry 1/3 in 50 ms", busy + "; retry 2/3 in 100 ms",
          busy + "; retry 3/3 in 200 ms"), retryLines(r));
      assertFailedCleanly(r, locked);
      st.execute("ROLLBACK");
    }
  }

  /**
   * The writer commits during the first wait of the backoff (the wait is where the test releases
   * the lock): the retry finds the file free and the extract goes through, after exactly one retry.
   */
  @Test
  void lockReleasedDuringTheBackoffLetsTheExtractThrough() throws Exception {
    Path t = dir.resolve("busy.db");
    Files.copy(good, t);
    Connection writer = DriverManager.getConnection("jdbc:sqlite:" + t);
    Statement st = writer.createStatement();
    st.execute("BEGIN EXCLUSIVE");
    st.execute("UPDATE missions SET title = title || '!' WHERE rowid = 1");
    duringEachWait(() -> {
      try {
        if (!writer.isClosed()) {
          st.execute("COMMIT");
          writer.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Runs.Result r = run(t.toString(), "--jobs", "extract", "--conf", "extract.retries=6",
        "--conf", "extract.retry-backoff-ms=200", "--conf", "extract.busy-timeout-ms=100");
    assertEquals(0, r.code(), r.all());
    assertEquals(List.of("users from " + t + "|1|200"), waits, "one retry, of the table whose snapshot met the lock");
    assertEquals(List.of("users from " + t + ": cannot snapshot " + t + ": database is locked by a "
        + "writer: [SQLITE_BUSY] The database file is locked (database is locked); retry 1/6 in 200 ms"), retryLines(r));
    assertTrue(writer.isClosed());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + t); Statement q = c.createStatement()) {
      for (String table : List.of("users", "missions")) {
        try (ResultSet rs = q.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          assertEquals(rs.getLong(1), rawOf(table).count(), table);
        }
      }
      try (ResultSet rs = q.executeQuery("SELECT title FROM missions WHERE rowid = 1")) {
        rs.next();
        assertTrue(rs.getString(1).endsWith("!"), "the writer's commit is in the source: " + rs.getString(1));
      }
    }
  }

  @Test
  void postgresSourceDownIsRetriedAndMasked() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String secret = "Pw-0f-the-etl-Reader";
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/app?user=etl_reader&password=" + secret;
    duringEachWait(() -> { });
    Runs.Result r = run(url, "--conf", "extract.retries=2", "--conf", "extract.retry-backoff-ms=20");
    String masked = "users from jdbc:postgresql://127.0.0.1:" + port + "/app?user=etl_reader&password=***";
    assertEquals(List.of(masked + "|1|20", masked + "|2|40"), waits);
    assertTrue(r.err().contains("retry 2/2 in 40 ms"), r.err());
    assertFailedCleanly(r, "cannot read jdbc:postgresql://127.0.0.1:" + port
        + "/app?user=etl_reader&password=*** table users: ");
    assertTrue(r.err().contains("refused"), r.err());
    assertFalse(r.all().contains(secret), r.all());
    assertFalse(String.join("\n", Runs.ledger(work.resolve("wh.duckdb"))).contains(secret));
  }

  @Test
  void schemaDriftFollowsThePolicyBeforeAnyWrite() throws Exception {
    Path added = dir.resolve("added.db");
    Files.copy(good, added);
    sqlite(added, "ALTER TABLE contracts ADD COLUMN bonus REAL");
    assertFailedCleanly(run(added.toString()), "schema drift in " + added + " table contracts: new column(s) bonus "
        + "(set extract.schema-drift=ignore-new-columns to accept)");
    // a dropped optional column is a breaking change: only "tolerate" reads it as NULL
    Path dropped = dir.resolve("dropped.db");
    Files.copy(added, dropped);
    sqlite(dropped, "ALTER TABLE users DROP COLUMN specialty");
    String refused = "schema drift in " + dropped + " table users: optional column(s) missing: specialty "
        + "(set extract.schema-drift=tolerate to read missing optional columns as NULL)";
    assertFailedCleanly(run(dropped.toString()), refused);
    assertFailedCleanly(run(dropped.toString(), "--conf", "extract.schema-drift=ignore-new-columns"), refused);

    Runs.Result ignored = run(added.toString(), "--jobs", "extract", "--conf",
        "extract.schema-drift=ignore-new-columns");
    assertEquals(0, ignored.code(), ignored.all());
    assertTrue(ignored.err().contains("contracts: schema drift tolerated: missing optional [], new ignored [bonus]"),
        ignored.err());
    Runs.Result ok = run(dropped.toString(), "--jobs", "extract", "--conf", "extract.schema-drift=tolerate");
    assertEquals(0, ok.code(), ok.all());
    assertTrue(ok.err().contains("users: schema drift tolerated: missing optional [specialty], new ignored []"),
        ok.err());
    assertTrue(ok.err().contains("contracts: schema drift tolerated: missing optional [], new ignored [bonus]"),
        ok.err());
    long nulls = rawOf("users").where("specialty IS NOT NULL").count();
    assertEquals(0, nulls);
  }

  @Test
  void renamedTableFailsBeforeAnyWrite() throws Exception {
    Path t = dir.resolve("renamed.db");
    Files.copy(good, t);
    sqlite(t, "ALTER TABLE mission_applications RENAME TO applications");
    assertFailedCleanly(run(t.toString()), "table mission_applications not found in " + t);
  }

  // ---- helpers --------------------------------------------------------------------------------

  static void sqlite(Path db, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /**
   * Damages a leaf page of {@code table} that is neither its first nor its last one (so min/max
   * of the rowid still answer): its page-type byte becomes 0, which SQLite reports as corrupt.
   */
  static void corruptMiddleLeaf(Path db, String table) throws Exception {
    int pageSize;
    int root;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("PRAGMA page_size")) {
        rs.next();
        pageSize = rs.getInt(1);
      }
      try (ResultSet rs = st.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'")) {
        rs.next();
        root = rs.getInt(1);
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      long at = (long) (root - 1) * pageSize;
      f.seek(at);
      int type = f.read();
      assertEquals(0x05, type, "the root of " + table + " is an interior table page (enough rows)");
      f.seek(at + 3);
      int cells = f.readUnsignedShort();
      assertTrue(cells >= 2, "several leaves");
      List<Integer> children = new ArrayList<>();
      for (int i = 0; i < cells; i++) {
        f.seek(at + 12 + 2L * i);
        int cellOffset = f.readUnsignedShort();
        f.seek(at + cellOffset);
        children.add(f.readInt());
      }
      int leaf = children.get(cells / 2);
      f.seek((long) (leaf - 1) * pageSize);
      assertEquals(0x0D, f.read(), "a leaf table page");
      f.seek((long) (leaf - 1) * pageSize);
      f.write(0);
    }
  }
}
