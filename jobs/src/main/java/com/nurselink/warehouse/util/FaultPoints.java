package com.nurselink.warehouse.util;

import java.util.function.Consumer;

/**
 * Named instants of the publication protocol where a crash can be injected: each step that changes
 * what readers or the next run see (a lake version moved into place, a published link swapped, a
 * partition unpublished, a ledger row written, the watermarks committed) calls {@link #reach} with
 * the step's name, e.g. {@code before-swap:warehouse/kpi_mission_daily/service_month=2026-03}.
 *
 * <p>With the system property {@value #HALT_AT} set to a point's name, the process halts there
 * ({@link Runtime#halt}, exit code {@value #HALT_CODE}): no finally block, no shutdown hook runs, as
 * in a real crash. Tests running the pipeline in their own JVM install an {@link #observe observer}
 * instead, called at every point (to list the points of a run, or to copy the files on disk as a
 * crash there would leave them). Without either, a point costs one property lookup.
 */
public final class FaultPoints {
  /** System property naming the point at which the process halts. */
  public static final String HALT_AT = "nurselink.fault.halt-at";
  /** Exit code of a halt at a fault point. */
  public static final int HALT_CODE = 86;

  private static volatile Consumer<String> observer;

  private FaultPoints() {}

  /** Marks the point {@code name}: notifies the observer, then halts when {@value #HALT_AT} names it. */
  public static void reach(String name) {
    Consumer<String> o = observer;
    if (o != null) {
      o.accept(name);
    }
    if (name.equals(System.getProperty(HALT_AT))) {
      System.err.println("fault point " + name + ": halting (exit code " + HALT_CODE + ")");
      System.err.flush();
      Runtime.getRuntime().halt(HALT_CODE);
    }
  }

  /** Installs the observer of every point reached in this JVM (null: none); returns the previous one. */
  public static synchronized Consumer<String> observe(Consumer<String> o) {
    Consumer<String> before = observer;
    observer = o;
    return before;
  }
}
