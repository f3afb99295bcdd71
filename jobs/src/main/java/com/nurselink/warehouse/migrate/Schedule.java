package com.nurselink.warehouse.migrate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loads and foreign keys of a migration, handed out to its workers, so that a key is checked as soon as
 * its two tables are loaded, while other tables still load, instead of after the last load.
 *
 * <ul>
 *   <li>Loads come first, the heaviest first: its cells, plus the rows its keys will check once it is
 *       loaded (checking them is the tail a table leaves after its load; the keys of one table are checked
 *       one after the other).
 *   <li>A key is handed out once its table and its parent are loaded (the parent's primary key is built by
 *       its load) and no other task holds either: adding a key locks both tables in SHARE ROW EXCLUSIVE
 *       mode, which conflicts with itself. The keys of the table with the most key work come first, then in
 *       plan order.
 *   <li>A worker that fails {@link #fail stops} the others: a waiting taker is woken and stops.
 * </ul>
 */
final class Schedule {
  /** One unit of work. */
  sealed interface Task permits Load, Key {}

  /** Copy a table, build its keys and indexes, verify it. */
  record Load(TablePlan table) implements Task {}

  /** Add a foreign key; {@code index} is its place in the plan, {@code tables} the tables it locks. */
  record Key(int index, TablePlan table, TablePlan.ForeignKeyPlan fk, Set<String> tables) implements Task {}

  private final List<Load> loads;
  private final List<Key> keys;
  private final Set<String> loaded = new HashSet<>();
  private final Set<String> busy = new HashSet<>();
  private MigrationException failure;

  Schedule(List<Load> loads, List<Key> keys) {
    this.loads = new ArrayList<>(loads);
    this.keys = new ArrayList<>(keys);
  }

  /** The schedule of a plan's tables, ordered as the class comment says. */
  static Schedule of(List<TablePlan> tables) {
    Map<String, Double> keyRows = new HashMap<>();   // doubles: rows times keys does not wrap
    List<Key> keys = new ArrayList<>();
    for (TablePlan t : tables) {
      for (TablePlan.ForeignKeyPlan fk : t.foreignKeys()) {
        keys.add(new Key(keys.size(), t, fk, Set.copyOf(List.of(t.name(), fk.parent()))));
      }
      keyRows.put(t.name(), (double) t.sourceRows() * t.foreignKeys().size());
    }
    List<Load> loads = new ArrayList<>();
    for (TablePlan t : tables) {
      loads.add(new Load(t));
    }
    loads.sort(Comparator.comparingDouble((Load l) -> (double) l.table().sourceRows()
        * Math.max(1, l.table().columns().size()) + keyRows.get(l.table().name())).reversed());
    keys.sort(Comparator.comparingDouble((Key k) -> keyRows.get(k.table().name())).reversed()
        .thenComparingInt(Key::index));
    return new Schedule(loads, keys);
  }

  /** The next task, waiting while none can start; null when none is left. */
  synchronized Task take() throws InterruptedException {
    while (true) {
      if (Thread.currentThread().isInterrupted() || failure != null) {
        throw new InterruptedException("migration stopped");   // another worker failed
      }
      if (!loads.isEmpty()) {
        Load l = loads.remove(0);
        busy.add(l.table().name());
        return l;
      }
      if (keys.isEmpty()) {
        return null;
      }
      for (Iterator<Key> it = keys.iterator(); it.hasNext(); ) {
        Key k = it.next();
        if (loaded.containsAll(k.tables()) && Collections.disjoint(k.tables(), busy)) {
          it.remove();
          busy.addAll(k.tables());
          return k;
        }
      }
      wait();
    }
  }

  /** A task ended well: its tables are free again (and, for a load, loaded). */
  synchronized void done(Task t) {
    if (t instanceof Load l) {
      busy.remove(l.table().name());
      loaded.add(l.table().name());
    } else if (t instanceof Key k) {
      busy.removeAll(k.tables());
    }
    notifyAll();
  }

  /** A task failed: every taker stops; the first failure is kept. */
  synchronized void fail(MigrationException e) {
    if (failure == null) {
      failure = e;
    }
    notifyAll();
  }

  /** The first failure, or null. */
  synchronized MigrationException failure() {
    return failure;
  }
}
