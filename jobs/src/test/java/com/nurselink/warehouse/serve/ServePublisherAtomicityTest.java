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

  /** Run r's hash of nurse i: its own values, and field f<i> only in run 1 (a field that disappears). */
  private static Map<String, String> hash(int run, int i) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("as_of_date", "2026-03-2" + run);
    m.put("applications_30d", String.valueOf(run * 100 + i));
    if (run == 1) {
      m.put("only_in_run_1", "x" + i);
    }
    return m;
  }

  private static ServePublisher.Publication publication(int run, int nurses) {
    List<ServePublisher.Nurse> list = new ArrayList<>();
    for (int i = 1; i <= nurses; i++) {
      list.add(new ServePublisher.Nurse(String.valueOf(i), hash(run, i)));
    }
    return new ServePublisher.Publication("[{\"run\":" + run + "}]", Map.of("Paris", "[{\"run\":" + run + "}]"),
        list.iterator(), Map.of("run_id", "run-" + run));
  }

  /** What the reader found wrong at one step (empty: nothing). */
  private static List<String> check(Jedis r, String step) {
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
      } else if (!h.equals(hash(1, i)) && !h.equals(hash(2, i))) {
        problems.add(step + ": nurse " + i + " mixed: " + h);
      }
    }
    return problems;
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
      // popular, 2 batches of nurses, the removal, the meta
      assertEquals(List.of("committed:1", "committed:2", "committed:3", "committed:4", "committed:5"),
          seen.stream().filter(s -> s.startsWith("committed:")).toList());
      // nurse 4 is in the second batch of nurses (transaction 3): one transaction at a time, the
      // reader saw run 1's hash after transactions 1 and 2, run 2's from transaction 3 on
      if (inFlight == 1) {
        assertEquals(List.of(hash(1, 4), hash(1, 4), hash(2, 4), hash(2, 4), hash(2, 4)),
            List.copyOf(atCommit.values()));
      }
      assertEquals("queued:" + ServeKeys.NURSE_META, seen.get(seen.size() - 2));
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
