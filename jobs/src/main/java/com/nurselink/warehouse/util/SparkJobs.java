package com.nurselink.warehouse.util;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Counts the Spark jobs and tasks a run starts, from the moment it is made until {@link #close}:
 * where a small run's time goes (each job pays its scheduling, listing and footer reads).
 */
public final class SparkJobs extends SparkListener implements AutoCloseable {
  private final SparkSession spark;
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private boolean closed;

  private SparkJobs(SparkSession spark) {
    this.spark = spark;
  }

  /** Starts counting the jobs of {@code spark}. */
  public static SparkJobs count(SparkSession spark) {
    SparkJobs c = new SparkJobs(spark);
    spark.sparkContext().addSparkListener(c);
    return c;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    jobs.incrementAndGet();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    tasks.incrementAndGet();
  }

  /** Jobs started so far (every event of a finished job delivered once {@link #close} returned). */
  public long jobs() {
    return jobs.get();
  }

  public long tasks() {
    return tasks.get();
  }

  /** Waits for the events already posted to reach the counter, then stops counting. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty(TimeUnit.SECONDS.toMillis(30));
      } catch (TimeoutException e) {
        // the counts stay a lower bound; the run itself is not affected
      } finally {
        spark.sparkContext().removeSparkListener(this);
      }
    }
  }
}
