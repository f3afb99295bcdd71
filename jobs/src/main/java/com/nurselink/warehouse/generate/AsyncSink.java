package com.nurselink.warehouse.generate;

import com.nurselink.warehouse.contract.SourceContract;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands rows over, in order and in chunks, to a writer thread that feeds the target sink: the rows
 * are produced and written at the same time. {@link #finish()} waits for the writer and reports its
 * failure; it does not finish the target.
 */
final class AsyncSink implements RowSink {
  private static final int CHUNK = 4096;
  private static final Chunk END = new Chunk(new SourceContract[0], new Object[0][], 0);

  private record Chunk(SourceContract[] tables, Object[][] rows, int n) {}

  private final RowSink target;
  private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(16);
  private final Thread worker;
  private volatile Throwable failure;
  private SourceContract[] tables = new SourceContract[CHUNK];
  private Object[][] rows = new Object[CHUNK][];
  private int n;

  AsyncSink(RowSink target) {
    this.target = target;
    this.worker = new Thread(this::drain, "generate-writer");
    worker.setDaemon(true);
    worker.start();
  }

  private void drain() {
    try {
      while (true) {
        Chunk c = queue.take();
        if (c == END) {
          return;
        }
        for (int i = 0; i < c.n(); i++) {
          target.row(c.tables()[i], c.rows()[i]);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
      queue.clear();
    }
  }

  @Override
  public void row(SourceContract table, Object[] values) throws SQLException, IOException {
    tables[n] = table;
    rows[n] = values;
    if (++n == CHUNK) {
      hand(new Chunk(tables, rows, n));
      tables = new SourceContract[CHUNK];
      rows = new Object[CHUNK][];
      n = 0;
    }
  }

  private void hand(Chunk c) throws SQLException, IOException {
    try {
      while (!queue.offer(c, 100, TimeUnit.MILLISECONDS)) {
        rethrow();
        if (!worker.isAlive()) {
          throw new IllegalStateException("the writer thread stopped");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    rethrow();
  }

  private void rethrow() throws SQLException, IOException {
    Throwable t = failure;
    if (t instanceof SQLException e) {
      throw e;
    } else if (t instanceof IOException e) {
      throw e;
    } else if (t instanceof RuntimeException e) {
      throw e;
    } else if (t instanceof Error e) {
      throw e;
    } else if (t != null) {
      throw new IOException(t);
    }
  }

  @Override
  public void finish() throws SQLException, IOException {
    if (n > 0) {
      hand(new Chunk(tables, rows, n));
      n = 0;
    }
    hand(END);
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    rethrow();
  }

  @Override
  public void close() {
    if (worker.isAlive()) {
      worker.interrupt();
      try {
        worker.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
