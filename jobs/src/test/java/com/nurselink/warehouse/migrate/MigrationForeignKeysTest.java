package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Foreign keys added on several connections: the same keys, validity and notes as one at a time. */
class MigrationForeignKeysTest {
  @TempDir
  Path dir;

  /** Six keys over five tables (one self-referencing), two of them with rows whose parent is missing. */
  private Path source() throws Exception {
    MigrationTestSupport.ensureTmp();
    Path db = dir.resolve("keys.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT)");
      st.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id), parent_id INTEGER REFERENCES b(id))");
      st.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id), b_id INTEGER REFERENCES b(id))");
      st.execute("CREATE TABLE d (id INTEGER PRIMARY KEY, c_id INTEGER REFERENCES c(id))");
      st.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b(id))");
      st.execute("INSERT INTO a VALUES (1, 'x'), (2, 'y')");
      st.execute("INSERT INTO b VALUES (1, 1, NULL), (2, 2, 1), (3, 1, 2)");
      st.execute("INSERT INTO c VALUES (1, 1, 1), (2, 9, 2), (3, 2, 3)");      // a_id 9: no such a
      st.execute("INSERT INTO d VALUES (1, 1), (2, 3)");
      st.execute("INSERT INTO e VALUES (1, 3), (2, 7)");                     // b_id 7: no such b
    }
    return db;
  }

  @Test
  void keysAddedInParallelEndAsKeysAddedOneByOne() throws Exception {
    Path db = source();
    List<String> notes = null;
    for (int jobs : new int[] {1, 2, 4}) {
      try (MigrationTestSupport.PgDatabase pg = new MigrationTestSupport.PgDatabase()) {
        Report r = Migration.from(db).to(pg.url).jobs(jobs).progress(line -> { }).execute();
        assertTrue(r.ok(), r.render());
        assertEquals("4", pg.one("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"), "jobs " + jobs);
        assertEquals("c_a_id_fkey,e_b_id_fkey", pg.one("SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint"
            + " WHERE contype = 'f' AND NOT convalidated"), "jobs " + jobs);
        List<String> keyNotes = r.notes().stream().filter(n -> n.contains("foreign key")).toList();
        assertEquals(2, keyNotes.size(), keyNotes.toString());
        assertTrue(keyNotes.get(0).startsWith("c: foreign key c_a_id_fkey added NOT VALID"), keyNotes.toString());
        assertTrue(keyNotes.get(1).startsWith("e: foreign key e_b_id_fkey added NOT VALID"), keyNotes.toString());
        if (notes != null) {
          assertEquals(notes, r.notes(), "jobs " + jobs);
        }
        notes = r.notes();
      }
    }
  }

  @Test
  void loadsComeFirstAndAKeyOnlyOnceItsTablesAreLoadedAndFree() throws Exception {
    TablePlan a = table("a", 10, 2);
    TablePlan b = table("b", 1_000, 3, key("b_a_id_fkey", "a"), key("b_parent_id_fkey", "b"));
    TablePlan c = table("c", 500, 3, key("c_a_id_fkey", "a"), key("c_b_id_fkey", "b"));
    Schedule s = Schedule.of(List.of(a, b, c));
    // the heaviest load first: cells plus the rows its keys check (b: 3,000 + 2,000; c: 1,500 + 1,000; a: 20)
    Schedule.Load first = (Schedule.Load) s.take();
    Schedule.Load second = (Schedule.Load) s.take();
    assertEquals(List.of("b", "c"), List.of(first.table().name(), second.table().name()));
    Schedule.Load third = (Schedule.Load) s.take();
    assertEquals("a", third.table().name());
    java.util.concurrent.CompletableFuture<Schedule.Task> waiting = new java.util.concurrent.CompletableFuture<>();
    parkedTaker(s, waiting);                              // no key has both its tables loaded
    s.done(first);
    // b's own key (b_parent_id_fkey) as soon as b is loaded, while c and a still load
    Schedule.Key selfKey = (Schedule.Key) waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals("b_parent_id_fkey", selfKey.fk().name());
    s.done(second);
    java.util.concurrent.CompletableFuture<Schedule.Task> next = new java.util.concurrent.CompletableFuture<>();
    parkedTaker(s, next);                                 // c_b_id_fkey: b is held; the others need a
    s.done(third);
    Schedule.Key ca = (Schedule.Key) next.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals("c_a_id_fkey", ca.fk().name(), "b_a_id_fkey comes first in order but b is held");
    s.done(selfKey);
    java.util.concurrent.CompletableFuture<Schedule.Task> then = new java.util.concurrent.CompletableFuture<>();
    parkedTaker(s, then);                                 // b_a_id_fkey: a is held; c_b_id_fkey: c is held
    s.done(ca);
    Schedule.Key ba = (Schedule.Key) then.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals("b_a_id_fkey", ba.fk().name(), "b's keys before c's");
    java.util.concurrent.CompletableFuture<Schedule.Task> last = new java.util.concurrent.CompletableFuture<>();
    parkedTaker(s, last);
    assertTrue(!last.isDone(), "c_b_id_fkey waits for b");
    s.done(ba);
    Schedule.Key cb = (Schedule.Key) last.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals("c_b_id_fkey", cb.fk().name());
    s.done(cb);
    assertEquals(null, s.take());                         // nothing left: the workers end

    // a worker that failed stops the others: one waiting for a key, and one about to take
    Schedule s2 = Schedule.of(List.of(a, b));
    Schedule.Task l1 = s2.take();
    s2.take();
    java.util.concurrent.CompletableFuture<Schedule.Task> stopped = new java.util.concurrent.CompletableFuture<>();
    parkedTaker(s2, stopped);
    MigrationException cause = new MigrationException("load b: disk full");
    s2.fail(cause);
    java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        java.util.concurrent.ExecutionException.class, () -> stopped.get(30, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof InterruptedException, String.valueOf(e.getCause()));
    assertEquals(cause, s2.failure());
    s2.done(l1);
    org.junit.jupiter.api.Assertions.assertThrows(InterruptedException.class, s2::take);
  }

  private static TablePlan.ForeignKeyPlan key(String name, String parent) {
    return new TablePlan.ForeignKeyPlan(name, List.of(parent + "_id"), parent, List.of("id"), "NO ACTION", "NO ACTION");
  }

  private static TablePlan table(String name, long rows, int columns, TablePlan.ForeignKeyPlan... keys) {
    List<ColumnPlan> cols = new java.util.ArrayList<>();
    for (int i = 0; i < columns; i++) {
      cols.add(null);
    }
    return new TablePlan(name, rows, true, cols, List.of("id"), null, 0, null, List.of(), List.of(keys), List.of());
  }

  /** A thread taking a task from {@code q} into {@code out}, returned once it waits in {@code take()}. */
  private static Thread parkedTaker(Schedule q, java.util.concurrent.CompletableFuture<Schedule.Task> out) {
    Thread t = new Thread(() -> {
      try {
        out.complete(q.take());
      } catch (InterruptedException e) {
        out.completeExceptionally(e);
      }
    });
    t.setDaemon(true);
    t.start();
    long deadline = System.nanoTime() + 30_000_000_000L;   // a bound for a broken schedule, not a timing
    while (t.getState() != Thread.State.WAITING && !out.isDone()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the taker neither waits nor ends");
      }
      Thread.onSpinWait();
    }
    return t;
  }
}
