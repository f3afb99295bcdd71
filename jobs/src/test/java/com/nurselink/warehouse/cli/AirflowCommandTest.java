package com.nurselink.warehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.ops.airflow.FakeAirflow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nurselink airflow ...} end to end against the spec-validating fake Airflow. */
class AirflowCommandTest {
  @TempDir Path confDir;
  private FakeAirflow fake;
  private String out;
  private String err;
  private String httpTimeout = "10";

  /** Time of the waits: stands still but when the command sleeps between two polls, never for real. */
  private Instant now = Instant.parse("2026-11-21T01:00:00Z");
  private Duration slept = Duration.ZERO;

  @BeforeEach
  void setUp() throws Exception {
    Files.writeString(confDir.resolve("dev.conf"), "# test\n");
    AirflowCommand.environment = Map.of(AirflowCommand.PASSWORD_ENV, FakeAirflow.PASSWORD)::get;
    AirflowCommand.clock = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
    AirflowCommand.sleeper = d -> {
      slept = slept.plus(d);
      now = now.plus(d);
    };
  }

  @AfterEach
  void tearDown() {
    AirflowCommand.environment = System::getenv;
    AirflowCommand.clock = Clock.systemUTC();
    AirflowCommand.sleeper = d -> Thread.sleep(d.toMillis());
    if (fake != null) {
      List<String> v = fake.violations();
      fake.close();
      assertEquals(List.of(), v, "every request and response conforms to the official spec");
    }
    assertFalse((out + err).contains(FakeAirflow.PASSWORD), "the password is never printed");
  }

  private int airflow(FakeAirflow.Api api, String... args) throws Exception {
    if (fake == null) {
      fake = new FakeAirflow(api);
    }
    List<String> all = new ArrayList<>(List.of("airflow", "--conf-dir", confDir.toString(),
        "--conf", "airflow.api=auto"));
    all.addAll(List.of(args));
    all.addAll(List.of("--url", fake.url(), "--user", FakeAirflow.USER, "--http-timeout", httpTimeout));
    CliResult r = CliResult.of(all);
    out = r.out();
    err = r.err();
    return r.code();
  }

  @Test
  void triggerAndWaitExitsZeroOnSuccess() throws Exception {
    assertEquals(0, airflow(FakeAirflow.Api.V2, "trigger", "--date", "2026-11-20", "--conf", "{\"full\":true}",
        "--wait", "--poll", "0.01", "--timeout", "30"), err);
    assertTrue(out.startsWith("triggered run nurselink__2026-11-20 (logical date 2026-11-20T02:00:00+01:00)\n"), out);
    assertTrue(out.contains("  load: running -> success\n"), out);
    assertTrue(out.endsWith("run nurselink__2026-11-20: running -> success\n"), out);
    assertEquals("", err);
    assertEquals(8, fake.count("get_dag_run"), "7 tasks running one after the other, then success");
    assertEquals(Duration.ofMillis(70), slept, "7 waits of the poll interval between the 8 polls");
  }

  @Test
  void triggerAndWaitExitsOneOnFailure() throws Exception {
    fake = new FakeAirflow(FakeAirflow.Api.V1);
    fake.failTask = "model";
    assertEquals(1, airflow(FakeAirflow.Api.V1, "trigger", "--date", "2026-07-01", "--wait", "--poll", "0.01"));
    assertTrue(out.contains("(logical date 2026-07-01T02:00:00+02:00)"), "summer offset: " + out);
    assertTrue(out.contains("run nurselink__2026-07-01 failed; failed tasks: model"), out);
  }

  @Test
  void triggerWithoutWaitOfAnExistingRunSaysSo() throws Exception {
    fake = new FakeAirflow(FakeAirflow.Api.V2);
    fake.addFinishedRun("nurselink__2026-11-20", "2026-11-20T02:00:00+01:00", true);
    assertEquals(0, airflow(FakeAirflow.Api.V2, "trigger", "--date", "2026-11-20"));
    assertEquals("run nurselink__2026-11-20 already exists (success)\n", out);
  }

  @Test
  void backfillTriggersEachDateInOrderAndSkipsExistingOnes() throws Exception {
    fake = new FakeAirflow(FakeAirflow.Api.V2);
    fake.addFinishedRun("nurselink__2026-11-19", "2026-11-19T02:00:00+01:00", true);
    assertEquals(0, airflow(FakeAirflow.Api.V2, "backfill", "--from", "2026-11-18", "--to", "2026-11-20",
        "--poll", "0.01", "--timeout", "30"), err);
    List<String> headlines = out.lines().filter(l -> l.startsWith("triggered") || l.contains("already exists")).toList();
    assertEquals(List.of(
        "triggered run nurselink__2026-11-18 (logical date 2026-11-18T02:00:00+01:00)",
        "run nurselink__2026-11-19 already exists (success)",
        "triggered run nurselink__2026-11-20 (logical date 2026-11-20T02:00:00+01:00)"), headlines);
    assertTrue(out.endsWith("backfill 2026-11-18..2026-11-20: 3 run(s) succeeded\n"), out);
    assertEquals(3, fake.count("trigger_dag_run"), "one trigger per date");
    assertEquals(1, fake.count("create_token"));
  }

