package com.nurselink.warehouse.migrate;

import com.nurselink.warehouse.migrate.ColumnPlan.Strategy;
import com.nurselink.warehouse.migrate.Profiler.TableProfile;
import com.nurselink.warehouse.migrate.Verifier.TableCheck;
import com.nurselink.warehouse.source.SqliteFile;
import com.nurselink.warehouse.source.SqliteSnapshots;
import com.nurselink.warehouse.util.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;

/**
 * Migrates a SQLite file into a PostgreSQL schema: take a consistent snapshot of the file (SQLite online
 * backup into a temporary file, so the application may keep writing), profile every column, plan types and
 * keys, create the tables, stream the rows through binary COPY (tables in parallel; a table's keys and
 * indexes are built while the next table loads), add foreign keys, and verify every table on both sides:
 * the profile's counts and sums of the snapshot against what PostgreSQL stored, and aggregates of the values
 * sent, computed while copying, against the same aggregates computed by PostgreSQL.
 *
 * <pre>{@code
 * Report r = Migration.from(Path.of("app.db")).to("jdbc:postgresql://host/db?user=u")
 *     .schema("public").replace(true).jobs(4).execute();
 * }</pre>
 */
public final class Migration {
  private final Path source;
  private String target;
  private String schema = "public";
  private boolean replace;
  private boolean dryRun;
  private int jobs = 2;
  private ZoneId zone = ZoneId.of("Europe/Paris");
  private Consumer<String> progress = line -> { };
  /** The file actually read: the snapshot of the source. */
  private Path reading;
  /** The snapshot opened for reading its rows directly; null when every row is read through SQLite. */
  private SqliteFile direct;
  private boolean readDirectly = true;

  private Migration(Path source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** A migration of this SQLite file. */
  public static Migration from(Path sqliteFile) {
    return new Migration(sqliteFile);
  }

  /** The PostgreSQL JDBC URL ({@code jdbc:postgresql://host:port/db?user=...}). */
  public Migration to(String jdbcUrl) {
    this.target = jdbcUrl;
    return this;
  }

  /** The target schema (created when missing; default public). */
  public Migration schema(String schema) {
    this.schema = schema;
    return this;
  }

  /** Drop and recreate the target tables of a previous attempt (default: refuse when they hold rows). */
  public Migration replace(boolean replace) {
    this.replace = replace;
    return this;
  }

  /** Plan only: read the source, print the DDL and casts, write nothing. */
  public Migration dryRun(boolean dryRun) {
    this.dryRun = dryRun;
    return this;
  }

  /** Tables profiled and loaded, and foreign keys added, at the same time (default 2). */
  public Migration jobs(int jobs) {
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1");
    }
    this.jobs = jobs;
    return this;
  }

  /** The business time zone of timestamps written without an offset (default Europe/Paris). */
  public Migration zone(ZoneId zone) {
    this.zone = zone;
    return this;
  }

  /**
   * Read the snapshot's rows from its pages ({@link SqliteFile}; the default) or, false, every row through
   * SQLite. Both give the same values; the first is several times faster.
   */
  Migration readDirectly(boolean readDirectly) {
    this.readDirectly = readDirectly;
    return this;
  }

  /** Where progress lines go (default nowhere). */
  public Migration progress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  public Report execute() {
    long start = System.nanoTime();
    if (!Files.isRegularFile(source)) {
      throw new MigrationException("no SQLite file at " + source);
    }
    if (!dryRun && (target == null || !target.startsWith("jdbc:postgresql:"))) {
      throw new MigrationException("target must be a jdbc:postgresql:// URL, got " + Secrets.maskUrl(String.valueOf(target)));
    }
    Path snapshot = snapshot();   // a dry run too: it plans from what the migration would read
    try {
      direct = readDirectly ? openDirect(snapshot) : null;
      return run(start, snapshot);
    } finally {
      closeDirect();
      try {
        Files.deleteIfExists(snapshot);
      } catch (java.io.IOException e) {
        progress.accept("cannot delete the snapshot " + snapshot + ": " + e.getMessage());
      }
    }
  }

