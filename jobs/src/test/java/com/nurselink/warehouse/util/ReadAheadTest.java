package com.nurselink.warehouse.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  /** 0, 1, ..., n - 1, counting what was pulled; throws {@code failure} instead of item {@code failAt}. */
  private static final class Counting implements Iterator<Integer> {
    final AtomicInteger pulled = new AtomicInteger();
    private final int n;
    private final int failAt;
    private final RuntimeException failure;

    Counting(int n, int failAt, RuntimeException failure) {
      this.n = n;
      this.failAt = failAt;
      this.failure = failure;
    }

    @Override
    public boolean hasNext() {
      return pulled.get() < n;
    }

    @Override
    public Integer next() {
      int i = pulled.get();
      if (i == failAt) {
        throw failure;
      }
      return pulled.getAndIncrement();
    }
  }

  /**
   * Waits (bounded) until the reader has pulled at least {@code pulled} items and is parked, which it
   * then only is when it cannot put its chunk; returns what it has pulled by then.
   */
  private static int awaitParked(ReadAhead<?> ahead, Counting source, int pulled) throws InterruptedException {
    for (int i = 0; i < 10_000; i++) {
      if (source.pulled.get() >= pulled && ahead.reader().getState() == Thread.State.WAITING) {
        return source.pulled.get();
      }
      Thread.sleep(1);
    }
    throw new AssertionError("the reader never waited for room (pulled " + source.pulled.get() + ")");
  }

  @Test
  void givesEveryItemInOrder() {
    Counting source = new Counting(10_007, -1, null);
    List<Integer> got = new ArrayList<>();
    try (ReadAhead<Integer> ahead = new ReadAhead<>("test", source, 100, 16)) {
      ahead.forEachRemaining(got::add);
      assertFalse(ahead.hasNext());
      assertThrows(NoSuchElementException.class, ahead::next);
    }
    assertEquals(10_007, got.size());
    for (int i = 0; i < got.size(); i++) {
      assertEquals(i, got.get(i));
    }
  }

  @Test
  void readsAheadUpToItsLimitThenWaits() throws InterruptedException {
    Counting source = new Counting(1_000, -1, null);
    try (ReadAhead<Integer> ahead = new ReadAhead<>("test", source, 40, 10)) {
      // 4 chunks of 10 queued, the 5th filled and waiting for room: nothing taken yet
      assertEquals(50, awaitParked(ahead, source, 50));
      for (int i = 0; i < 25; i++) {
        assertEquals(i, ahead.next());
      }
      assertEquals(80, awaitParked(ahead, source, 80)); // 3 chunks taken, 3 more read
    }
  }

  @Test
  void theSourcesFailureComesAfterTheItemsReadBeforeIt() {
    IllegalStateException boom = new IllegalStateException("file 3 is corrupt");
    Counting source = new Counting(100, 37, boom);
    try (ReadAhead<Integer> ahead = new ReadAhead<>("test", source, 8, 4)) {
      for (int i = 0; i < 37; i++) {
        assertEquals(i, ahead.next());
      }
      assertSame(boom, assertThrows(IllegalStateException.class, ahead::hasNext));
      // never the end of a read cut short
      assertSame(boom, assertThrows(IllegalStateException.class, ahead::hasNext));
      assertSame(boom, assertThrows(IllegalStateException.class, ahead::next));
    }
  }

  @Test
  void aCheckedFailureIsWrapped() {
    Iterator<Integer> source = endless(i -> {
      throw sneaky(new java.io.IOException("disk gone"));
    });
    try (ReadAhead<Integer> ahead = new ReadAhead<>("test", source, 4, 4)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, ahead::hasNext);
      assertTrue(e.getCause() instanceof java.io.IOException, String.valueOf(e.getCause()));
      assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
    }
  }

  /** An endless source whose i-th item (0, 1, ...) is {@code item.apply(i)}. */
  private static Iterator<Integer> endless(java.util.function.IntFunction<Integer> item) {
    AtomicInteger calls = new AtomicInteger();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        return item.apply(calls.getAndIncrement());
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  @Test
  void nothingIsTakenAfterClose() {
    ReadAhead<Integer> ahead = new ReadAhead<>("test", new Counting(10, -1, null), 4, 2);
    ahead.close();
    assertThrows(IllegalStateException.class, ahead::hasNext);
  }

  @Test
  void closeStopsAReaderWhoseSourceSwallowsTheInterrupt() throws InterruptedException {
    CountDownLatch inNext = new CountDownLatch(1);
    Iterator<Integer> source = endless(i -> {
      if (i == 0) {
        inNext.countDown();
        try {
          new CountDownLatch(1).await(); // until interrupted
        } catch (InterruptedException swallowed) {
          // as some I/O code does: the interrupt flag is gone, the item is returned
        }
      }
      return i;
    });
    // one chunk of one item: a reader that went on to hand over its item and the end would wait forever
    ReadAhead<Integer> ahead = new ReadAhead<>("test", source, 1, 1);
    assertTrue(inNext.await(30, TimeUnit.SECONDS));
    assertTimeoutPreemptively(Duration.ofSeconds(30), ahead::close);
    assertFalse(ahead.reader().isAlive());
  }

  @Test
  void closeStopsAReaderWaitingForRoom() throws InterruptedException {
    Counting source = new Counting(1_000_000, -1, null);
    ReadAhead<Integer> ahead = new ReadAhead<>("test", source, 10, 10);
    awaitParked(ahead, source, 20);
    ahead.close();
    assertFalse(ahead.reader().isAlive());
    assertTrue(source.pulled.get() <= 30, "pulled " + source.pulled.get());
  }
}
