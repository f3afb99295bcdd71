package com.nurselink.warehouse.serve;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
import redis.clients.jedis.util.SafeEncoder;

/**
 * Publishes a {@link Publication} to Redis so that a reader never sees a key missing nor a hash
 * holding fields of two runs.
 *
 * <p>A nurse's hash is written by one command when one command is enough to replace it whole:
 * when the key does not exist yet, or when the new hash sets every field an earlier run may have
 * written ({@link ServeKeys#NURSE_FIELDS} lists them): a single {@code HSET} then overwrites each old
 * field, and Redis runs a command with no other client's command in between. Any other hash (a
 * feature that was set and is null now, or fields the set does not vouch for) is replaced by
 * {@code DEL} + {@code HSET} inside a MULTI/EXEC transaction, which Redis executes as a whole:
 * readers see the old hash or the new, never none and never a mix. The field names of a batch are
 * added to {@link ServeKeys#NURSE_FIELDS} before its hashes are written, so the set always holds every
 * field present in any hash; once a publication is complete (every hash is this run's) it is reset to
 * this run's fields. The popular-mission strings are set by {@code SET ... EX} in one transaction.
 * Batches of {@code batchSize} keys go down one pipeline, a few in flight at a time. A connection lost
 * mid-batch discards that batch's transaction (Redis never executes a transaction without its EXEC):
 * what is published stays whole.
 *
 * <p>Order: the popular missions (and the removal of cities no longer listed), the nurse hashes,
 * the removal of nurses no longer present, then {@link ServeKeys#NURSE_META}: a reader that sees the
 * new meta sees every hash of that run.
 */
public final class ServePublisher {
  /**
   * The hash of one nurse, ready to send: its key, the names of its fields, and the arguments of its
   * {@code HSET} (key, field, value, ...) encoded once, where the nurse is read ({@link Encoder}), so
   * that the publication only writes bytes. Numbers are plain decimal text, nulls left out.
   */
  public static final class Nurse {
    private final String key;
    private final Set<String> fieldNames;
    private final byte[][] hsetArgs;

    private Nurse(String key, Set<String> fieldNames, byte[][] hsetArgs) {
      this.key = key;
      this.fieldNames = fieldNames;
      this.hsetArgs = hsetArgs;
    }

    /** A nurse from its fields (field name to text value, none null), through an encoder of its own. */
    public static Nurse of(String id, Map<String, String> fields) {
      List<String> names = List.copyOf(fields.keySet());
      return new Encoder(names).encode(id, names.stream().map(fields::get).toArray(String[]::new));
    }

    /** The names of the fields the hash holds. */
    public Set<String> fieldNames() {
      return fieldNames;
    }
  }

  /**
   * Makes the {@link Nurse}s of one table: its field names encoded once and shared, as is the set of
   * names of the nurses whose non-null fields are the same (most of them). Not thread-safe: one per
   * reading thread.
   */
  public static final class Encoder {
    private final List<String> names;
    private final byte[][] encodedNames;
    private final Map<BitSet, Set<String>> nameSets = new HashMap<>();

    /** An encoder of the hashes with these fields, in this order. */
    public Encoder(List<String> names) {
      this.names = List.copyOf(names);
      this.encodedNames = new byte[names.size()][];
      for (int i = 0; i < names.size(); i++) {
        encodedNames[i] = SafeEncoder.encode(names.get(i));
      }
    }