  /**
   * A consistent copy of the source ({@link SqliteSnapshots#copy}), so that the application may keep writing
   * while every pass reads the same state.
   */
  private Path snapshot() {
    long t0 = System.nanoTime();
    Path copy = null;
    try {
      copy = Files.createTempFile("nurselink-migrate-", ".db");
      SQLiteConfig readOnly = new SQLiteConfig();
      readOnly.setReadOnly(true);
      String how = SqliteSnapshots.copy(source, copy, readOnly.toProperties(), "migrate-snapshot");
      progress.accept(String.format(Locale.ROOT, "snapshot of %s taken (%s, %.1fs)", source, how,
          (System.nanoTime() - t0) / 1e9));
      return copy;
    } catch (java.io.IOException | SQLException e) {
      if (copy != null) {
        try {
          Files.deleteIfExists(copy);
        } catch (java.io.IOException ignored) {
          // the original error says more
        }
      }
      throw new MigrationException("cannot snapshot " + source + ": " + e.getMessage(), e);
    }
  }

  /**
   * The snapshot, opened to read its rows without a call into SQLite per value ({@link SqliteFile}); null,
   * and every table read through SQLite, when its format is one the reader leaves to SQLite.
   */
  private SqliteFile openDirect(Path snapshot) {
    try {
      java.util.Optional<String> why = SqliteFile.unsupported(snapshot);
      if (why.isPresent()) {
        progress.accept("rows read through SQLite: " + why.get());
        return null;
      }
      SqliteFile file = SqliteFile.open(snapshot);
      progress.accept("rows read from the snapshot's pages");
      return file;
    } catch (java.io.IOException e) {
      throw new MigrationException("cannot read the snapshot of " + source + ": " + e.getMessage(), e);
    }
  }

  private void closeDirect() {
    if (direct != null) {
      try {
        direct.close();
      } catch (java.io.IOException e) {
        progress.accept("cannot close the snapshot: " + e.getMessage());
      }
      direct = null;
    }
  }

