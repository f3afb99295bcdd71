package com.nurselink.warehouse.ops.airflow;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Polls a run until it succeeds or fails, printing one line per change of the run's state and
 * of each task's state. Timeouts, refused connections and 5xx answers while polling are printed
 * and retried until the deadline; anything else (404, bad credentials) ends the wait at once.
 */
public final class RunWatcher {
  /** Sleeps between polls (tests pass a no-op or a short sleep). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final AirflowClient client;
  private final PrintWriter out;
  private final Duration poll;
  private final Duration timeout;
  private final Clock clock;
  private final Sleeper sleeper;

  public RunWatcher(AirflowClient client, PrintWriter out, Duration poll, Duration timeout) {
    this(client, out, poll, timeout, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
  }

  public RunWatcher(AirflowClient client, PrintWriter out, Duration poll, Duration timeout, Clock clock,
      Sleeper sleeper) {
    this.client = client;
    this.out = out;
    this.poll = poll;
    this.timeout = timeout;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Waits for the run to finish and returns it (state success or failed).
   *
   * @throws AirflowException when the timeout passes first (message names the run and its last state)
   */
  public DagRun await(String runId) {
    Instant deadline = clock.instant().plus(timeout);
    client.deadline(deadline);
    String runState = null;
    Map<String, String> taskStates = new HashMap<>();
    String lastError = null;
    try {
      while (true) {
        try {
          DagRun run = client.run(runId);
          List<TaskInstance> tasks = client.taskInstances(runId);
          lastError = null;
          for (TaskInstance ti : tasks) {
            String before = taskStates.put(ti.taskId(), ti.stateText());
            if (before == null ? ti.state() != null : !before.equals(ti.stateText())) {
              out.println("  " + ti.taskId() + ": " + (before == null ? "none" : before) + " -> " + ti.stateText()
                  + (ti.tryNumber() > 1 ? " (try " + ti.tryNumber() + ")" : ""));
            }
          }
          if (!run.state().equals(runState)) {
            out.println("run " + runId + ": " + (runState == null ? "" : runState + " -> ") + run.state());
            runState = run.state();
          }
          out.flush();
          if (run.finished()) {
            if (!run.succeeded()) {
              String failed = tasks.stream().filter(t -> "failed".equals(t.state()))
                  .map(TaskInstance::taskId).collect(Collectors.joining(", "));
              out.println("run " + runId + " failed" + (failed.isEmpty() ? "" : "; failed tasks: " + failed));
              out.flush();
            }
            return run;
          }
        } catch (AirflowException e) {
          if (!e.transientFailure()) {
            throw e;
          }
          // a request skipped because time was up is not news about Airflow: never report it
          boolean expired = e instanceof DeadlineExceededException || !clock.instant().isBefore(deadline);
          if (!expired && !e.getMessage().equals(lastError)) {
            out.println("warning: " + e.getMessage() + " (retrying)");
            out.flush();
          }
          if (!expired) {
            lastError = e.getMessage();
          }
        }
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.compareTo(Duration.ofMillis(1)) < 0) {
          throw new AirflowException("timed out after " + timeout.toSeconds() + "s waiting for run " + runId
              + " (last state: " + (runState == null ? "unknown" : runState)
              + (lastError == null ? "" : "; " + lastError) + ")", 0, false);
        }
        try {
          sleeper.sleep(poll.compareTo(left) < 0 ? poll : left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AirflowException("interrupted while waiting for run " + runId, 0, false);
        }
      }
    } finally {
      client.deadline(null);
    }
  }
}
