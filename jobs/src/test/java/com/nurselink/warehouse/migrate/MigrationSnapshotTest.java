package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.migrate.MigrationTestSupport.PgDatabase;
import com.nurselink.warehouse.util.FaultPoints;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot a migration reads: a rollback-journal file is copied while a read lock keeps writers out
 * (forced at the point where the copy starts); a WAL file, whose rows may be in its log only, goes through
 * SQLite's online backup. Either way the migration holds exactly the rows committed when it started.
 */
class MigrationSnapshotTest {
  @TempDir Path dir;

  @Test
  void aWriterWaitsWhileTheFileIsCopiedAndItsRowIsNotMigrated() throws Exception {
    Path db = source("journal.db", false);
    List<String> attempts = new ArrayList<>();
    Consumer<String> before = FaultPoints.observe(point -> {
      if (point.equals("migrate-snapshot-locked")) {
        attempts.add(insert(db, 1001));
      }
    });
    try (PgDatabase pg = new PgDatabase()) {
      List<String> progress = new ArrayList<>();
      Report r = Migration.from(db).to(pg.url).progress(progress::add).execute();
      assertTrue(r.ok(), r.render());
      assertEquals(1, attempts.size());
      assertTrue(attempts.get(0).contains("locked"), attempts.toString());
      assertTrue(progress.stream().anyMatch(l -> l.contains("copied under a read lock")), progress.toString());
      assertEquals("1000", pg.one("SELECT count(*) FROM public.t"));
      assertEquals("500500", pg.one("SELECT sum(id) FROM public.t"));
    } finally {
      FaultPoints.observe(before);
    }
    assertEquals("ok", insert(db, 1001), "the lock is released after the copy");
  }

  @Test
  void aWalFileIsBackedUpWithTheRowsStillInItsLog() throws Exception {
    Path db = source("wal.db", true);
    // rows committed to the log and not yet checkpointed into the file: a copy of the file alone lacks them
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = writer.createStatement()) {
      st.execute("PRAGMA wal_autocheckpoint = 0");
      st.execute("INSERT INTO t (id, v) SELECT id + 1000, v FROM t");
      assertTrue(java.nio.file.Files.size(db.resolveSibling("wal.db-wal")) > 0);
      try (PgDatabase pg = new PgDatabase()) {
        List<String> progress = new ArrayList<>();
        Report r = Migration.from(db).to(pg.url).progress(progress::add).execute();
        assertTrue(r.ok(), r.render());
        assertTrue(progress.stream().anyMatch(l -> l.contains("online backup")), progress.toString());
        assertEquals("2000", pg.one("SELECT count(*) FROM public.t"));
        assertEquals(String.valueOf(2 * 500_500 + 1000 * 1000), pg.one("SELECT sum(id) FROM public.t"));
      }
    }
  }

  @Test
  void aFileSwitchedToWalJustBeforeTheLockIsBackedUp() throws Exception {
    Path db = source("switched.db", false);
    List<Connection> writers = new ArrayList<>();
    Consumer<String> before = FaultPoints.observe(point -> {
      if (point.equals("migrate-snapshot-before-lock")) {
        // the application turns WAL on and commits rows into the log, just before the lock is taken
        try {
          Connection w = DriverManager.getConnection("jdbc:sqlite:" + db);
          writers.add(w);
          try (Statement st = w.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("PRAGMA wal_autocheckpoint = 0");
            st.execute("INSERT INTO t (id, v) SELECT id + 1000, v FROM t");
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    try (PgDatabase pg = new PgDatabase()) {
      List<String> progress = new ArrayList<>();
      Report r = Migration.from(db).to(pg.url).progress(progress::add).execute();
      assertTrue(r.ok(), r.render());
      assertEquals(1, writers.size());
      assertTrue(java.nio.file.Files.size(db.resolveSibling("switched.db-wal")) > 0);
      assertTrue(progress.stream().anyMatch(l -> l.contains("online backup")), progress.toString());
      assertEquals("2000", pg.one("SELECT count(*) FROM public.t"));
    } finally {
      FaultPoints.observe(before);
      for (Connection w : writers) {
        w.close();
      }
    }
  }

  /** A table of 1,000 rows, ids 1..1000. */
  private Path source(String name, boolean wal) throws SQLException {
    MigrationTestSupport.ensureTmp();
    Path db = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      if (wal) {
        st.execute("PRAGMA journal_mode = WAL");
      }
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
      st.execute("WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 1000)"
          + " INSERT INTO t SELECT k, 'value ' || k FROM n");
    }
    return db;
  }

  /** An application's write, not waiting for a lock: "ok" or SQLite's message. */
  private static String insert(Path db, int id) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 0");
      st.execute("INSERT INTO t VALUES (" + id + ", 'written during the snapshot')");
      return "ok";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }
}
