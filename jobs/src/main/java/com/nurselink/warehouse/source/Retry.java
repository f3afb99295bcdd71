package com.nurselink.warehouse.source;

import com.nurselink.warehouse.util.Errors;
import com.nurselink.warehouse.util.Secrets;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bounded retry with exponential backoff for source reads that fail for a passing reason: a
 * SQLite database locked by a writer, a PostgreSQL server refusing or dropping the connection
 * (SQLSTATE class 08). Any other failure (missing file, corrupt database, schema drift, bad
 * configuration) is thrown at once: retrying cannot help.
 *
 * <p>The waits go through a {@link Sleeper}: {@link Thread#sleep} unless one is given, or unless
 * {@link #defaultSleeper(Sleeper)} replaced the one of the retries built without (tests step
 * through the backoff instead of waiting, and act during it).
 *
 * @param retries retries after the first attempt (0: no retry)
 * @param backoffMillis wait before the first retry; doubled before each further one, capped at {@link #MAX_WAIT_MILLIS}
 * @param log receives one line per retry (masked)
 * @param sleeper waits between two attempts
 */
public record Retry(int retries, long backoffMillis, Consumer<String> log, Sleeper sleeper) {
  /** Longest single wait between two attempts. */
  public static final long MAX_WAIT_MILLIS = 60_000;

  /** Waits between two attempts. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits {@code millis} before retry number {@code retry} (1-based) of {@code what}. */
    void sleep(String what, int retry, long millis) throws InterruptedException;

    /** The real wait. */
    Sleeper THREAD = (what, retry, millis) -> Thread.sleep(millis);
  }

  private static volatile Sleeper defaultSleeper = Sleeper.THREAD;

  public Retry {
    if (retries < 0 || backoffMillis < 0) {
      throw new IllegalArgumentException("retries and backoff must be 0 or more");
    }
    if (sleeper == null) {
      throw new IllegalArgumentException("sleeper must be given");
    }
  }

  /** A retry waiting with the JVM's default sleeper (real waits unless replaced). */
  public Retry(int retries, long backoffMillis, Consumer<String> log) {
    this(retries, backoffMillis, log, (what, retry, millis) -> defaultSleeper.sleep(what, retry, millis));
  }

  /**
   * Replaces the sleeper of the retries built without one, in this JVM (null: the real wait again);
   * returns the previous one.
   */
  public static synchronized Sleeper defaultSleeper(Sleeper s) {
    Sleeper before = defaultSleeper;
    defaultSleeper = s == null ? Sleeper.THREAD : s;
    return before;
  }

  /** The wait before retry number {@code n} (1-based): backoff x 2^(n-1), capped. */
  public long waitBefore(int n) {
    long w = backoffMillis;
    for (int i = 1; i < n && w < MAX_WAIT_MILLIS; i++) {
      w *= 2;
    }
    return Math.min(w, MAX_WAIT_MILLIS);
  }

  /** Runs {@code action}, retrying passing failures; {@code what} names the read in log lines. */
  public <T> T call(String what, Supplier<T> action) {
    for (int attempt = 0; ; attempt++) {
      try {
        return action.get();
      } catch (Exception e) { // Spark rethrows checked exceptions (SparkException) undeclared
        if (attempt >= retries || !isTransient(e)) {
          throw Retry.<RuntimeException>rethrow(e);
        }
        long wait = waitBefore(attempt + 1);
        log.accept(Secrets.maskText(String.format(Locale.ROOT, "%s: %s; retry %d/%d in %d ms", what,
            Errors.oneLine(e), attempt + 1, retries, wait)));
        try {
          sleeper.sleep(what, attempt + 1, wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw Retry.<RuntimeException>rethrow(e);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E rethrow(Exception e) throws E {
    throw (E) e;
  }

  /** True when the failure (or one of its causes) is one that may pass: a lock or a refused connection. */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && (m.contains("SQLITE_BUSY") || m.contains("database is locked")
          || m.contains("locked by a writer"))) {
        return true;
      }
    }
    return false;
  }

}
