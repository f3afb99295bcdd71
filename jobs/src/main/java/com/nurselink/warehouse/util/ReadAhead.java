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
 * items from memory. At most {@code limit} items wait in memory, plus the {@code chunk} being filled;
 * past that the reader waits. The items come in the source's order; a failure of the source is thrown
 * by the consumer's {@link #hasNext()} once the items read before it are taken. {@link #close()} stops
 * the reader (interrupting it) and waits for it, so that the source can be closed after.
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
    while (!current.hasNext()) {
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
        done = true;
        if (f.cause() instanceof RuntimeException e) {
          throw e;
        } else if (f.cause() instanceof Error e) {
          throw e;
        }
        throw new IllegalStateException(reader.getName() + ": " + f.cause(), f.cause());
      } else {
        @SuppressWarnings("unchecked")
        List<T> items = (List<T>) next;
        current = items.iterator();
      }
    }
    return true;
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

  /** Stops the reader and waits (up to 30 s) for it to end; the items not taken are dropped. */
  @Override
  public void close() {
    closed = true;
    reader.interrupt();
    queue.clear(); // a reader waiting to put is let go
    try {
      reader.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
