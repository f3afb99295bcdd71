package com.nurselink.warehouse.generate;

import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generates a realistic operational database of the marketplace (users, missions, applications,
 * contracts), deterministic for a seed, into a SQLite file, a split set of SQLite files and/or
 * PostgreSQL, in one pass.
 *
 * <pre>{@code
 * Summary s = Generator.create().missions(20_000).seed(7).dirty(true)
 *     .sqlite(Path.of("data/nurselink.db")).run();
 * }</pre>
 *
 * <p>Volumes per mission: about 1/8 nurse, 1/100 establishment (plus a few admins), 3 applications
 * and 0.6 contracts. Missions start between {@link #SPAN_START} and {@link #SPAN_END} (local time of
 * the business zone). SQLite values use every representation SPEC accepts (ISO-8601 with {@code T}
 * or a space, fractional seconds, {@code Z}, {@code +hh:mm}, {@code +hhmm}, bare dates, epoch seconds
 * and milliseconds; numbers as REAL, INTEGER or text with a dot or a decimal comma; enums in any case
 * with spaces): all valid input.
 *
 * <p>With {@link #dirty(boolean)}, about 2% of the rows of each table are followed by an injected
 * copy that breaks one rule per {@link Defect} (null id, bad timestamp, bad enum, bad number, end
 * before start), a stale duplicate of its id (earlier {@code updated_at}, written after it) or a
 * foreign key pointing nowhere. Injected rows take ids from {@link #DIRTY_ID_BASE} up (orphan keys
 * from {@link #ORPHAN_ID_BASE} up) and draw from their own random stream: the other rows are the
 * same as without {@code dirty}. Such files use the relaxed schema (see {@code sql/source/sqlite.sql}).
 *
 * <p>PostgreSQL receives the same rows typed properly; rows that cannot be typed or would break a
 * constraint are skipped and counted in {@link Summary#postgresSkipped()}, so a dirty run loads the
 * same PostgreSQL data as a clean run with the same seed.
 */
public final class Generator {
  /** First day (local) on which missions start. */
  public static final LocalDate SPAN_START = LocalDate.of(2024, 7, 1);
  /** Last day (local) on which missions start. */
  public static final LocalDate SPAN_END = LocalDate.of(2026, 6, 30);
  /** Injected (dirty) rows have ids above this. */
  public static final long DIRTY_ID_BASE = 900_000_000L;
  /** Foreign keys pointing nowhere are above this (and below {@link #DIRTY_ID_BASE}). */
  public static final long ORPHAN_ID_BASE = 700_000_000L;
  public static final long DEFAULT_MISSIONS = 10_000;
  public static final long DEFAULT_SEED = 42;
  /** The split set: file name -> logical tables it holds. */
  public static final Map<String, List<String>> SPLIT_LAYOUT;

  static {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("auth.db", List.of("users"));
    m.put("offers.db", List.of("missions", "mission_applications"));
    m.put("report.db", List.of("contracts"));
    SPLIT_LAYOUT = Collections.unmodifiableMap(m);
  }

  private long missions = DEFAULT_MISSIONS;
  private long seed = DEFAULT_SEED;
  private boolean dirty;
  private boolean force;
  private ZoneId zone = ZoneId.of("Europe/Paris");
  private PrintStream progress;
  private Path sqlite;
  private Path splitDir;
  private String postgresUrl;

  private Generator() {}

  public static Generator create() {
    return new Generator();
  }

  /** Number of missions (at least 1); every other volume follows from it. */
  public Generator missions(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("missions must be at least 1, got " + n);
    }
    this.missions = n;
    return this;
  }

  public Generator seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Inject bad rows (see the class comment). */
  public Generator dirty(boolean dirty) {
    this.dirty = dirty;
    return this;
  }

  /** Replace existing output files and existing PostgreSQL tables instead of refusing. */
  public Generator force(boolean force) {
    this.force = force;
    return this;
  }

  /** Business time zone: local timestamps are written in it (default Europe/Paris). */
  public Generator zone(ZoneId zone) {
    this.zone = zone;
    return this;
  }

  /** Where progress lines go (null: quiet, the default). */
  public Generator progress(PrintStream progress) {
    this.progress = progress;
    return this;
  }

  /** Write all four tables into this SQLite file. */
  public Generator sqlite(Path file) {
    this.sqlite = file;
    return this;
  }

  /** Write the split set ({@link #SPLIT_LAYOUT}) into this directory. */
  public Generator split(Path dir) {
    this.splitDir = dir;
    return this;
  }

  /** Load into this PostgreSQL database (JDBC URL; schema {@code sql/source/postgres.sql}). */
  public Generator postgres(String jdbcUrl) {
    this.postgresUrl = jdbcUrl;
    return this;
  }

  /** Shorthand for {@code sqlite(file).run()}. */
  public Summary writeSqlite(Path file) throws SQLException, IOException {
    return sqlite(file).run();
  }

  /** Generates once and writes to every output set. */
  public Summary run() throws SQLException, IOException {
    Map<Path, List<String>> layout = sqliteLayout();
    if (layout.isEmpty() && postgresUrl == null) {
      throw new IllegalArgumentException("nothing to write: give a SQLite file, a split directory or a PostgreSQL URL");
    }
    for (Path p : layout.keySet()) {
      if (Files.exists(p) && !force) {
        throw new OutputExistsException(p + " already exists (use --force to overwrite)");
      }
    }
    long t0 = System.nanoTime();
    List<RowSink> sinks = new ArrayList<>();
    PostgresSink pg = null;
    try {
      if (postgresUrl != null) {
        pg = new PostgresSink(postgresUrl, SqlScript.load("source/postgres.sql"), zone, force);
        sinks.add(pg);
      }
      if (!layout.isEmpty()) {
        SqlScript script = SqlScript.load("source/sqlite.sql");
        sinks.add(new SqliteSink(layout, dirty ? script.relaxed() : script));
      }
      AsyncSink writer = new AsyncSink(fanOut(List.copyOf(sinks)));
      sinks.add(0, writer);
      Synthesizer syn = new Synthesizer(missions, seed, dirty, zone, writer, done -> progress(t0, done, null));
      syn.run();
      writer.finish();
      progress(t0, missions, "building indexes");
      for (RowSink s : sinks.subList(1, sinks.size())) {
        s.finish();
      }
      Map<String, Long> rows = new LinkedHashMap<>();
      Map<String, Map<String, Long>> injected = new LinkedHashMap<>();
      for (SourceContract t : SourceContract.values()) {
        rows.put(t.tableName(), syn.rows()[t.ordinal()]);
        Map<String, Long> byDefect = new LinkedHashMap<>();
        for (Defect d : Defect.values()) {
          long n = syn.injected()[t.ordinal()][d.ordinal()];
          if (n > 0) {
            byDefect.put(d.code(), n);
          }
        }
        injected.put(t.tableName(), Collections.unmodifiableMap(byDefect));
      }
      Summary summary = new Summary(missions, seed, dirty, Collections.unmodifiableMap(rows),
          Collections.unmodifiableMap(injected), List.copyOf(layout.keySet()),
          postgresUrl == null ? null : Secrets.maskUrl(postgresUrl), pg == null ? Map.of() : pg.loaded(),
          pg == null ? Map.of() : pg.skipped(), Duration.ofNanos(System.nanoTime() - t0));
      return summary;
    } catch (SQLException e) {
      throw new SQLException(Secrets.maskText(e.getMessage()), e.getSQLState(), e);
    } finally {
      for (RowSink s : sinks) {
        try {
          s.close();
        } catch (SQLException | IOException e) {
          // the first failure is the one reported
        }
      }
    }
  }

  private Map<Path, List<String>> sqliteLayout() {
    Map<Path, List<String>> layout = new LinkedHashMap<>();
    if (sqlite != null) {
      layout.put(sqlite, PostgresSink.LOAD_ORDER);
    }
    if (splitDir != null) {
      SPLIT_LAYOUT.forEach((file, tables) -> layout.put(splitDir.resolve(file), tables));
    }
    return layout;
  }

  private static RowSink fanOut(List<RowSink> sinks) {
    if (sinks.size() == 1) {
      return sinks.get(0);
    }
    return new RowSink() {
      @Override
      public void row(SourceContract table, Object[] values) throws SQLException, IOException {
        for (RowSink s : sinks) {
          s.row(table, values);
        }
      }

      @Override
      public void finish() {
        throw new UnsupportedOperationException("each sink finishes on its own");
      }

      @Override
      public void close() {
        // each sink closes on its own
      }
    };
  }

  private void progress(long t0, long done, String step) {
    if (progress != null) {
      progress.printf(Locale.ROOT, "generate: %,d/%,d missions%s, %.1f s%n", done, missions,
          step == null ? "" : ", " + step, (System.nanoTime() - t0) / 1e9);
      progress.flush();
    }
  }

  /** An output already exists and {@link #force(boolean)} was not given. */
  public static final class OutputExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutputExistsException(String message) {
      super(message);
    }
  }
}
