package com.nurselink.warehouse.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nurselink.warehouse.PgDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two loaders migrating the same PostgreSQL warehouse at once (the real server at 127.0.0.1:5432, a
 * throwaway database): the second starts while the first holds the migration lock, waits for it, then
 * finds every version applied. Each version is applied exactly once and both loaders succeed.
 */
class SchemaMigratorConcurrencyTest {
  /** Only a guard against a hang; nothing waits for time to pass. */
  private static final long GUARD_SECONDS = 120;

  private PgDatabase db;
  private String url;
  private ExecutorService pool;



  @BeforeEach
  void database() throws SQLException {
    db = PgDatabase.create("nl_migrator_");
    url = db.url();
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void drop() throws SQLException {
    pool.shutdownNow();
    db.close();
  }

  private List<Integer> history() throws SQLException {
    List<Integer> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM warehouse_schema_history ORDER BY version")) {
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
    }
    return versions;
  }

  private static List<Integer> allVersions() {
    return SchemaMigrator.scripts().stream().map(SchemaMigrator.Script::version).toList();
  }

  /** True when the backend waits for an advisory lock it has not been granted. */
  private static boolean waitingForTheLock(Connection observer, long pid) throws SQLException {
    try (PreparedStatement ps = observer.prepareStatement(
        "SELECT count(*) FROM pg_locks WHERE pid = ? AND locktype = 'advisory' AND NOT granted")) {
      ps.setInt(1, (int) pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) == 1;
      }
    }
  }

  private static long backendPid(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aLoaderStartingWhileAnotherMigratesWaitsThenAppliesNothing() throws Exception {
    CountDownLatch firstHoldsTheLock = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicLong secondPid = new AtomicLong();
    CountDownLatch secondConnected = new CountDownLatch(1);
    List<Integer> seenBySecond = new ArrayList<>();

    Future<List<Integer>> first = pool.submit(() -> {
      try (Connection c = DriverManager.getConnection(url)) {
        return SchemaMigrator.migrate(c, () -> {
          firstHoldsTheLock.countDown();
          try {
            if (!releaseFirst.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
              throw new IllegalStateException("never released");
            }
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
      }
    });
    assertTrue(firstHoldsTheLock.await(GUARD_SECONDS, TimeUnit.SECONDS), "first loader never took the lock");

    Future<List<Integer>> second = pool.submit(() -> {
      try (Connection c = DriverManager.getConnection(url)) {
        secondPid.set(backendPid(c));
        secondConnected.countDown();
        return SchemaMigrator.migrate(c, () -> {
          try {
            seenBySecond.addAll(history());
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
      }
    });
    assertTrue(secondConnected.await(GUARD_SECONDS, TimeUnit.SECONDS), "second loader never connected");
    // the second loader is blocked on the lock the first holds (observed in pg_locks, not assumed after a sleep)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    try (Connection observer = DriverManager.getConnection(url)) {
      while (!waitingForTheLock(observer, secondPid.get())) {
        if (second.isDone()) {
          fail("the second loader did not wait for the first: " + second.get());
        }
        if (System.nanoTime() > deadline) {
          fail("the second loader never waited for the migration lock");
        }
        Thread.sleep(5); // between two looks at pg_locks; the order comes from the latch, not from this
      }
    }
    releaseFirst.countDown();

    assertEquals(allVersions(), first.get(GUARD_SECONDS, TimeUnit.SECONDS));
    assertEquals(List.of(), second.get(GUARD_SECONDS, TimeUnit.SECONDS));
    assertEquals(allVersions(), seenBySecond, "the second loader read the history only once it held the lock");
    assertEquals(List.of(1, 2, 3), history());
  }

  @Test
  void aFailedMigratorReleasesTheLock() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Connection failing = DriverManager.getConnection(url)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> SchemaMigrator.migrate(failing, () -> {
        calls.incrementAndGet();
        throw new IllegalStateException("loader died");
      }));
      assertEquals("loader died", e.getMessage());
      // the failed loader's connection is still open: its session must not keep the lock
      Future<List<Integer>> next = pool.submit(() -> {
        try (Connection c = DriverManager.getConnection(url)) {
          return SchemaMigrator.migrate(c);
        }
      });
      assertEquals(allVersions(), next.get(GUARD_SECONDS, TimeUnit.SECONDS));
      assertEquals(List.of(), SchemaMigrator.migrate(failing), "the same connection migrates again");
      assertTrue(failing.getAutoCommit());
    }
    assertEquals(1, calls.get());
    assertEquals(List.of(1, 2, 3), history());
  }
}