  private Report run(long start, Path file) {
    this.reading = file;
    SourceCatalog catalog;
    List<SourceCatalog.Table> largestFirst;
    try (Connection c = sqlite()) {
      catalog = SourceCatalog.read(c);
      largestFirst = largestFirst(c, catalog.tables());
    } catch (SQLException e) {
      throw new MigrationException("cannot read " + source + ": " + e.getMessage(), e);
    }
    Map<String, TableProfile> profiles = profileAll(catalog, largestFirst);
    MigrationPlan plan = SchemaPlanner.plan(catalog, profiles, schema);
    DdlWriter ddl = new DdlWriter(schema, zone);
    List<String> notes = notes(plan);
    if (dryRun) {
      return new Report(source.toString(), String.valueOf(target), plan, ddl.script(plan), true, List.of(), notes,
          Duration.ofNanos(System.nanoTime() - start));
    }
    boolean pgHash = prepareTarget(plan, ddl);
    List<TableCheck> checks = loadAndLink(plan, ddl, profiles, pgHash, notes);
    return new Report(source.toString(), target, plan, ddl.script(plan), false, checks, notes,
        Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * The tables, the most cells first (rows estimated by the largest rowid, which SQLite finds without a
   * scan; a WITHOUT ROWID table is counted), so that the parallel profiling ends with small tables
   * instead of leaving one thread alone with a large one.
   */
  private static List<SourceCatalog.Table> largestFirst(Connection c, List<SourceCatalog.Table> tables)
      throws SQLException {
    Map<String, Double> cells = new HashMap<>(); // a double: a rowid near 2^63 times columns does not wrap
    try (Statement st = c.createStatement()) {
      for (SourceCatalog.Table t : tables) {
        String sql = (t.withoutRowid() ? "SELECT count(*) FROM " : "SELECT max(_rowid_) FROM ") + Sql.sqliteIdent(t.name());
        try (ResultSet rs = st.executeQuery(sql)) {
          long rows = rs.next() ? Math.max(0, rs.getLong(1)) : 0;
          cells.put(t.name(), (double) rows * Math.max(1, t.columns().size()));
        }
      }
    }
    List<SourceCatalog.Table> order = new ArrayList<>(tables);
    order.sort(Comparator.comparing((SourceCatalog.Table t) -> cells.get(t.name())).reversed());
    return order;
  }

  private Map<String, TableProfile> profileAll(SourceCatalog catalog, List<SourceCatalog.Table> order) {
    List<TableProfile> done = parallel(order, t -> {
      long t0 = System.nanoTime();
      try (Connection c = sqlite()) {
        TableProfile p = Profiler.profile(c, direct, t, zone);
        progress.accept(String.format(Locale.ROOT, "profiled %s: %d rows (%.1fs)", t.name(), p.rows(),
            (System.nanoTime() - t0) / 1e9));
        return p;
      }
    }, "profile");
    Map<String, TableProfile> byName = new HashMap<>();
    for (TableProfile p : done) {
      byName.put(p.table(), p);
    }
    Map<String, TableProfile> out = new LinkedHashMap<>();
    for (SourceCatalog.Table t : catalog.tables()) {
      out.put(t.name(), byName.get(t.name()));
    }
    return out;
  }

  private List<String> notes(MigrationPlan plan) {
    List<String> notes = new ArrayList<>(plan.notes());
    for (TablePlan t : plan.tables()) {
      for (String n : t.notes()) {
        notes.add(t.name() + ": " + n);
      }
      for (ColumnPlan c : t.columns()) {
        if (c.strategy() == Strategy.EXACT) {
          for (String n : c.notes()) {
            notes.add(t.name() + "." + c.name() + ": " + n);
          }
        }
      }
    }
    return notes;
  }

  /**
   * Drops what a --replace replaces, creates the schema, the tables and the rejects table; true when the server
   * hashes text as {@link PgTextHash} does (the verification's text digests then use that hash).
   */
  private boolean prepareTarget(MigrationPlan plan, DdlWriter ddl) {
    List<String> names = new ArrayList<>(plan.tables().stream().map(TablePlan::name).toList());
    names.add(DdlWriter.REJECTS_TABLE);
    try (Connection pg = postgres(); Statement st = pg.createStatement()) {
      List<String> existing = new ArrayList<>();
      try (PreparedStatement ps = pg.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n"
          + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND c.relname = ANY (?)")) {
        Array arr = pg.createArrayOf("text", names.toArray());
        ps.setString(1, schema);
        ps.setArray(2, arr);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            existing.add(rs.getString(1));
          }
        }
      }
      if (!replace) {
        for (String name : existing) {
          try (ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + ddl.table(name) + ")")) {
            rs.next();
            if (rs.getBoolean(1)) {
              throw new MigrationException("target table " + schema + "." + name
                  + " already holds rows; re-run with --replace to drop and recreate the migrated tables");
            }
          }
        }
      }
      for (String name : existing) {
        st.execute(ddl.dropTable(name));
      }
      st.execute(ddl.createSchema());
      if (plan.mayReject()) {
        st.execute(ddl.createRejects());
      }
      for (TablePlan t : plan.tables()) {
        for (String sql : ddl.createTable(t)) {
          st.execute(sql);
        }
      }
      boolean pgHash = PgTextHash.matches(pg);
      if (!pgHash) {
        report("text verified by MD5: the server's hashtextextended differs from this one, or is missing");
      }
      return pgHash;
    } catch (SQLException e) {
      throw new MigrationException("cannot prepare " + schema + " in " + Secrets.maskUrl(target) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads every table and adds every foreign key on up to {@code jobs} workers, as {@link Schedule} hands them
   * out: a key is checked, each in a transaction of its own, as soon as its two tables are loaded. A key
   * PostgreSQL refuses (rows without parent) is added NOT VALID; its note comes in the plan's order whatever
   * order the keys ended in. The checks of the tables, in plan order.
   */
  private List<TableCheck> loadAndLink(MigrationPlan plan, DdlWriter ddl, Map<String, TableProfile> profiles,
      boolean pgHash, List<String> notes) {
    Schedule schedule = Schedule.of(plan.tables());
    int keys = plan.tables().stream().mapToInt(t -> t.foreignKeys().size()).sum();
    String[] keyNotes = new String[keys];
    Map<String, TableCheck> byName = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> workers = new ArrayList<>();
    for (int w = 1; w <= Math.min(jobs, plan.tables().size()); w++) {
      workers.add("(worker " + w + ")");
    }
    parallel(workers, w -> {
      Schedule.Task task = null;
      try {
        for (task = take(schedule); task != null; task = take(schedule)) {
          if (task instanceof Schedule.Load l) {
            TableCheck check = load(l.table(), ddl, profiles.get(l.table().name()), pgHash);
            byName.put(check.table(), check);
          } else if (task instanceof Schedule.Key k) {
            keyNotes[k.index()] = addKey(ddl, k);
          }
          schedule.done(task);
        }
        return null;
      } catch (RuntimeException | SQLException e) {
        MigrationException failure = e instanceof MigrationException me ? me
            : new MigrationException(describe(task) + ": " + Secrets.maskText(String.valueOf(e.getMessage())), e);
        schedule.fail(failure);
        throw failure;
      } catch (Error e) {
        schedule.fail(new MigrationException(describe(task) + ": " + e, e));   // no worker waits for this one
        throw e;
      }
    }, "load");
    for (String n : keyNotes) {
      if (n != null) {
        notes.add(n);
      }
    }
    return plan.tables().stream().map(t -> byName.get(t.name())).toList();
  }

  /** One table: copied (frozen when it can be), its rejects saved, its keys and indexes built, verified. */
  private TableCheck load(TablePlan t, DdlWriter ddl, TableProfile profile, boolean pgHash) throws SQLException {
    try (Connection lite = sqlite(); Connection pg = postgres()) {
      try (Statement st = pg.createStatement()) {
        st.execute("SET synchronous_commit TO off");
      }
      boolean frozen = ddl.frozen(t);
      if (frozen) {
        pg.setAutoCommit(false);
        try (Statement st = pg.createStatement()) {
          st.execute(ddl.beforeFrozenCopy(t));
        }
      }
      CopyLoader.Loaded loaded = CopyLoader.load(lite, direct, pg, t, ddl, zone, profile, pgHash, this::report);
      if (frozen) {
        pg.commit();
        pg.setAutoCommit(true);
      }
      CopyLoader.saveRejects(pg, ddl, loaded.rejects());
      long keys = System.nanoTime();
      try (Statement st = pg.createStatement()) {
        for (String sql : ddl.afterLoad(t)) {
          st.execute(sql);
        }
      }
      long verify = System.nanoTime();
      TableCheck check = Verifier.verify(pg, t, ddl, loaded, profile, pgHash);
      long end = System.nanoTime();
      report(String.format(Locale.ROOT, "loaded %s: %d rows in %.1fs, %d rejected, %s (keys and indexes %.1fs,"
          + " verification %.1fs)", t.name(), loaded.rowsCopied(), loaded.nanos() / 1e9, loaded.rejects().size(),
          check.ok() ? "verified" : "VERIFICATION FAILED", (verify - keys) / 1e9, (end - verify) / 1e9));
      return check;
    }
  }

  /** The next task; when another worker failed, its failure (so that every worker reports the cause). */
  private static Schedule.Task take(Schedule schedule) {
    try {
      return schedule.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      MigrationException cause = schedule.failure();
      throw cause != null ? cause : new MigrationException("load interrupted", e);
    }
  }

  private static String describe(Schedule.Task task) {
    if (task instanceof Schedule.Load l) {
      return "load " + l.table().name();
    }
    if (task instanceof Schedule.Key k) {
      return "foreign key " + k.fk().name() + " of " + k.table().name();
    }
    return "load";
  }

  /** One key on a connection of its own; the note to report, or null. */
  private String addKey(DdlWriter ddl, Schedule.Key k) throws SQLException {
    try (Connection pg = postgres(); Statement st = pg.createStatement()) {
      pg.setAutoCommit(false);
      return addKey(pg, st, ddl, k);
    }
  }

  /** One key: added and checked, else added NOT VALID, else not added; the note to report, or null. */
  private String addKey(Connection pg, Statement st, DdlWriter ddl, Schedule.Key k) {
    long t0 = System.nanoTime();
    TablePlan t = k.table();
    TablePlan.ForeignKeyPlan fk = k.fk();
    try {
      addForeignKey(pg, st, ddl.foreignKey(t, fk, false), t.partitioning() != null);
      report(String.format(Locale.ROOT, "foreign key %s of %s added and checked (%.1fs)", fk.name(), t.name(),
          (System.nanoTime() - t0) / 1e9));
      return null;
    } catch (SQLException e) {
      try {
        addForeignKey(pg, st, ddl.foreignKey(t, fk, true), t.partitioning() != null);
        return t.name() + ": foreign key " + fk.name() + " added NOT VALID (rows without parent: "
            + e.getMessage().replace('\n', ' ') + ")";
      } catch (SQLException e2) {
        return t.name() + ": foreign key " + fk.name() + " not added: " + e2.getMessage().replace('\n', ' ');
      }
    }
  }

  /**
   * One foreign key in a transaction of its own (rolled back when PostgreSQL refuses it), with
   * {@code random_page_cost} at 1.1 for that transaction only ({@code SET LOCAL}: nothing carries over to
   * a pooled connection). The tables and their keys were just written and are in memory, where an index
   * lookup costs about a sequential read (1.1, the usual SSD setting, instead of 4). PostgreSQL checks a
   * key of a partitioned table with one query per partition; priced this way each looks the parent rows
   * up by the parent's key instead of hashing the whole parent table again for every partition (10M
   * rows, 41 partitions of contracts: its two keys to tables of millions of rows 105.5 s -> 10.4 s;
   * BENCHMARKS.md). For a partitioned table, hash joins are off too: the planner prices each partition's
   * query alone, and for a parent of a few hundred thousand rows it still prefers hashing the parent,
   * once per partition (contracts -> users, 500,000 rows, 41 partitions: 141 ms a partition hashed, 53 ms
   * looked up).
   */
  private static void addForeignKey(Connection pg, Statement st, String ddl, boolean partitioned)
      throws SQLException {
    try {
      st.execute("SET LOCAL random_page_cost = 1.1");
      if (partitioned) {
        st.execute("SET LOCAL enable_hashjoin = off");
      }
      st.execute(ddl);
      pg.commit();
    } catch (SQLException e) {
      pg.rollback();
      throw e;
    }
  }

  private void report(String line) {
    progress.accept(line);
  }

  private Connection sqlite() throws SQLException {
    return sqlite(reading);
  }

  private static Connection sqlite(Path file) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setReadOnly(true);
    return cfg.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }

  private Connection postgres() throws SQLException {
    try {
      return DriverManager.getConnection(target);
    } catch (SQLException e) {
      throw new SQLException("cannot connect to " + Secrets.maskUrl(target) + ": " + e.getMessage(), e);
    }
  }

  /** A step over tables that may fail with an SQLException. */
  private interface TableStep<T, R> {
    R apply(T t) throws SQLException;
  }

  private <T, R> List<R> parallel(List<T> items, TableStep<T, R> step, String what) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(jobs, items.size())));
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> step.apply(item)));
      }
      List<R> out = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        try {
          out.add(futures.get(i).get());
        } catch (ExecutionException e) {
          futures.forEach(f -> f.cancel(true));
          Throwable cause = e.getCause();
          if (cause instanceof MigrationException me) {
            throw me;
          }
          String table = items.get(i) instanceof TablePlan tp ? tp.name()
              : items.get(i) instanceof SourceCatalog.Table st ? st.name() : String.valueOf(items.get(i));
          throw new MigrationException(what + " " + table + ": " + Secrets.maskText(String.valueOf(cause.getMessage())), cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MigrationException(what + " interrupted", e);
        }
      }
      return Collections.unmodifiableList(out);
    } finally {
      pool.shutdownNow();
    }
  }
}
