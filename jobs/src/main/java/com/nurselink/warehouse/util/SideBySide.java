package com.nurselink.warehouse.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Independent tables of one job written side by side, each from a driver thread of its own. Spark
 * runs the jobs of several threads at once: while one thread plans, analyses or commits a table (the
 * driver's work, most of a small site's run), the tasks of another table's job run on the other
 * cores. The pipeline gives a job over a small input {@code pipeline.table-threads} threads, and any
 * other job one: there the tasks keep every core busy on their own, and two tables at once measured
 * slower (BENCHMARKS.md).
 *
 * <p>Each table is still one atomic commit of its own, so a crash leaves each table at its previous
 * snapshot or its new one, as it does when they are written one after the other; only the order of
 * the commits, and of the progress lines, is no longer the tables' order. When a write fails, the
 * writes under way run to their end (a commit is never cut short by this class), those not started
 * yet are not started (as one after the other, the tables after a failure are not written), then the
 * first failure in the tables' order is thrown, the others suppressed in it.
 *
 * <p>The threads are made by the calling thread, so they inherit its Spark session and its Spark
 * local properties (job group, scheduler pool).
 */
public final class SideBySide {
  private SideBySide() {}

  /**
   * Runs every write, on at most {@code threads} threads (none but the caller's for 1 or a single
   * write, in the given order, stopping at the first failure); the results in the writes' order.
   */
  public static <T> List<T> run(String job, int threads, List<Callable<T>> writes) {
    if (threads <= 1 || writes.size() <= 1) {
      List<T> out = new ArrayList<>(writes.size());
      for (Callable<T> w : writes) {
        out.add(call(w));
      }
      return out;
    }
    AtomicInteger n = new AtomicInteger();
    ThreadFactory named = r -> {
      Thread t = new Thread(r, "nurselink-" + job + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, writes.size()), named);
    AtomicBoolean failed = new AtomicBoolean();
    try {
      List<Future<T>> futures = new ArrayList<>(writes.size());
      for (Callable<T> w : writes) {
        futures.add(pool.submit(() -> {
          if (failed.get()) {
            throw new NotStarted();
          }
          try {
            return w.call();
          } catch (Throwable t) {
            failed.set(true);
            throw t;
          }
        }));
      }
      List<T> out = new ArrayList<>(writes.size());
      Throwable first = null;
      for (Future<T> f : futures) {
        try {
          out.add(getUninterruptibly(f)); // every write is waited for, whatever failed before
        } catch (ExecutionException e) {
          if (e.getCause() instanceof NotStarted) {
            continue;
          }
          if (first == null) {
            first = e.getCause();
          } else if (first != e.getCause()) {
            first.addSuppressed(e.getCause());
          }
        }
      }
      if (first instanceof RuntimeException r) {
        throw r;
      }
      if (first instanceof Error err) {
        throw err;
      }
      if (first != null) {
        throw new IllegalStateException(first.getMessage(), first);
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }

  /** A write not started because another had failed. */
  private static final class NotStarted extends Exception {
    NotStarted() {
      super(null, null, false, false);
    }
  }

  private static <T> T call(Callable<T> w) {
    try {
      return w.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The write's result; a write once started is waited for to its end, even when this thread is interrupted. */
  private static <T> T getUninterruptibly(Future<T> f) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
