package com.nurselink.warehouse.ops.airflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.ops.JobGraph;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The REST client against the spec-validating fake Airflow 3 and Airflow 2. */
class AirflowClientTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private FakeAirflow fake;

  @AfterEach
  void noSpecViolations() {
    if (fake != null) {
      List<String> v = fake.violations();
      fake.close();
      assertEquals(List.of(), v, "every request and response conforms to the official spec");
    }
  }

  private AirflowClient client(FakeAirflow.Api api, String password, ApiVersion forced, int pageSize) throws Exception {
    return client(api, password, forced, pageSize, Duration.ofSeconds(10));
  }

  private AirflowClient client(FakeAirflow.Api api, String password, ApiVersion forced, int pageSize,
      Duration requestTimeout) throws Exception {
    fake = new FakeAirflow(api);
    return new AirflowClient(new AirflowClient.Config(fake.url() + "/", FakeAirflow.USER, password,
        FakeAirflow.DAG_ID, forced, Duration.ofSeconds(2), requestTimeout, pageSize), clock);
  }

  private AirflowClient client(FakeAirflow.Api api) throws Exception {
    return client(api, FakeAirflow.PASSWORD, null, 100);
  }

  /** The clock of the clients and watchers: time moves only when a watcher sleeps. */
  private final SteppedClock clock = new SteppedClock(Duration.ZERO);

  /** A watcher polling every 5 s of the stepped clock: no real wait, the deadline never hit by slowness. */
  private RunWatcher watcher(AirflowClient c, StringWriter out, Duration timeout) {
    return new RunWatcher(c, new PrintWriter(out), Duration.ofSeconds(5), timeout, clock, clock::sleep);
  }

  @Test
  void detectsAirflow3WithOneRequestAndAirflow2WithTwo() throws Exception {
    AirflowClient c = client(FakeAirflow.Api.V2);
    assertEquals(ApiVersion.V2, c.api());
    assertEquals(List.of("GET /api/v2/version"), fake.log());
    fake.close();
    AirflowClient c1 = client(FakeAirflow.Api.V1);
    assertEquals(ApiVersion.V1, c1.api());
    assertEquals(List.of("GET /api/v2/version", "GET /api/v1/version"), fake.log());
  }

  @Test
  void forcedVersionSkipsDetection() throws Exception {
    AirflowClient c = client(FakeAirflow.Api.V1, FakeAirflow.PASSWORD, ApiVersion.V1, 100);
    assertEquals("queued", c.trigger(DAY, PARIS, Map.of()).run().state());
    assertEquals(List.of("POST /api/v1/dags/nurselink_nightly/dagRuns"), fake.log());
  }

  @ParameterizedTest
  @EnumSource(FakeAirflow.Api.class)
  void triggerSendsRunIdMidnightParisAndConfThenWaitsForSuccess(FakeAirflow.Api api) throws Exception {
    AirflowClient c = client(api);
    AirflowClient.Triggered t = c.trigger(DAY, PARIS, Map.of("full", true));
    assertTrue(t.created());
    assertEquals("nurselink__2026-11-20", t.run().runId());
    FakeAirflow.Run run = fake.run("nurselink__2026-11-20");
    assertEquals("2026-11-20T02:00:00+01:00", run.logicalDate, "02:00 in Paris, winter offset");
    assertEquals("{\"full\":true}", run.conf.toString());

    StringWriter out = new StringWriter();
    DagRun done = watcher(c, out, Duration.ofSeconds(600)).await(t.run().runId());
    assertEquals("success", done.state());
    String text = out.toString();
    assertTrue(text.contains("run nurselink__2026-11-20: running\n"), text);
    assertTrue(text.contains("run nurselink__2026-11-20: running -> success\n"), text);
    for (String job : JobGraph.ids()) {
      assertTrue(text.contains("  " + job + ": running -> success\n"), job + " in\n" + text);
    }
    // 6 tasks: 7 polls, each = 1 run + 2 pages of task instances (the server caps pages at 4)
    int polls = JobGraph.ids().size() + 1;
    int login = api == FakeAirflow.Api.V2 ? 1 : 0;
    int detect = api == FakeAirflow.Api.V2 ? 1 : 2;
    assertEquals(detect + login + 1 + 3 * polls, fake.requests(), fake.log().toString());
    assertEquals(polls, fake.count("get_dag_run"));
  }

  @ParameterizedTest
  @EnumSource(FakeAirflow.Api.class)
  void failedRunReportsFailedAndUpstreamFailedTasks(FakeAirflow.Api api) throws Exception {
    AirflowClient c = client(api);
    fake.failTask = "kpis";
    c.trigger(DAY, PARIS, null);
    StringWriter out = new StringWriter();
    DagRun done = watcher(c, out, Duration.ofSeconds(600)).await("nurselink__2026-11-20");
    assertEquals("failed", done.state());
    String text = out.toString();
    assertTrue(text.contains("  kpis: running -> failed\n"), text);
    assertTrue(text.contains("  load: none -> upstream_failed\n"), text);
    assertTrue(text.contains("run nurselink__2026-11-20 failed; failed tasks: kpis"), text);
    // the 5th poll sees kpis (4th task) failed: 5 polls of 1 run + 2 pages, after detection, login, trigger
    int login = api == FakeAirflow.Api.V2 ? 1 : 0;
    int detect = api == FakeAirflow.Api.V2 ? 1 : 2;
    assertEquals(detect + login + 1 + 3 * 5, fake.requests(), fake.log().toString());
    assertEquals(Duration.ofSeconds(20), clock.slept, "4 waits of 5 s between the 5 polls");
  }

  @ParameterizedTest
  @EnumSource(FakeAirflow.Api.class)
  void taskInstancesReadEveryPage(FakeAirflow.Api api) throws Exception {
    AirflowClient c = client(api, FakeAirflow.PASSWORD, null, 2);
    c.trigger(DAY, PARIS, null);
    c.run("nurselink__2026-11-20");
    List<TaskInstance> tis = c.taskInstances("nurselink__2026-11-20");
    assertEquals(JobGraph.ids(), tis.stream().map(TaskInstance::taskId).toList());
    assertEquals("running", tis.get(0).state());
    assertEquals(null, tis.get(5).state());
    int entries = JobGraph.ids().size();
    assertEquals((entries + 1) / 2, fake.count("get_task_instances"), entries + " entries, pages of 2");
    assertTrue(fake.log().contains("GET " + c.api().prefix()
        + "/dags/nurselink_nightly/dagRuns/nurselink__2026-11-20/taskInstances?limit=2&offset=4"));
  }

  @Test
  void expiredTokenLogsInAgainOnce() throws Exception {
    AirflowClient c = client(FakeAirflow.Api.V2);
    c.trigger(DAY, PARIS, null);
    fake.expireTokens();
    assertEquals("nurselink__2026-11-20", c.run("nurselink__2026-11-20").runId());
    assertEquals(2, fake.count("create_token"));
    assertEquals(2, fake.count("get_dag_run"), "the 401 call and its retry");
    assertEquals(6, fake.requests());
  }

  @ParameterizedTest
  @EnumSource(FakeAirflow.Api.class)
  void wrongPasswordIsAClearErrorWithoutThePassword(FakeAirflow.Api api) throws Exception {
    AirflowClient c = client(api, "wrong-Passw0rd", null, 100);
    AirflowException e = assertThrows(AirflowException.class, () -> c.run("nurselink__2026-11-20"));
    assertTrue(e.getMessage().contains("rejected the credentials of user 'ops'"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-Passw0rd"));
    assertTrue(fake.requests() <= 3, fake.log().toString());
  }

  @ParameterizedTest
  @EnumSource(FakeAirflow.Api.class)
  void unknownRunIs404(FakeAirflow.Api api) throws Exception {
    AirflowClient c = client(api);
    AirflowException e = assertThrows(AirflowException.class, () -> c.run("nurselink__1999-01-01"));
    assertEquals(404, e.status());
    assertTrue(e.getMessage().startsWith("run nurselink__1999-01-01: not found"), e.getMessage());
    assertFalse(e.transientFailure());
  }

  @ParameterizedTest
  @EnumSource(FakeAirflow.Api.class)
  void duplicateTriggerReportsTheExistingRun(FakeAirflow.Api api) throws Exception {
    AirflowClient c = client(api);
    fake.addFinishedRun("nurselink__2026-11-20", "2026-11-20T02:00:00+01:00", true);
    AirflowClient.Triggered t = c.trigger(DAY, PARIS, null);
    assertFalse(t.created());
    assertEquals("success", t.run().state());
    assertEquals(1, fake.count(api == FakeAirflow.Api.V2 ? "trigger_dag_run" : "post_dag_run"));
  }

  @ParameterizedTest
  @EnumSource(FakeAirflow.Api.class)
  void clearSendsDryRunFalse(FakeAirflow.Api api) throws Exception {
    AirflowClient c = client(api);
    fake.addFinishedRun("nurselink__2026-11-20", "2026-11-20T02:00:00+01:00", false);
    c.clear("nurselink__2026-11-20", false);
    assertEquals(0, fake.run("nurselink__2026-11-20").step, "run reset");
    fake.addFinishedRun("nurselink__2026-11-19", "2026-11-19T02:00:00+01:00", false);
    c.clear("nurselink__2026-11-19", true);
    assertEquals(0, fake.run("nurselink__2026-11-19").step);
    String failedOnlyOp = api == FakeAirflow.Api.V2 ? "clear_dag_run" : "post_clear_task_instances";
    assertEquals(api == FakeAirflow.Api.V2 ? 2 : 1, fake.count(failedOnlyOp));
  }

  /**
   * A server that reads the request and never answers: the real request timeout (0.5 s) ends the
   * call with one error naming it and the request; nothing is sent again.
   */
  @Test
  void silentServerFailsWithAnErrorNamingTheRequestTimeout() throws Exception {
    AirflowClient c = client(FakeAirflow.Api.V2, FakeAirflow.PASSWORD, ApiVersion.V2, 100, Duration.ofMillis(500));
    fake.hang = true;
    AirflowException e = assertThrows(AirflowException.class, () -> c.run("nurselink__2026-11-20"));
    assertEquals("Airflow at " + fake.url() + " did not answer within 0.5s (POST /auth/token)", e.getMessage());
    assertTrue(e.transientFailure());
    assertEquals(1, fake.awaitRequests(1));
    assertEquals(List.of("POST /auth/token"), fake.log());
  }

  /**
   * A clock the test moves: it stands still but when a watcher sleeps, which moves it by the
   * duration asked minus {@code early} (coarse timers wake a little early).
   */
  static final class SteppedClock extends java.time.Clock {
    java.time.Instant now = java.time.Instant.parse("2026-11-21T01:00:00Z");
    Duration slept = Duration.ZERO;
    private final Duration early;

    SteppedClock(Duration early) {
      this.early = early;
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public java.time.Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }

    void sleep(Duration d) {
      slept = slept.plus(d);
      now = now.plus(d).minus(early);
    }
  }

  @Test
  void deadlineFallingJustBeforeAPollEndsTheWaitWithTheLastRunState() throws Exception {
    fake = new FakeAirflow(FakeAirflow.Api.V2);
    fake.addFinishedRun("nurselink__2026-11-20", "2026-11-20T02:00:00+01:00", true);
    fake.run("nurselink__2026-11-20").step = -1_000_000;
    SteppedClock clock = new SteppedClock(Duration.ofNanos(500_000));
    AirflowClient c = new AirflowClient(new AirflowClient.Config(fake.url() + "/", FakeAirflow.USER,
        FakeAirflow.PASSWORD, FakeAirflow.DAG_ID, ApiVersion.V2, Duration.ofSeconds(2), Duration.ofSeconds(10), 100),
        clock);
    StringWriter out = new StringWriter();
    AirflowException e = assertThrows(AirflowException.class,
        () -> new RunWatcher(c, new PrintWriter(out), Duration.ofMillis(300), Duration.ofSeconds(1), clock,
            clock::sleep).await("nurselink__2026-11-20"));
    assertEquals("timed out after 1s waiting for run nurselink__2026-11-20 (last state: queued)", e.getMessage());
    assertFalse(out.toString().contains("warning"), out.toString());
    // polls at 0, 0.2995, 0.599 and 0.8985 s; the wait for the rest ends 0.5 ms before the deadline,
    // too late for one more request
    assertEquals(4, fake.count("get_dag_run"), fake.log().toString());
    assertEquals(8, fake.count("get_task_instances"), "2 pages per poll: " + fake.log());
  }

  /**
   * Polls of a silent server: each poll ends by the real request timeout (0.5 s), the deadline is
   * on the stepped clock (1 s, a poll every 0.5 s): exactly two polls, one warning, then the
   * timeout error carrying the last failure.
   */
  @Test
  void waitOnSilentServerTimesOutWithAClearError() throws Exception {
    AirflowClient c = client(FakeAirflow.Api.V2, FakeAirflow.PASSWORD, null, 100, Duration.ofMillis(500));
    c.trigger(DAY, PARIS, null);
    assertEquals(3, fake.requests(), "detect, log in, trigger");
    fake.hang = true;
    StringWriter out = new StringWriter();
    AirflowException e = assertThrows(AirflowException.class,
        () -> new RunWatcher(c, new PrintWriter(out), Duration.ofMillis(500), Duration.ofSeconds(1), clock,
            clock::sleep).await("nurselink__2026-11-20"));
    String silent = "Airflow at " + fake.url() + " did not answer within 0.5s "
        + "(GET /api/v2/dags/nurselink_nightly/dagRuns/nurselink__2026-11-20)";
    assertEquals("timed out after 1s waiting for run nurselink__2026-11-20 (last state: unknown; " + silent + ")",
        e.getMessage());
    assertEquals("warning: " + silent + " (retrying)\n", out.toString());
    assertEquals(5, fake.awaitRequests(5));
    assertEquals(List.of("GET /api/v2/dags/nurselink_nightly/dagRuns/nurselink__2026-11-20",
        "GET /api/v2/dags/nurselink_nightly/dagRuns/nurselink__2026-11-20"), fake.log().subList(3, 5),
        "two polls, the third skipped at the deadline");
    assertEquals(Duration.ofSeconds(1), clock.slept);
  }
}