    /** The nurse whose field {@code i} is {@code values[i]} (null: left out of the hash). */
    public Nurse encode(String id, String[] values) {
      if (values.length != names.size()) {
        throw new IllegalArgumentException(values.length + " values for " + names.size() + " fields");
      }
      BitSet present = new BitSet(values.length);
      int n = 0;
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          present.set(i);
          n++;
        }
      }
      String key = ServeKeys.nurse(id);
      byte[][] args = new byte[1 + 2 * n][];
      int a = 0;
      args[a++] = SafeEncoder.encode(key);
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          args[a++] = encodedNames[i];
          args[a++] = SafeEncoder.encode(values[i]);
        }
      }
      Set<String> fieldNames = nameSets.computeIfAbsent(present, p -> {
        List<String> list = new ArrayList<>();
        p.stream().forEach(i -> list.add(names.get(i)));
        return Set.copyOf(list);
      });
      return new Nurse(key, fieldNames, args);
    }
  }

  /**
   * What one run publishes: the JSON of {@code missions:popular}, the JSON per city, the nurses (read
   * once, in any order), and the meta fields (the row count is added here).
   */
  public record Publication(String popular, Map<String, String> popularByCity, Iterator<Nurse> nurses,
      Map<String, String> meta) {}

  /**
   * What a publication did; {@code nursesInTransactions} of the {@code nurses} hashes were replaced by
   * {@code DEL} + {@code HSET} in a transaction, the others written by one {@code HSET}.
   */
  public record Stats(int cities, long nurses, long nursesRemoved, long citiesRemoved, long nursesInTransactions,
      double seconds) {}

  /** Default keys per transaction. */
  public static final int DEFAULT_BATCH = 500;
  /** Default transactions sent before the replies of the first are read. */
  public static final int DEFAULT_IN_FLIGHT = 16;
  private static final String[] NO_ARGS = {};

  private final Jedis jedis;
  private final long popularTtlSeconds;
  private final int batchSize;
  private static final Consumer<String> NO_HOOK = point -> {};
  private Consumer<String> hook = NO_HOOK;
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
   * Batches sent before their replies are read (1: each one's replies read before the next is sent).
   */
  public ServePublisher inFlight(int transactions) {
    if (transactions < 1) {
      throw new IllegalArgumentException("transactions in flight must be 1 or more, got " + transactions);
    }
    this.inFlight = transactions;
    return this;
  }

  /**
   * Called at each step of a publication, on the publishing thread: {@code queued:<key>} inside a
   * transaction once a key's previous value is deleted and before its new value is queued,
   * {@code written:<key>} once a hash written by one command is sent, and {@code committed:<n>} after
   * the n-th transaction (1, 2, ...). Tests let readers in there.
   */
  public ServePublisher hook(Consumer<String> hook) {
    this.hook = Objects.requireNonNull(hook);
    return this;
  }

  public Stats publish(Publication p) {
    long t0 = System.nanoTime();
    refuseReplica();
    Set<String> staleCities = scan(ServeKeys.POPULAR_CITY_PREFIX + "*", key -> true);
    Set<String> staleNurses = scan(ServeKeys.NURSE_PREFIX + "*", ServeKeys::isNurseKey);
    // every field an existing hash may hold; unknown (null) when hashes exist without the set
    Set<String> earlierFields = jedis.smembers(ServeKeys.NURSE_FIELDS);
    if (earlierFields.isEmpty() && !staleNurses.isEmpty()) {
      earlierFields = null;
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

      // 2. the nurses, batchSize keys per batch
      long nurses = 0;
      long inTransactions = 0;
      Set<String> fieldsAdded = new HashSet<>();
      Map<Set<String>, Boolean> covers = new IdentityHashMap<>();
      List<Nurse> batch = new ArrayList<>(batchSize);
      List<Nurse> replace = new ArrayList<>();
      Iterator<Nurse> it = p.nurses();
      while (it.hasNext()) {
        batch.clear();
        replace.clear();
        while (batch.size() < batchSize && it.hasNext()) {
          batch.add(it.next());
        }
        addFields(tx, batch, fieldsAdded);
        for (Nurse n : batch) {
          boolean existed = staleNurses.remove(n.key);
          if (!existed || (earlierFields != null && coversEarlier(n.fieldNames(), earlierFields, covers))) {
            if (!n.fieldNames().isEmpty()) {
              tx.single(Command.HSET, n.hsetArgs);
            }
            if (hook != NO_HOOK) {
              hook.accept("written:" + n.key);
            }
          } else {
            replace.add(n);
          }
        }
        if (replace.isEmpty()) {
          tx.endBatch();
        } else {
          tx.begin();
          for (Nurse n : replace) {
            tx.send(Command.DEL, n.hsetArgs[0]);
            if (hook != NO_HOOK) {
              hook.accept("queued:" + n.key);
            }
            if (!n.fieldNames().isEmpty()) {
              tx.send(Command.HSET, n.hsetArgs);
            }
          }
          tx.end();
        }
        nurses += batch.size();
        inTransactions += replace.size();
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
      // 5. every hash is now this run's: the field set narrowed to this run's fields
      tx.begin();
      tx.send(Command.DEL, ServeKeys.NURSE_FIELDS);
      if (!fieldsAdded.isEmpty()) {
        tx.send(Command.SADD, sorted(ServeKeys.NURSE_FIELDS, fieldsAdded));
      }
      tx.end();
      tx.drain();
      tx.close();
      return new Stats(p.popularByCity().size(), nurses, stale.size(), staleCities.size(), inTransactions,
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
      tx.send(Command.HSET, hsetArgs(key, fields));
    }
  }

  /**
   * Whether a hash with these fields overwrites every field of {@code earlier}; remembered per set of
   * names (the encoder shares one between the nurses with the same fields).
   */
  private static boolean coversEarlier(Set<String> names, Set<String> earlier, Map<Set<String>, Boolean> covers) {
    Boolean known = covers.get(names);
    if (known == null) {
      known = names.size() >= earlier.size() && names.containsAll(earlier);
      covers.put(names, known);
    }
    return known;
  }

  private static String[] hsetArgs(String key, Map<String, String> fields) {
    String[] args = new String[1 + 2 * fields.size()];
    int a = 0;
    args[a++] = key;
    for (Map.Entry<String, String> f : fields.entrySet()) {
      args[a++] = f.getKey();
      args[a++] = f.getValue();
    }
    return args;
  }

  /** {@code SADD} to {@link ServeKeys#NURSE_FIELDS} of the batch's field names not added yet, before its hashes. */
  private static void addFields(Transactions tx, List<Nurse> batch, Set<String> added) {
    Set<String> fresh = null;
    Set<Set<String>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Nurse n : batch) {
      if (!seen.add(n.fieldNames())) {
        continue; // the encoder shares the set between nurses with the same fields
      }
      for (String f : n.fieldNames()) {
        if (!added.contains(f)) {
          if (fresh == null) {
            fresh = new HashSet<>();
          }
          fresh.add(f);
        }
      }
    }
    if (fresh != null) {
      added.addAll(fresh);
      tx.single(Command.SADD, sorted(ServeKeys.NURSE_FIELDS, fresh));
    }
  }

  private static String[] sorted(String key, Set<String> members) {
    List<String> list = new ArrayList<>(members);
    list.sort(null);
    list.add(0, key);
    return list.toArray(new String[0]);
  }

  /**
   * Batches sent down one pipeline, {@code inFlight} of them before their replies are read (the server
   * executes one batch while the next is being encoded and sent); a batch is a MULTI/EXEC
   * transaction, commands of their own, or both.
   */
  private final class Transactions {
    private final Pipeline pipe;
    private final List<Response<Object>> pending = new ArrayList<>();
    private final List<Response<Object>> singles = new ArrayList<>();
    private int batches;
    private int committed;
    private boolean open;

    Transactions(Pipeline pipe) {
      this.pipe = pipe;
    }

    void begin() {
      pipe.sendCommand(Command.MULTI, NO_ARGS);
      open = true;
    }

    /** A command inside the open transaction. */
    void send(Command command, String... args) {
      pipe.sendCommand(command, args);
    }

    void send(Command command, byte[]... args) {
      pipe.sendCommand(command, args);
    }

    /** A command of its own, outside any transaction; its reply is checked with the batch's. */
    void single(Command command, String... args) {
      singles.add(pipe.sendCommand(command, args));
    }

    void single(Command command, byte[]... args) {
      singles.add(pipe.sendCommand(command, args));
    }

    /** EXEC of the open transaction, which ends the batch. */
    void end() {
      open = false;
      pending.add(pipe.sendCommand(Command.EXEC, NO_ARGS));
      endBatch();
    }

    /** Ends a batch (of single commands, or after its EXEC). */
    void endBatch() {
      if (++batches == inFlight) {
        drain();
      }
    }

    /** Reads the replies of the batches sent; a command that failed fails the publication. */
    void drain() {
      pipe.sync();
      batches = 0;
      for (Response<Object> r : singles) {
        r.get(); // throws the command's error
      }
      singles.clear();
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

  /** Every key matching a glob pattern and {@code keep} (SCAN: never blocks the server). */
  private Set<String> scan(String pattern, java.util.function.Predicate<String> keep) {
    Set<String> keys = new HashSet<>();
    ScanParams params = new ScanParams().match(pattern).count(10_000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, params);
      for (String key : page.getResult()) {
        if (keep.test(key)) {
          keys.add(key);
        }
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }
}
