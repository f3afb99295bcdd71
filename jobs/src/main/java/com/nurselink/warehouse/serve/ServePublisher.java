package com.nurselink.warehouse.serve;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Publishes a {@link Publication} to Redis so that a reader never sees a key missing nor a hash
 * holding fields of two runs.
 *
 * <p>Every change runs inside a MULTI/EXEC transaction, which Redis executes as a whole with no
 * other client's command in between: a nurse's hash is replaced by {@code DEL} + {@code HSET} in
 * the same transaction (readers see the old hash or the new, never none and never a mix), and the
 * popular-mission strings by {@code SET ... EX}. Transactions hold {@code batchSize} keys each and
 * go down one pipeline, a few in flight at a time. A connection lost mid-batch discards that batch
 * (Redis never executes a transaction without its EXEC): what is published stays whole.
 *
 * <p>Order: the popular missions (and the removal of cities no longer listed), the nurse hashes,
 * the removal of nurses no longer present, then {@link ServeKeys#NURSE_META}: a reader that sees the
 * new meta sees every hash of that run.
 */
public final class ServePublisher {
  /** The hash of one nurse: its id and its fields (numbers as plain decimal text, nulls left out). */
  public record Nurse(String id, Map<String, String> fields) {}

  /**
   * What one run publishes: the JSON of {@code missions:popular}, the JSON per city, the nurses (read
   * once, in any order), and the meta fields (the row count is added here).
   */
  public record Publication(String popular, Map<String, String> popularByCity, Iterator<Nurse> nurses,
      Map<String, String> meta) {}

  /** What a publication did. */
  public record Stats(int cities, long nurses, long nursesRemoved, long citiesRemoved, double seconds) {}

  /** Default keys per transaction. */
  public static final int DEFAULT_BATCH = 500;
  /** Default transactions sent before the replies of the first are read. */
  public static final int DEFAULT_IN_FLIGHT = 16;
  private static final String[] NO_ARGS = {};

  private final Jedis jedis;
  private final long popularTtlSeconds;
  private final int batchSize;
  private Consumer<String> hook = point -> {};
  private int inFlight = DEFAULT_IN_FLIGHT;

  public ServePublisher(Jedis jedis, long popularTtlSeconds, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be 1 or more, got " + batchSize);
    }
    this.jedis = Objects.requireNonNull(jedis);
    this.popularTtlSeconds = popularTtlSeconds;
    this.batchSize = batchSize;
  }

  /**
   * Called at each step of a publication, on the publishing thread: {@code queued:<key>} inside a
   * transaction once a key's previous value is deleted and before its new value is queued, and
   * {@code committed:<n>} after the n-th transaction (1, 2, ...). Tests let readers in there.
   */
  /** Transactions sent before their replies are read (1: each one's EXEC read before the next is sent). */
  public ServePublisher inFlight(int transactions) {
    if (transactions < 1) {
      throw new IllegalArgumentException("transactions in flight must be 1 or more, got " + transactions);
    }
    this.inFlight = transactions;
    return this;
  }

  public ServePublisher hook(Consumer<String> hook) {
    this.hook = Objects.requireNonNull(hook);
    return this;
  }

  public Stats publish(Publication p) {
    long t0 = System.nanoTime();
    refuseReplica();
    Set<String> staleCities = scan(ServeKeys.POPULAR_CITY_PREFIX + "*");
    Set<String> staleNurses = new HashSet<>();
    for (String key : scan(ServeKeys.NURSE_PREFIX + "*")) {
      if (ServeKeys.isNurseKey(key)) {
        staleNurses.add(key);
      }
    }
    Transactions tx = new Transactions(jedis.pipelined());
    try {
      // 1. the popular missions, and the cities no longer listed, in one transaction
      String ex = Long.toString(popularTtlSeconds);
      tx.begin();
      tx.send(Command.SET, ServeKeys.POPULAR, p.popular(), "EX", ex);
      for (Map.Entry<String, String> e : p.popularByCity().entrySet()) {
        String key = ServeKeys.popularCity(e.getKey());
        staleCities.remove(key);
        tx.send(Command.SET, key, e.getValue(), "EX", ex);
      }
      for (String key : staleCities) {
        tx.send(Command.DEL, key);
      }
      tx.end();

      // 2. the nurses, batchSize keys per transaction
      long nurses = 0;
      Iterator<Nurse> it = p.nurses();
      while (it.hasNext()) {
        tx.begin();
        for (int i = 0; i < batchSize && it.hasNext(); i++) {
          Nurse n = it.next();
          String key = ServeKeys.nurse(n.id());
          staleNurses.remove(key);
          replaceHash(tx, key, n.fields());
          nurses++;
        }
        tx.end();
      }

      // 3. the nurses no longer present
      List<String> stale = new ArrayList<>(staleNurses);
      stale.sort(null);
      for (int i = 0; i < stale.size(); i += batchSize) {
        tx.begin();
        for (String key : stale.subList(i, Math.min(stale.size(), i + batchSize))) {
          tx.send(Command.DEL, key);
        }
        tx.end();
      }

      // 4. the meta, last, once every transaction before it has succeeded
      tx.drain();
      Map<String, String> meta = new LinkedHashMap<>(p.meta());
      meta.put("rows", Long.toString(nurses));
      tx.begin();
      replaceHash(tx, ServeKeys.NURSE_META, meta);
      tx.end();
      tx.drain();
      tx.close();
      return new Stats(p.popularByCity().size(), nurses, stale.size(), staleCities.size(),
          (System.nanoTime() - t0) / 1e9);
    } catch (RuntimeException e) {
      try {
        tx.abandon(); // the open transaction discarded, what is left of the replies read
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  /**
   * Queues the replacement of a hash in the open transaction: {@code DEL}, then (unless it has no
   * field) {@code HSET} of all its fields; the hook's {@code queued:<key>} step in between.
   */
  private void replaceHash(Transactions tx, String key, Map<String, String> fields) {
    tx.send(Command.DEL, key);
    hook.accept("queued:" + key);
    if (!fields.isEmpty()) {
      String[] args = new String[1 + 2 * fields.size()];
      int a = 0;
      args[a++] = key;
      for (Map.Entry<String, String> f : fields.entrySet()) {
        args[a++] = f.getKey();
        args[a++] = f.getValue();
      }
      tx.send(Command.HSET, args);
    }
  }

  /**
   * MULTI/EXEC transactions sent down one pipeline, {@code inFlight} of them before their
   * replies are read: the server executes one batch while the next is being encoded and sent.
   */
  private final class Transactions {
    private final Pipeline pipe;
    private final List<Response<Object>> pending = new ArrayList<>();
    private int committed;
    private boolean open;

    Transactions(Pipeline pipe) {
      this.pipe = pipe;
    }

    void begin() {
      pipe.sendCommand(Command.MULTI, NO_ARGS);
      open = true;
    }

    void send(Command command, String... args) {
      pipe.sendCommand(command, args);
    }

    void end() {
      open = false;
      pending.add(pipe.sendCommand(Command.EXEC, NO_ARGS));
      if (pending.size() == inFlight) {
        drain();
      }
    }

    /** Reads the replies of the transactions sent; a command that failed fails the publication. */
    void drain() {
      pipe.sync();
      for (Response<Object> exec : pending) {
        Object replies = exec.get(); // throws a queuing error (EXECABORT)
        if (!(replies instanceof List<?> list)) {
          throw new IllegalStateException("a Redis transaction was aborted");
        }
        for (Object r : list) {
          if (r instanceof RuntimeException e) {
            throw e;
          }
        }
        committed++;
        hook.accept("committed:" + committed);
      }
      pending.clear();
    }

    void close() {
      pipe.close();
    }

    /**
     * After a failure: DISCARD of a transaction left open (its queued commands never run), then
     * the replies read, so that the connection can serve other commands.
     */
    void abandon() {
      if (open) {
        pipe.sendCommand(Command.DISCARD, NO_ARGS);
        open = false;
      }
      pipe.close();
    }
  }

  /**
   * Fails before any write on a replica (read-only: inside a transaction its READONLY refusal would
   * only show as EXECABORT). A user not allowed to run ROLE is left to the writes themselves.
   */
  private void refuseReplica() {
    List<Object> role;
    try {
      role = jedis.role();
    } catch (redis.clients.jedis.exceptions.JedisDataException notAllowed) {
      return;
    }
    Object first = role == null || role.isEmpty() ? null : role.get(0);
    String name = first instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
        : String.valueOf(first);
    if (!name.equals("master")) {
      throw new redis.clients.jedis.exceptions.JedisDataException("READONLY the server is a read-only replica (role "
          + name + "): point redis.url at the primary");
    }
  }

  /** Every key matching a glob pattern (SCAN: never blocks the server). */
  private Set<String> scan(String pattern) {
    Set<String> keys = new HashSet<>();
    ScanParams params = new ScanParams().match(pattern).count(10_000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, params);
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }
}
