package com.nurselink.warehouse.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The independent tables of a job written side by side: real threads, the interleavings forced by barriers. */
class SideBySideTest extends SparkTestBase {
  @Test
  void twoWritesRunAtTheSameTimeOnTheJobsThreadsAndTheirResultsComeInTheirOrder() {
    // both writes wait at the barrier: it opens only when they run at the same time (its timeout fails
    // the test instead of hanging it)
    CyclicBarrier both = new CyclicBarrier(2);
    List<String> threads = new CopyOnWriteArrayList<>();
    // the second write ends first: it does not wait for anything once both are at the barrier
    CountDownLatch secondDone = new CountDownLatch(1);
    List<String> out = SideBySide.run("kpis", 2, List.of(
        () -> {
          both.await(60, TimeUnit.SECONDS);
          assertTrue(secondDone.await(60, TimeUnit.SECONDS));
          threads.add(Thread.currentThread().getName());
          return "first";
        },
        () -> {
          both.await(60, TimeUnit.SECONDS);
          threads.add(Thread.currentThread().getName());
          secondDone.countDown();
          return "second";
        },
        () -> "third"));
    assertEquals(List.of("first", "second", "third"), out);
    assertEquals(2, threads.size());
    assertTrue(threads.stream().allMatch(n -> n.startsWith("nurselink-kpis-")), threads.toString());
    assertEquals(2, threads.stream().distinct().count(), threads.toString());
  }

  @Test
  void oneThreadWritesInTheCallersThreadInOrderAndStopsAtTheFirstFailure() {
    Thread caller = Thread.currentThread();
    List<String> ran = new CopyOnWriteArrayList<>();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SideBySide.run("stage", 1, List.of(
        () -> {
          assertSame(caller, Thread.currentThread());
          ran.add("users");
          return 1L;
        },
        () -> {
          ran.add("missions");
          throw new IllegalStateException("row conservation broken for missions");
        },
        () -> {
          ran.add("contracts");
          return 3L;
        })));
    assertEquals("row conservation broken for missions", e.getMessage());
    assertEquals(List.of("users", "missions"), ran);
    // a single write never leaves the caller's thread either
    assertEquals(List.of(caller.getName()), SideBySide.run("features", 4,
        List.of(() -> Thread.currentThread().getName())));
  }

  @Test
  void aWriteUnderWayWhenAnotherFailsRunsToItsEnd() {
    AtomicInteger ended = new AtomicInteger();
    CountDownLatch secondStarted = new CountDownLatch(1);
    CountDownLatch firstFailing = new CountDownLatch(1);
    IllegalStateException failure = new IllegalStateException("clean.users: disk full");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> SideBySide.run("stage", 2,
        List.<Callable<Long>>of(
            () -> {
              assertTrue(secondStarted.await(60, TimeUnit.SECONDS));
              firstFailing.countDown();
              throw failure;
            },
            () -> {
              // under way: the other write fails while this one runs
              secondStarted.countDown();
              assertTrue(firstFailing.await(60, TimeUnit.SECONDS));
              ended.incrementAndGet();
              return 2L;
            })));
    assertSame(failure, thrown);
    assertEquals(1, ended.get(), "the write under way ended before the failure was thrown");
  }

  @Test
  void afterAFailureNoOtherWriteStartsAndTheFirstFailureInTheTablesOrderIsThrownWithTheOthers() {
    List<String> ran = new CopyOnWriteArrayList<>();
    // both threads' writes fail, the later table first (the barrier holds the earlier one until it
    // has): each thread records its failure before it could take another write, so the third and
    // fourth are never started, as after a failure one after the other
    CyclicBarrier laterFailed = new CyclicBarrier(2);
    IllegalStateException first = new IllegalStateException("clean.users: disk full");
    IllegalArgumentException second = new IllegalArgumentException("clean.missions: bad value");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> SideBySide.run("stage", 2,
        List.<Callable<Long>>of(
            () -> {
              laterFailed.await(60, TimeUnit.SECONDS);
              ran.add("users");
              throw first;
            },
            () -> {
              try {
                ran.add("missions");
                throw second;
              } finally {
                laterFailed.await(60, TimeUnit.SECONDS);
              }
            },
            () -> {
              ran.add("mission_applications");
              return 3L;
            },
            () -> {
              ran.add("contracts");
              return 4L;
            })));
    assertSame(first, thrown);
    assertArrayEquals(new Throwable[] {second}, thrown.getSuppressed());
    assertEquals(List.of("missions", "users"), ran.stream().sorted().toList());
    // a checked exception keeps its message and cause
    Exception checked = new java.io.IOException("No space left on device");
    IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> SideBySide.run("kpis", 2,
        List.<Callable<Long>>of(() -> 1L, () -> {
          throw checked;
        })));
    assertEquals("No space left on device", wrapped.getMessage());
    assertSame(checked, wrapped.getCause());
  }

  @Test
  void theThreadsWriteInTheCallersSparkSessionWithItsLocalProperties() {
    SparkSession spark = spark();
    SparkSession.setActiveSession(spark);
    spark.sparkContext().setLocalProperty("spark.scheduler.pool", "nightly");
    try {
      CyclicBarrier both = new CyclicBarrier(2);
      Callable<String> seen = () -> {
        both.await(60, TimeUnit.SECONDS);
        SparkSession active = SparkSession.getActiveSession().get();
        assertSame(spark, active);
        return spark.sparkContext().getLocalProperty("spark.scheduler.pool") + " "
            + spark.range(0, 10).selectExpr("sum(id)").first().getLong(0);
      };
      assertEquals(List.of("nightly 45", "nightly 45"), SideBySide.run("features", 2, List.of(seen, seen)));
    } finally {
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
    }
  }
}