  @Test
  void backfillStopsAtTheFirstFailedRun() throws Exception {
    fake = new FakeAirflow(FakeAirflow.Api.V1);
    fake.failTask = "extract";
    assertEquals(1, airflow(FakeAirflow.Api.V1, "backfill", "--from", "2026-11-18", "--to", "2026-11-20",
        "--poll", "0.01"));
    assertTrue(out.contains("backfill stopped at 2026-11-18: run nurselink__2026-11-18 failed (0 date(s) done"), out);
    assertEquals(1, fake.count("post_dag_run"));
  }

  @Test
  void statusTasksAndClear() throws Exception {
    fake = new FakeAirflow(FakeAirflow.Api.V2);
    fake.addFinishedRun("nurselink__2026-11-20", "2026-11-20T02:00:00+01:00", false);
    assertEquals(0, airflow(FakeAirflow.Api.V2, "status", "nurselink__2026-11-20"));
    assertEquals("nurselink__2026-11-20  failed  logical date 2026-11-20T02:00:00+01:00\n", out);
    assertEquals(0, airflow(FakeAirflow.Api.V2, "tasks", "nurselink__2026-11-20"));
    List<String> lines = out.lines().toList();
    assertEquals(8, lines.size(), out);
    assertTrue(lines.get(1).matches("extract\\s+failed\\s+1"), lines.get(1));
    assertTrue(lines.get(6).matches("load\\s+upstream_failed\\s+1"), lines.get(6));
    assertTrue(lines.get(7).matches("serve\\s+upstream_failed\\s+1"), lines.get(7));
    assertEquals(0, airflow(FakeAirflow.Api.V2, "clear", "nurselink__2026-11-20", "--failed-only"));
    assertEquals("cleared run nurselink__2026-11-20 (failed tasks only)\n", out);
  }

  @Test
  void unknownRunIsAOneLineError() throws Exception {
    assertEquals(1, airflow(FakeAirflow.Api.V2, "status", "nurselink__1999-01-01"));
    assertEquals("", out);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("nurselink: error: run nurselink__1999-01-01: not found"), err);
  }

  /** A server that never answers: the real request timeout ends the command with one line naming it. */
  @Test
  void silentServerIsAOneLineErrorNamingTheTimeout() throws Exception {
    fake = new FakeAirflow(FakeAirflow.Api.V2);
    fake.hang = true;
    httpTimeout = "0.5";
    assertEquals(1, airflow(FakeAirflow.Api.V2, "status", "nurselink__2026-11-20"));
    assertEquals("", out);
    assertEquals("nurselink: error: Airflow at " + fake.url() + " did not answer within 0.5s (GET /api/v2/version)\n",
        err);
    assertEquals(1, fake.awaitRequests(1));
    assertEquals(List.of("GET /api/v2/version"), fake.log());
  }

  @Test
  void waitTimeoutIsAClearError() throws Exception {
    fake = new FakeAirflow(FakeAirflow.Api.V2);
    fake.addFinishedRun("nurselink__2026-11-20", "2026-11-20T02:00:00+01:00", true);
    fake.run("nurselink__2026-11-20").step = -1_000_000;
    assertEquals(1, airflow(FakeAirflow.Api.V2, "trigger", "--date", "2026-11-20", "--wait", "--poll", "0.2",
        "--timeout", "1"));
    assertEquals("nurselink: error: timed out after 1s waiting for run nurselink__2026-11-20 (last state: queued)\n",
        err);
    assertEquals(1 + 5, fake.count("get_dag_run"), "the existing run read after the 409, then polls at 0, 0.2, "
        + "0.4, 0.6 and 0.8 s of the 1 s wait");
    assertEquals(Duration.ofSeconds(1), slept);
  }

  @Test
  void missingPasswordAndBadApiAreUsageErrors() throws Exception {
    AirflowCommand.environment = Map.<String, String>of()::get;
    assertEquals(2, airflow(FakeAirflow.Api.V2, "status", "x"));
    assertTrue(err.contains("set NURSELINK_AIRFLOW_PASSWORD"), err);
    AirflowCommand.environment = Map.of(AirflowCommand.PASSWORD_ENV, FakeAirflow.PASSWORD)::get;
    CommandLine cl = Main.commandLine();
    StringWriter e = new StringWriter();
    cl.setErr(new PrintWriter(e));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(2, cl.execute("airflow", "--conf-dir", confDir.toString(), "--conf", "airflow.api=v3",
        "status", "x"));
    assertTrue(e.toString().contains("airflow.api must be auto, v1 or v2"), e.toString());
    assertEquals(0, fake.requests());
  }
}
