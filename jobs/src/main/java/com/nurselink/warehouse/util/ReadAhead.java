package com.nurselink.warehouse.util;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An iterator read on a thread of its own, ahead of its consumer: the reading (and whatever the source
 * does per item) runs while the consumer's thread does something else, and the consumer then takes the
 * items from memory. The reader hands items over by chunks; at most {@code limit} items (rounded up to
 * whole chunks) wait in the queue, plus the chunk the reader is filling and the one the consumer is
 * taking from; past that the reader waits. The items come in the source's order. A failure of the
 * source is thrown by {@link #hasNext()} once the items read before it are taken, and again by every
 * later call: a read cut short never looks like the end. {@link #close()} stops the reader
 * (interrupting it) and returns once it has ended, so that the source can be closed after.
 *
 * <p>Written here because no library of the project hands an iterator over between threads with a
 * bound; the JDK's {@link BlockingQueue} does the waiting.
 */
public final class ReadAhead<T> implements Iterator<T>, AutoCloseable {
  private static final Object END = new Object();

  private record Failure(Throwable cause) {}

  private final Iterator<T> source;
  private final int chunk;
  private final BlockingQueue<Object> queue;
  private final Thread reader;
  private volatile boolean closed;
  private Iterator<T> current = Collections.emptyIterator();
  private boolean done;
  private Throwable failure;

  /**
   * Starts reading {@code source} on a daemon thread named {@code name}, handing items over by chunks
   * of {@code chunk}, at most {@code limit} of them waiting (rounded up to whole chunks).
   */
  public ReadAhead(String name, Iterator<T> source, int limit, int chunk) {
    if (chunk < 1 || limit < 1) {
      throw new IllegalArgumentException("limit and chunk must be 1 or more, got " + limit + " and " + chunk);
    }
    this.source = Objects.requireNonNull(source);
    this.chunk = chunk;
    this.queue = new ArrayBlockingQueue<>((limit + chunk - 1) / chunk);
    this.reader = new Thread(this::read, name);
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    List<T> buffer = new ArrayList<>(chunk);
    Object last;
    try {
      while (!closed && source.hasNext()) {
        buffer.add(source.next());
        if (buffer.size() == chunk) {
          queue.put(buffer);
          buffer = new ArrayList<>(chunk);
        }
      }
      last = END;
    } catch (InterruptedException e) {
      return; // closed: the consumer takes nothing more
    } catch (Throwable t) {
      last = new Failure(t);
    }
    if (closed) {
      return; // nobody takes anything any more (a source may have cleared the interrupt)
    }
    try {
      if (!buffer.isEmpty()) {
        queue.put(buffer); // the items read before a failure, too
      }
      queue.put(last);
    } catch (InterruptedException e) {
      // closed meanwhile: nobody left to tell
    }
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("the " + reader.getName() + " read-ahead is closed");
    }
    while (!current.hasNext()) {
      if (failure != null) {
        throw failed();
      }
      if (done) {
        return false;
      }
      Object next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the " + reader.getName() + " thread", e);
      }
      if (next == END) {
        done = true;
      } else if (next instanceof Failure f) {
        failure = f.cause();
        throw failed();
      } else {
        @SuppressWarnings("unchecked")
        List<T> items = (List<T>) next;
        current = items.iterator();
      }
    }
    return true;
  }

  /** The source's failure, as it is when unchecked. */
  private RuntimeException failed() {
    if (failure instanceof RuntimeException e) {
      return e;
    } else if (failure instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(reader.getName() + ": " + failure, failure);
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  /** The reader thread (tests watch its state). */
  Thread reader() {
    return reader;
  }

  /**
   * Stops the reader and returns once it has ended (an interrupt of the caller meanwhile is kept for
   * after); the items not taken are dropped.
   */
  @Override
  public void close() {
    closed = true;
    reader.interrupt();
    queue.clear(); // a reader waiting to put is let go
    boolean interrupted = false;
    while (reader.isAlive()) {
      try {
        reader.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
