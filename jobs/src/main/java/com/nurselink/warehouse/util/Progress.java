package com.nurselink.warehouse.util;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines of long commands on stderr: stage, rows, elapsed. Quiet never hides errors. */
public final class Progress {
  private final PrintStream out;
  private final long start = System.nanoTime();

  public Progress(PrintStream out) {
    this.out = out;
  }

  public static Progress stderr() {
    return new Progress(System.err);
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** {@code [  12.3s] stage  what  1,234 rows}. */
  public void step(String stage, String what, long rows) {
    out.printf(Locale.ROOT, "[%6.1fs] %-9s %-28s %,14d rows%n", elapsedSeconds(), stage, what, rows);
    out.flush();
  }

  public void info(String stage, String message) {
    out.printf(Locale.ROOT, "[%6.1fs] %-9s %s%n", elapsedSeconds(), stage, message);
    out.flush();
  }
}
