package com.nurselink.warehouse.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A reader on its own connection, let in at every step of a publication (inside each transaction
 * between a key's delete and its new value, and after each transaction), never sees a key missing
 * nor a hash mixing two runs. The interleaving is forced by the publisher's hook, which hands each
 * step to the reader thread and waits until it has read everything; no sleeps.
 */
class ServePublisherAtomicityTest {
  private static final int DB = 12;
  private static final int NURSES = 7;

  @BeforeEach
  void setUp() {
    RedisServers.shared(DB);
  }

  @AfterEach
  void clean() {
    RedisServers.clear(DB);
  }

  /**
   * Run r's hash of nurse i: its own values, field {@code only_in_run_1} only in run 1 (a field that
   * disappears), field {@code only_in_run_5} only in run 5 (a field that appears, then disappears).
   */
  private static Map<String, String> hash(int run, int i) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("as_of_date", "2026-03-2" + run);
    m.put("applications_30d", String.valueOf(run * 100 + i));
    if (run == 1 || run == 5) {
      m.put("only_in_run_" + run, "x" + i);
    }
    return m;
  }

  private static ServePublisher.Publication publication(int run, int nurses) {
    List<ServePublisher.Nurse> list = new ArrayList<>();
    for (int i = 1; i <= nurses; i++) {
      list.add(ServePublisher.Nurse.of(String.valueOf(i), hash(run, i)));
    }
    return new ServePublisher.Publication("[{\"run\":" + run + "}]", Map.of("Paris", "[{\"run\":" + run + "}]"),
        list.iterator(), Map.of("run_id", "run-" + run));
  }

  /** What the reader found wrong at one step (empty: nothing), between runs 1 and 2. */
  private static List<String> check(Jedis r, String step) {
    return check(r, step, 1, 2);
  }

  /** What the reader found wrong at one step, each nurse's hash having to be whole from one of {@code runs}. */
  private static List<String> check(Jedis r, String step, int... runs) {
    List<String> problems = new ArrayList<>();
    for (String key : List.of(ServeKeys.POPULAR, ServeKeys.popularCity("Paris"), ServeKeys.NURSE_META)) {
      if (!r.exists(key)) {
        problems.add(step + ": " + key + " missing");
      }
    }
    // nurses 1..NURSES-1 are in both runs; nurse NURSES only in run 1 (removed by run 2)
    for (int i = 1; i < NURSES; i++) {
      Map<String, String> h = r.hgetAll(ServeKeys.nurse(String.valueOf(i)));
      if (h.isEmpty()) {
        problems.add(step + ": nurse " + i + " missing");
      } else if (!wholeFromOneOf(h, i, runs)) {
        problems.add(step + ": nurse " + i + " mixed: " + h);
      }
    }
    return problems;
  }

  private static boolean wholeFromOneOf(Map<String, String> h, int nurse, int... runs) {
    for (int run : runs) {
      if (h.equals(hash(run, nurse))) {
        return true;
      }
    }
    return false;
  }

  /**
   * With one transaction in flight, each EXEC is read before the next transaction is sent: the
   * reader let in at {@code committed:<n>} sees the server between two executed transactions.
   * With 16 (the default), the replies of several are read together.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, ServePublisher.DEFAULT_IN_FLIGHT})
  void aReaderLetInAtEveryStepSeesEachKeyWhole(int inFlight) throws Exception {
    try (Jedis w = RedisServers.connect(DB)) {
      new ServePublisher(w, 600, 3).publish(publication(1, NURSES));
    }
    SynchronousQueue<String> steps = new SynchronousQueue<>();
    SynchronousQueue<List<String>> reports = new SynchronousQueue<>();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    List<String> seen = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try (Jedis reader = RedisServers.connect(DB); Jedis w = RedisServers.connect(DB)) {
      Future<?> readerThread = pool.submit(() -> {
        while (true) {
          String step = steps.poll(30, TimeUnit.SECONDS);
          if (step == null || step.equals("end")) {
            return null;
          }
          reports.put(check(reader, step));
        }
      });
      java.util.Map<String, Map<String, String>> atCommit = new java.util.LinkedHashMap<>();
      ServePublisher p = new ServePublisher(w, 600, 3).inFlight(inFlight).hook(step -> {
        try {
          assertTrue(steps.offer(step, 30, TimeUnit.SECONDS), "the reader took step " + step);
          List<String> found = reports.poll(30, TimeUnit.SECONDS);
          assertTrue(found != null, "the reader answered at " + step);
          seen.add(step);
          problems.addAll(found);
          if (step.startsWith("committed:")) {
            atCommit.put(step, reader.hgetAll(ServeKeys.nurse("4")));
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      ServePublisher.Stats stats = p.publish(publication(2, NURSES - 1));
      steps.offer("end", 30, TimeUnit.SECONDS);
      readerThread.get(30, TimeUnit.SECONDS);
      assertEquals(List.of(), problems);
      assertEquals(NURSES - 1, stats.nurses());
      assertEquals(1, stats.nursesRemoved());
      // every nurse's key was read between its delete and its new value, inside the transaction
      for (int i = 1; i < NURSES; i++) {
        assertTrue(seen.contains("queued:features:nurse:" + i), "step queued:" + i + " in " + seen);
      }
      // popular, 2 batches of nurses (each hash lost a field: replaced in transactions), the removal,
      // the meta, the field set
      assertEquals(List.of("committed:1", "committed:2", "committed:3", "committed:4", "committed:5", "committed:6"),
          seen.stream().filter(s -> s.startsWith("committed:")).toList());
      assertEquals(NURSES - 1, stats.nursesInTransactions());
      // nurse 4 is in the second batch of nurses (transaction 3): one transaction at a time, the
      // reader saw run 1's hash after transactions 1 and 2, run 2's from transaction 3 on
      if (inFlight == 1) {
        assertEquals(List.of(hash(1, 4), hash(1, 4), hash(2, 4), hash(2, 4), hash(2, 4), hash(2, 4)),
            List.copyOf(atCommit.values()));
      }
      assertEquals("queued:" + ServeKeys.NURSE_META, seen.get(seen.size() - 3));
      assertEquals(java.util.Set.of("as_of_date", "applications_30d"), reader.smembers(ServeKeys.NURSE_FIELDS));
      // and after: run 2 exactly
      for (int i = 1; i < NURSES; i++) {
        assertEquals(hash(2, i), reader.hgetAll(ServeKeys.nurse(String.valueOf(i))));
      }
      assertEquals(false, reader.exists(ServeKeys.nurse(String.valueOf(NURSES))));
      assertEquals("run-2", reader.hget(ServeKeys.NURSE_META, "run_id"));
      assertEquals("6", reader.hget(ServeKeys.NURSE_META, "rows"));
      assertEquals("[{\"run\":2}]", reader.get(ServeKeys.POPULAR));
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A publication that stops in the middle (here: at nurse 5, inside the third transaction, with
   * transactions still in flight) leaves every key whole: the transactions sent before are
   * executed, the open one is not, and the meta is still the previous run's.
   */
  @Test
  void aPublicationStoppedMidwayLeavesEveryKeyWholeAndThePreviousMeta() {
    try (Jedis w = RedisServers.connect(DB)) {
      new ServePublisher(w, 600, 3).publish(publication(1, NURSES));
    }
    try (Jedis w = RedisServers.connect(DB)) {
      ServePublisher p = new ServePublisher(w, 600, 3).hook(step -> {
        if (step.equals("queued:" + ServeKeys.nurse("5"))) {
          throw new IllegalStateException("stopped at nurse 5");
        }
      });
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> p.publish(publication(2, NURSES - 1)));
      assertEquals("stopped at nurse 5", e.getMessage());
      // the connection is usable again: its open transaction was discarded
      assertEquals("PONG", w.ping());
      assertEquals("run-1", w.hget(ServeKeys.NURSE_META, "run_id"));
    }
    try (Jedis reader = RedisServers.connect(DB)) {
      assertEquals(List.of(), check(reader, "after"));
      for (int i = 1; i <= 3; i++) {
        assertEquals(hash(2, i), reader.hgetAll(ServeKeys.nurse(String.valueOf(i))), "nurse " + i);
      }
      for (int i = 4; i <= NURSES; i++) {
        assertEquals(hash(1, i), reader.hgetAll(ServeKeys.nurse(String.valueOf(i))), "nurse " + i);
      }
      assertEquals("run-1", reader.hget(ServeKeys.NURSE_META, "run_id"));
      assertEquals("[{\"run\":2}]", reader.get(ServeKeys.POPULAR));
    }
  }

  /** Publishes run {@code run} with a reader let in at every step; returns what it found wrong. */
  private static List<String> publishWatched(Jedis w, Jedis reader, int run, int nurses, List<String> seen,
      int... runs) {
    List<String> problems = new ArrayList<>();
    new ServePublisher(w, 600, 3).hook(step -> {
      seen.add(step);
      problems.addAll(check(reader, step, runs));
    }).publish(publication(run, nurses));
    return problems;
  }

  /**
   * A hash that sets every field the earlier runs wrote is replaced by one HSET (no transaction):
   * a reader let in after each such write, and after each transaction, sees every hash whole from
   * one run, and nothing missing.
   */
  @Test
  void aHashSettingEveryEarlierFieldIsReplacedByOneCommandAndStaysWhole() {
    try (Jedis w = RedisServers.connect(DB); Jedis reader = RedisServers.connect(DB)) {
      // an empty database: every hash is new, written by one command
      ServePublisher.Stats first = new ServePublisher(w, 600, 3).publish(publication(2, NURSES - 1));
      assertEquals(0, first.nursesInTransactions());
      List<String> seen = new ArrayList<>();
      // the same reader runs in this thread: the hook hands it the server between two sends
      List<String> problems = publishWatched(w, reader, 3, NURSES - 1, seen, 2, 3);
      assertEquals(List.of(), problems);
      for (int i = 1; i < NURSES; i++) {
        assertTrue(seen.contains("written:features:nurse:" + i), "step written:" + i + " in " + seen);
        assertTrue(!seen.contains("queued:features:nurse:" + i), "nurse " + i + " needed no transaction: " + seen);
        assertEquals(hash(3, i), reader.hgetAll(ServeKeys.nurse(String.valueOf(i))));
      }
      assertEquals("run-3", reader.hget(ServeKeys.NURSE_META, "run_id"));
    }
  }

  /**
   * A publication adding a field stops midway (run 5, once nurse 5's hash is sent): some hashes hold
   * the new field, the meta is still run 4's. The next run, without that field, replaces those hashes
   * in transactions (the field set learnt the field before the first hash holding it was written): no
   * hash keeps a field of run 5.
   */
  @Test
  void aFieldWrittenByAStoppedRunIsNeverLeftInAHash() {
    try (Jedis w = RedisServers.connect(DB); Jedis reader = RedisServers.connect(DB)) {
      new ServePublisher(w, 600, 3).publish(publication(4, NURSES - 1));
      ServePublisher stopping = new ServePublisher(w, 600, 3).hook(step -> {
        if (step.equals("written:" + ServeKeys.nurse("5"))) {
          throw new IllegalStateException("stopped at nurse 5");
        }
      });
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> stopping.publish(publication(5, NURSES - 1)));
      assertEquals(hash(5, 1), reader.hgetAll(ServeKeys.nurse("1")));
      assertEquals(hash(4, 6), reader.hgetAll(ServeKeys.nurse("6")));
      assertEquals("run-4", reader.hget(ServeKeys.NURSE_META, "run_id"));
      assertTrue(reader.smembers(ServeKeys.NURSE_FIELDS).contains("only_in_run_5"));

      List<String> seen = new ArrayList<>();
      List<String> problems = publishWatched(w, reader, 6, NURSES - 1, seen, 4, 5, 6);
      assertEquals(List.of(), problems);
      List<String> stillMixed = new ArrayList<>();
      for (int i = 1; i < NURSES; i++) {
        Map<String, String> h = reader.hgetAll(ServeKeys.nurse(String.valueOf(i)));
        if (!h.equals(hash(6, i))) {
          stillMixed.add(i + ": " + h);
        }
      }
      assertEquals(List.of(), stillMixed);
      assertTrue(seen.contains("queued:" + ServeKeys.nurse("1")), "nurse 1 replaced in a transaction: " + seen);
      assertEquals(java.util.Set.of("as_of_date", "applications_30d"), reader.smembers(ServeKeys.NURSE_FIELDS));
    }
  }

  /** Hashes written before the field set existed (or with the set lost) are all replaced in transactions. */
  @Test
  void withoutTheFieldSetExistingHashesAreReplacedInTransactions() {
    try (Jedis w = RedisServers.connect(DB)) {
      new ServePublisher(w, 600, 3).publish(publication(2, NURSES - 1));
      w.del(ServeKeys.NURSE_FIELDS);
      w.hset(ServeKeys.nurse("1"), "left_by_an_older_version", "1");
      ServePublisher.Stats stats = new ServePublisher(w, 600, 3).publish(publication(3, NURSES - 1));
      assertEquals(NURSES - 1, stats.nursesInTransactions());
      assertEquals(hash(3, 1), w.hgetAll(ServeKeys.nurse("1")));
      // the set is back: the next run writes each hash by one command
      assertEquals(0, new ServePublisher(w, 600, 3).publish(publication(3, NURSES - 1)).nursesInTransactions());
    }
  }

  /** The same reader against a naive publication (DEL, then HSET, outside a transaction) does see a gap. */
  @Test
  void theReaderWouldCatchANaivePublication() {
    try (Jedis w = RedisServers.connect(DB); Jedis reader = RedisServers.connect(DB)) {
      new ServePublisher(w, 600, 3).publish(publication(1, NURSES));
      String key = ServeKeys.nurse("1");
      w.del(key);
      List<String> found = check(reader, "naive");
      w.hset(key, hash(2, 1));
      assertEquals(List.of("naive: nurse 1 missing"), found);
    }
  }
}
