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
  void keysSharingATableAreNeverHandedOutTogetherAndAWaitingTakerCanBeStopped() throws Exception {
    Migration.Key ab = new Migration.Key(0, null, null, java.util.Set.of("a", "b"));
    Migration.Key bc = new Migration.Key(1, null, null, java.util.Set.of("b", "c"));
    Migration.Key cd = new Migration.Key(2, null, null, java.util.Set.of("c", "d"));
    Migration.KeyQueue q = new Migration.KeyQueue(List.of(ab, bc, cd));
    assertEquals(ab, q.take());
    assertEquals(cd, q.take());                       // bc shares b with ab: the next free key comes first
    java.util.concurrent.CompletableFuture<Migration.Key> third = new java.util.concurrent.CompletableFuture<>();
    parkedTaker(q, third);                                  // parked in take(): b and c are held
    q.done(ab);
    assertTrue(!third.isDone(), "c is still held");       // bc cannot be handed out while cd runs
    q.done(cd);
    assertEquals(bc, third.get());
    assertEquals(null, q.take());                          // nothing left: the workers end
    // a worker that failed interrupts the others: one waiting for a key stops, one about to take stops too
    Migration.KeyQueue q2 = new Migration.KeyQueue(List.of(ab, bc));
    assertEquals(ab, q2.take());
    java.util.concurrent.CompletableFuture<Migration.Key> stopped = new java.util.concurrent.CompletableFuture<>();
    parkedTaker(q2, stopped).interrupt();
    java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        java.util.concurrent.ExecutionException.class, stopped::get);
    assertTrue(e.getCause() instanceof InterruptedException, String.valueOf(e.getCause()));
    q2.done(ab);
    Thread.currentThread().interrupt();
    try {
      org.junit.jupiter.api.Assertions.assertThrows(InterruptedException.class, q2::take);   // bc is free, still not taken
    } finally {
      Thread.interrupted();
    }
  }

  /** A thread taking a key from {@code q} into {@code out}, returned once it waits in {@code take()}. */
  private static Thread parkedTaker(Migration.KeyQueue q, java.util.concurrent.CompletableFuture<Migration.Key> out) {
    Thread t = new Thread(() -> {
      try {
        out.complete(q.take());
      } catch (InterruptedException e) {
        out.completeExceptionally(e);
      }
    });
    t.start();
    while (t.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
    return t;
  }
}
