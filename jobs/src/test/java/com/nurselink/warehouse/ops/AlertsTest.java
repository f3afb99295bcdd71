package com.nurselink.warehouse.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.config.Settings;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertsTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 20);
  private static final Alerts.Rules RULES = new Alerts.Rules("prod", 600, 0.05, 0.5);
  private static final String TOKEN = "T0001/B0002/XyZ123secretTOKENabcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> warnings = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  /** A webhook receiver on 127.0.0.1 answering {@code status}, or never answering when status is 0. */
  private String receiver(int status) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      bodies.add(ex.getRequestHeaders().getFirst("Content-Type") + " "
          + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (status == 0) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else {
        ex.sendResponseHeaders(status, -1);
      }
      ex.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/" + TOKEN;
  }

  private Alerts alerts(String url, String... secrets) {
    return new Alerts(url, Duration.ofMillis(500), List.of(secrets), warnings::add);
  }

  // ---- decisions ------------------------------------------------------------------------

  @Test
  void jobFailureMessageIsOneMaskedLine() {
    String m = RULES.jobFailed("stage", D,
        "cannot read jdbc:postgresql://etl:hunter22@db:5432/app\n  at Foo.bar(Foo.java:1)");
    assertEquals("[nurselink prod] job stage failed for 2026-11-20: cannot read "
        + "jdbc:postgresql://etl:***@db:5432/app at Foo.bar(Foo.java:1)", m);
  }

  @Test
  void budgetIsExceededOnlyStrictly() {
    assertEquals(Optional.empty(), RULES.overBudget("model", D, Duration.ofSeconds(600)));
    assertEquals(Optional.of("[nurselink prod] job model for 2026-11-20 took 10m01s, over its budget of 10m00s"),
        RULES.overBudget("model", D, Duration.ofSeconds(601)));
    assertEquals("[nurselink prod] job load for 2026-11-20 took 1h01m05s, over its budget of 10m00s",
        RULES.overBudget("load", D, Duration.ofSeconds(3665)).orElseThrow());
  }

  @Test
  void quarantineRateAboveThreshold() {
    assertEquals(Optional.empty(), RULES.quarantine("missions", D, 1000, 50), "5.0% is not above 5%");
    assertEquals(Optional.of("[nurselink prod] missions for 2026-11-20: 12.0% of rows quarantined (120 of 1000), "
        + "threshold 5.0%"), RULES.quarantine("missions", D, 1000, 120));
    assertEquals(Optional.empty(), RULES.quarantine("users", D, 0, 0), "no rows, no rate");
  }

  @Test
  void headlineKpiMovesBeyondTheBound() {
    Map<String, Number> prev = Map.of("total_missions", 100, "avg_rate", 40.0, "completed_missions", 0,
        "fill_rate", 0.1);
    Map<String, Number> cur = Map.of("total_missions", 150, "avg_rate", 65.0, "completed_missions", 3,
        "fill_rate", 0.9);
    assertEquals(List.of(
        "[nurselink prod] KPI avg_rate for 2026-11-20 moved +62.5% (40 -> 65), bound 50.0%",
        "[nurselink prod] KPI completed_missions for 2026-11-20 moved from 0 (0 -> 3), bound 50.0%"),
        RULES.kpiMoves(D, prev, cur), "total_missions +50% is not beyond; fill_rate is not a headline KPI");
    assertEquals(List.of("[nurselink prod] KPI total_missions for 2026-11-20 moved -60.0% (100 -> 40), bound 50.0%"),
        RULES.kpiMoves(D, Map.of("total_missions", 100), Map.of("total_missions", 40)));
    assertEquals(List.of(), RULES.kpiMoves(D, Map.of(), cur), "first run: nothing to compare");
    assertEquals(List.of(), RULES.kpiMoves(D, Map.of("avg_rate", Double.NaN), Map.of("avg_rate", 3.0)));
  }

  @Test
  void rulesComeFromSettings() {
    Settings s = Settings.builder().noConfFile().environment(Map.of())
        .override("alerts.job-budget-seconds=30").override("alerts.kpi-change=0.2").build();
    assertEquals(new Alerts.Rules("dev", 30, 0.05, 0.2), Alerts.Rules.from(s));
  }

  // ---- delivery -------------------------------------------------------------------------

  @Test
  void postsSlackJsonAndScrubsSecrets() throws Exception {
    String url = receiver(200);
    Alerts a = alerts(url, "hunter2-airflow");
    assertTrue(a.enabled());
    assertEquals(2, a.sendAll(List.of("job \"kpis\" failed: é\nline2",
        "leak " + url + " and " + TOKEN + " and hunter2-airflow and https://u:pw@x/y")));
    assertEquals(2, bodies.size());
    assertTrue(bodies.get(0).startsWith("application/json {"), bodies.get(0));
    JsonNode first = JSON.readTree(bodies.get(0).substring("application/json ".length()));
    assertEquals("job \"kpis\" failed: é\nline2", first.get("text").asText());
    String second = JSON.readTree(bodies.get(1).substring("application/json ".length())).get("text").asText();
    assertEquals("leak *** and T0001/B0002/*** and *** and https://u:***@x/y", second);
    assertEquals(List.of(), warnings);
  }

  @Test
  void downWebhookNeverFailsAndWarnsOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Alerts a = alerts("http://127.0.0.1:" + port + "/services/" + TOKEN);
    assertEquals(0, a.sendAll(List.of("one", "two", "three")));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("alert not delivered: webhook http://127.0.0.1:" + port + " "), warnings.get(0));
    assertFalse(warnings.get(0).contains("XyZ123"), "no token in the warning");
  }

  @Test
  void slowWebhookTimesOutQuicklyAndOnlyOnce() throws Exception {
    Alerts a = alerts(receiver(0));
    long t0 = System.nanoTime();
    assertEquals(0, a.sendAll(List.of("one", "two")));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 3_000, "bounded by the timeout: " + ms);
    assertEquals(1, bodies.size(), "the second alert is not attempted");
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("HttpTimeoutException"), warnings.get(0));
  }

  @Test
  void errorStatusIsAWarningAndUnsetWebhookDisables() throws Exception {
    Alerts a = alerts(receiver(500));
    assertFalse(a.send("x"));
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("answered 500"));
    Alerts off = alerts(null);
    assertFalse(off.enabled());
    assertFalse(off.send("x"));
    Alerts bad = alerts("ftp://example.invalid/x");
    assertFalse(bad.enabled());
    assertEquals(2, warnings.size());
  }
}
