package com.nurselink.warehouse.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.faults.Runs;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.sink.DuckDbWarehouse;
import com.nurselink.warehouse.contract.SourceContract;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsTest extends SparkTestBase {
  private static final LocalDate D = LocalDate.of(2026, 11, 20);
  private static final LocalDate RUN_DATE = LocalDate.of(2026, 3, 10);
  private static final Alerts.Rules RULES = new Alerts.Rules("prod", 600, 0.05, 0.5);
  private static final String TOKEN = "T0001/B0002/XyZ123secretTOKENabcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> warnings = new ArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** A webhook receiver on 127.0.0.1 answering {@code status}. */
  private String receiver(int status) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      bodies.add(ex.getRequestHeaders().getFirst("Content-Type") + " "
          + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(status, -1);
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

  /**
   * A webhook that takes the connection and never answers: a listening socket nobody accepts
   * from (the kernel completes the connection and keeps the request). The real request timeout
   * (0.5 s) ends the first alert with one warning naming it; the second alert is not attempted:
   * once the client returned, every connection it made is waiting in the socket's queue, and
   * exactly one is there, carrying the first alert.
   */
  @Test
  void slowWebhookTimesOutOnceAndTheNextAlertsAreSkipped() throws Exception {
    try (ServerSocketChannel silent = ServerSocketChannel.open()) {
      silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
      Alerts a = alerts("http://127.0.0.1:" + port + "/services/" + TOKEN);
      assertEquals(0, a.sendAll(List.of("one", "two")));
      assertEquals(List.of("alert not delivered: webhook http://127.0.0.1:" + port
          + " did not answer within 0.5s; further alerts of this run are skipped"), warnings);

      silent.configureBlocking(false);
      try (SocketChannel first = silent.accept()) {
        assertTrue(first != null, "the first alert connected");
        String request = readRequest(first);
        assertTrue(request.startsWith("POST /services/" + TOKEN + " HTTP/1.1\r\n"), request);
        assertTrue(request.endsWith("\r\n\r\n{\"text\":\"one\"}"), request);
      }
      assertEquals(null, silent.accept(), "no connection for the second alert");
    }
  }

  /** The request sent on a connection: headers, then as many body bytes as Content-Length says. */
  private static String readRequest(SocketChannel ch) throws Exception {
    ch.configureBlocking(true);
    ch.socket().setSoTimeout(30_000);
    java.io.InputStream in = ch.socket().getInputStream();
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    int length = -1;
    int headerEnd = -1;
    while (headerEnd < 0 || got.size() < headerEnd + length) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      got.write(b);
      String text = got.toString(StandardCharsets.ISO_8859_1);
      if (headerEnd < 0 && text.endsWith("\r\n\r\n")) {
        headerEnd = text.length();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
        length = m.find() ? Integer.parseInt(m.group(1)) : 0;
      }
    }
    return got.toString(StandardCharsets.UTF_8);
  }

  @Test
  void errorStatusIsAWarningAndUnsetWebhookSendsNothing() throws Exception {
    Alerts a = alerts(receiver(500));
    assertEquals(Alerts.Delivery.NOT_DELIVERED, a.deliver("x"));
    assertEquals(1, bodies.size());
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).endsWith(" answered 500; further alerts of this run are skipped"), warnings.get(0));
    assertEquals(Alerts.Delivery.NOT_DELIVERED, a.deliver("y"), "not attempted again");
    assertEquals(1, bodies.size());
    Alerts off = alerts(null);
    assertFalse(off.enabled());
    assertEquals(Alerts.Delivery.NO_WEBHOOK, off.deliver("x"));
    Alerts bad = alerts("ftp://example.invalid/x");
    assertFalse(bad.enabled());
    assertEquals(Alerts.Delivery.NO_WEBHOOK, bad.deliver("x"));
    assertEquals(List.of(warnings.get(0),
        "alerts.webhook-url is not an http(s) URL: alerts are printed and recorded, not sent"), warnings);
  }

  // ---- in a run -----------------------------------------------------------------------------

  /** A dirty source (about 2 % of rows breaking each rule): missions are quarantined above 5 %. */
  private static Path dirtySource(Path dir) throws Exception {
    Path db = dir.resolve("dirty.db");
    Generator.create().missions(150).seed(5).dirty(true).writeSqlite(db);
    return db;
  }

  /** The run's arguments: extract and stage, thresholds pinned (no budget alert however slow the machine). */
  private static List<String> stageRun(Path dir, String source, String... extra) {
    List<String> a = new ArrayList<>(Runs.runArgs(dir, source, RUN_DATE.toString(), "--jobs", "extract,stage",
        "--conf", "alerts.quarantine-rate=0.05", "--conf", "alerts.job-budget-seconds=86400"));
    a.addAll(List.of(extra));
    return a;
  }

  /** The quarantine alerts the run deserves, from what it published: raw and quarantined rows of each table. */
  private static List<String> expectedQuarantineAlerts(Path dir) {
    Alerts.Rules rules = new Alerts.Rules("dev", 86400, 0.05, 0.5);
    List<String> out = new ArrayList<>();
    com.nurselink.warehouse.lake.Lake lake = new com.nurselink.warehouse.lake.Lake(dir.resolve("lake"));
    var byDate = com.nurselink.warehouse.lake.Lake.Partitioning.identity("extract_date");
    for (String t : SourceContract.names()) {
      long raw = lake.readPartition(spark(), "raw", t, byDate, RUN_DATE.toString()).count();
      long q = lake.readPartition(spark(), "quarantine", t, byDate, RUN_DATE.toString()).count();
      rules.quarantine(t, RUN_DATE, raw, q).ifPresent(out::add);
    }
    assertTrue(out.stream().anyMatch(m -> m.startsWith("[nurselink dev] missions for " + RUN_DATE + ": ")),
        out.toString());
    return out;
  }

  /** The text of each {@code warning: alert: } line of a run's progress. */
  private static List<String> printedAlerts(Runs.Result r) {
    return r.err().lines().filter(l -> l.contains("warning: alert: "))
        .map(l -> l.substring(l.indexOf("warning: alert: ") + "warning: alert: ".length())).toList();
  }

  /** The alerts the ledger holds, as {@code job|date|delivery|message}, and the id of the run that raised them. */
  private static List<String> storedAlerts(Path dir) throws Exception {
    List<String> runs = Runs.ledger(dir.resolve("wh.duckdb"));
    String runId = runs.get(0).substring(0, runs.get(0).indexOf('|'));
    assertTrue(runs.stream().allMatch(r -> r.startsWith(runId + "|")), "one run: " + runs);
    return new DuckDbWarehouse(dir.resolve("wh.duckdb")).ledger().alerts(runId).stream()
        .map(a -> a.job() + "|" + a.logicalDate() + "|" + a.delivery() + "|" + a.message()).toList();
  }

  private static List<String> stored(String job, String delivery, List<String> messages) {
    return messages.stream().map(m -> job + "|" + RUN_DATE + "|" + delivery + "|" + m).toList();
  }

  @Test
  void withoutAWebhookEachAlertIsAWarningLineAndALedgerRow(@TempDir Path dir) throws Exception {
    spark();
    Runs.Result r = Runs.inProcess(stageRun(dir, dirtySource(dir).toString()));
    assertEquals(0, r.code(), r.all());
    List<String> expected = expectedQuarantineAlerts(dir);
    assertEquals(expected, printedAlerts(r), r.err());
    assertEquals(stored("stage", "no webhook", expected), storedAlerts(dir));
    assertFalse(r.err().contains("not delivered"), r.err());
  }

  @Test
  void aFailedJobIsAnAlertEvenWithoutAWebhook(@TempDir Path dir) throws Exception {
    Path absent = dir.resolve("absent.db");
    Runs.Result r = Runs.inProcess(stageRun(dir, absent.toString()));
    assertEquals(1, r.code(), r.all());
    String alert = "[nurselink dev] job extract failed for " + RUN_DATE + ": source file not found: " + absent;
    assertEquals(List.of(alert), printedAlerts(r));
    assertEquals(stored("extract", "no webhook", List.of(alert)), storedAlerts(dir));
  }

  @Test
  void withAWebhookEachAlertIsSentPrintedAndStored(@TempDir Path dir) throws Exception {
    String url = receiver(200);
    Path absent = dir.resolve("absent.db");
    Runs.Result r = Runs.inProcess(stageRun(dir, absent.toString(), "--conf", "alerts.webhook-url=" + url));
    assertEquals(1, r.code(), r.all());
    String alert = "[nurselink dev] job extract failed for " + RUN_DATE + ": source file not found: " + absent;
    assertEquals(1, bodies.size(), bodies.toString());
    assertTrue(bodies.get(0).startsWith("application/json "), bodies.get(0));
    assertEquals(alert, JSON.readTree(bodies.get(0).substring("application/json ".length())).get("text").asText());
    assertEquals(List.of(alert), printedAlerts(r));
    assertEquals(stored("extract", "sent", List.of(alert)), storedAlerts(dir));
    assertFalse(r.all().contains(TOKEN), "the webhook token is not printed");
  }
}
