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
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Publishes a {@link Publication} to Redis so that a reader never sees a key missing nor a hash
 * holding fields of two runs.
 *
 * <p>Every change runs inside a MULTI/EXEC transaction, which Redis executes as a whole with no
 * other client's command in between: a nurse's hash is replaced by {@code DEL} + {@code HSET} in
 * the same transaction (readers see the old hash or the new, never none and never a mix), and the
 * popular-mission strings by {@code SET ... EX}. Transactions hold {@code batchSize} keys each and
 * are pipelined (one round trip per batch). A connection lost mid-batch discards that batch
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

  private final Jedis jedis;
  private final long popularTtlSeconds;
  private final int batchSize;
  private Consumer<String> hook = point -> {};

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
  public ServePublisher hook(Consumer<String> hook) {
    this.hook = Objects.requireNonNull(hook);
    return this;
  }

  public Stats publish(Publication p) {
    long t0 = System.nanoTime();
    refuseReplica();
    int[] tx = {0};
    // 1. the popular missions, and the cities no longer listed, in one transaction
    Set<String> staleCities = scan(ServeKeys.POPULAR_CITY_PREFIX + "*");
    SetParams ex = SetParams.setParams().ex(popularTtlSeconds);
    Transaction t = jedis.multi();
    t.set(ServeKeys.POPULAR, p.popular(), ex);
    for (Map.Entry<String, String> e : p.popularByCity().entrySet()) {
      String key = ServeKeys.popularCity(e.getKey());
      staleCities.remove(key);
      t.set(key, e.getValue(), ex);
    }
    for (String key : staleCities) {
      t.del(key);
    }
    commit(t, tx);

    // 2. the nurses
    Set<String> staleNurses = new HashSet<>();
    for (String key : scan(ServeKeys.NURSE_PREFIX + "*")) {
      if (ServeKeys.isNurseKey(key)) {
        staleNurses.add(key);
      }
    }
    long nurses = 0;
    List<Nurse> batch = new ArrayList<>(batchSize);
    Iterator<Nurse> it = p.nurses();
    while (it.hasNext()) {
      Nurse n = it.next();
      staleNurses.remove(ServeKeys.nurse(n.id()));
      batch.add(n);
      if (batch.size() == batchSize) {
        nurses += writeNurses(batch, tx);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      nurses += writeNurses(batch, tx);
    }

    // 3. the nurses no longer present
    List<String> stale = new ArrayList<>(staleNurses);
    stale.sort(null);
    for (int i = 0; i < stale.size(); i += batchSize) {
      Transaction d = jedis.multi();
      for (String key : stale.subList(i, Math.min(stale.size(), i + batchSize))) {
        d.del(key);
      }
      commit(d, tx);
    }

    // 4. the meta, last
    Map<String, String> meta = new LinkedHashMap<>(p.meta());
    meta.put("rows", Long.toString(nurses));
    Transaction m = jedis.multi();
    m.del(ServeKeys.NURSE_META);
    hook.accept("queued:" + ServeKeys.NURSE_META);
    m.hset(ServeKeys.NURSE_META, meta);
    commit(m, tx);
    return new Stats(p.popularByCity().size(), nurses, stale.size(), staleCities.size(),
        (System.nanoTime() - t0) / 1e9);
  }

  private long writeNurses(List<Nurse> batch, int[] tx) {
    Transaction t = jedis.multi();
    for (Nurse n : batch) {
      String key = ServeKeys.nurse(n.id());
      t.del(key);
      hook.accept("queued:" + key);
      if (!n.fields().isEmpty()) {
        t.hset(key, n.fields());
      }
    }
    commit(t, tx);
    return batch.size();
  }

  /** EXEC; a command that failed inside the transaction fails the publication. */
  private void commit(Transaction t, int[] tx) {
    List<Object> replies = t.exec();
    if (replies == null) {
      throw new IllegalStateException("a Redis transaction was aborted");
    }
    for (Object r : replies) {
      if (r instanceof RuntimeException e) {
        throw e;
      }
    }
    tx[0]++;
    hook.accept("committed:" + tx[0]);
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
    ScanParams params = new ScanParams().match(pattern).count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, params);
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }
}
