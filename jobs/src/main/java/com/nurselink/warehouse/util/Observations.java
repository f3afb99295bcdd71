package com.nurselink.warehouse.util;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;

/** What a Spark {@link Observation} of a write reported once the write is done. */
public final class Observations {
  private Observations() {}

  /**
   * The metrics {@code o} reported, waiting at most 30 s for them; null when none came, or an empty
   * row (Spark completes an observation whose metrics were not collected with one): the caller then
   * computes the figures another way.
   */
  public static Row reported(Observation o) {
    try {
      Row r = Await.result(o.future(), Duration.create(30, TimeUnit.SECONDS));
      return r == null || r.length() == 0 ? null : r;
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
