package com.nurselink.warehouse.ops.airflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nurselink.warehouse.ops.JobGraph;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Airflow API server on 127.0.0.1 that simulates the nightly DAG and checks every request and
 * every response against the official OpenAPI documents. Violations are recorded (see
 * {@link #violations()}) and a non-conforming request is answered 422 so the client fails loudly.
 *
 * <p>Simulation: each GET of a run advances it one step: queued, then running while the tasks of
 * {@link JobGraph} succeed one after the other, then success; or failed when {@link #failTask} is
 * reached (its downstream tasks become upstream_failed).
 */
public final class FakeAirflow implements AutoCloseable {
  public enum Api { V1, V2 }

  public static final String DAG_ID = "nurselink_nightly";
  public static final String USER = "ops";
  public static final String PASSWORD = "s3cret-pa55";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile OpenApiValidator v1;
  private static volatile OpenApiValidator v2;
  private static volatile OpenApiValidator auth;

  private final Api api;
  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-airflow");
    t.setDaemon(true);
    return t;
  });
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tokenSeq = new AtomicInteger();
  private final List<String> tasks = JobGraph.ids();

  /** Task that fails in new runs; null for runs that succeed. */
  public volatile String failTask;
  /** Largest page the server returns, whatever limit the client asks for. */
  public volatile int maxPageLimit = 4;
  /** When set, requests are read and never answered. */
  public volatile boolean hang;

  /** One simulated run. */
  public static final class Run {
    final String id;
    final String logicalDate;
    final JsonNode conf;
    final String failTask;
    public int step;

    Run(String id, String logicalDate, JsonNode conf, String failTask) {
      this.id = id;
      this.logicalDate = logicalDate;
      this.conf = conf;
      this.failTask = failTask;
    }
  }

  public FakeAirflow(Api api) throws IOException {
    this.api = api;
    specs();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<String> violations() {
    return new ArrayList<>(violations);
  }

  /** "METHOD path" of every request received, in order. */
  public List<String> log() {
    return new ArrayList<>(log);
  }

  public int requests() {
    return log.size();
  }

  /**
   * Waits until {@code n} requests have been received (a client that gave up on a silent server
   * may return before the server's thread logged its request), then returns the count. Fails
   * when they do not arrive: the wait is a bound on a missing event, not a measure of speed.
   */
  public int awaitRequests(int n) throws InterruptedException {
    synchronized (log) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (log.size() < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + n + " requests, received " + log);
        }
        TimeUnit.NANOSECONDS.timedWait(log, left);
      }
      return log.size();
    }
  }

  /** Requests per operationId (or "unknown" for paths outside the spec). */
  public int count(String operationId) {
    AtomicInteger c = counts.get(operationId);
    return c == null ? 0 : c.get();
  }

  /** Invalidates every issued token: the next call gets 401. */
  public void expireTokens() {
    tokens.clear();
  }

  /** Adds a run as if triggered earlier, finished in the given state. */
  public void addFinishedRun(String runId, String logicalDate, boolean success) {
    Run r = new Run(runId, logicalDate, JSON.createObjectNode(), success ? null : tasks.get(0));
    r.step = tasks.size() + 2;
    runs.put(runId, r);
  }

  public Run run(String runId) {
    return runs.get(runId);
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    pool.shutdownNow();
  }

  // ---- specs ----------------------------------------------------------------------------

  static OpenApiValidator v1Spec() {
    specs();
    return v1;
  }

  static OpenApiValidator v2Spec() {
    specs();
    return v2;
  }

  static OpenApiValidator authSpec() {
    specs();
    return auth;
  }

  private static synchronized void specs() {
    if (v2 == null) {
      Path dir = specDir();
      v1 = new OpenApiValidator(dir.resolve("airflow2-v1.yaml"), "/api/v1");
      v2 = new OpenApiValidator(dir.resolve("airflow3-v2.yaml"), "");
      auth = new OpenApiValidator(dir.resolve("airflow3-simple-auth.yaml"), "");
    }
  }

  /** The official specs carried by the repository: jobs/src/test/resources/reference/airflow. */
  static Path specDir() {
    Path dir = Path.of(System.getProperty("nurselink.repo", ".")).toAbsolutePath()
        .resolve("jobs/src/test/resources/reference/airflow");
    if (!Files.isRegularFile(dir.resolve("airflow3-v2.yaml"))) {
      throw new IllegalStateException("official Airflow specs not found in " + dir);
    }
    return dir;
  }

  /**
   * Rules the specs leave open but a correct client must follow: a clear must say
   * {@code dry_run} explicitly (it defaults to true, which clears nothing).
   */
  static List<String> policyErrors(String operationId, String body) {
    List<String> out = new ArrayList<>();
    if (operationId.equals("clear_dag_run") || operationId.equals("post_clear_task_instances")) {
      try {
        JsonNode n = JSON.readTree(body);
        if (!n.path("dry_run").isBoolean()) {
          out.add(operationId + ": dry_run not sent explicitly (the server default true clears nothing)");
        }
      } catch (IOException e) {
        out.add(operationId + ": body is not JSON");
      }
    }
    return out;
  }

  // ---- HTTP -----------------------------------------------------------------------------

  private OpenApiValidator specFor(String path) {
    if (api == Api.V1) {
      return v1.covers(path) ? v1 : null;
    }
    if (auth.covers(path)) {
      return auth;
    }
    return v2.covers(path) ? v2 : null;
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    byte[] body = ex.getRequestBody().readAllBytes();
    synchronized (log) {
      log.add(method + " " + path + (query == null ? "" : "?" + query));
      log.notifyAll();
    }
    if (!ex.getRemoteAddress().getAddress().isLoopbackAddress()) {
      violations.add("request from a non-loopback address");
    }
    if (hang) {
      try {
        closed.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    OpenApiValidator spec = specFor(path);
    if (spec == null || spec.operation(method, path) == null) {
      counts.computeIfAbsent("unknown", k -> new AtomicInteger()).incrementAndGet();
      send(ex, null, method, path, 404, error(404, "Not Found"));
      return;
    }
    OpenApiValidator.Operation op = spec.operation(method, path);
    counts.computeIfAbsent(op.id(), k -> new AtomicInteger()).incrementAndGet();
    Map<String, String> headers = new LinkedHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
    String ct = headers.get("content-type");
    String mediaType = ct == null ? null : ct.split(";")[0].trim();
    List<String> problems = new ArrayList<>(spec.validateRequest(method, path, query, headers, mediaType, body));
    problems.addAll(policyErrors(op.id(), new String(body, StandardCharsets.UTF_8)));
    if (!problems.isEmpty()) {
      violations.addAll(problems);
      send(ex, spec, method, path, api == Api.V1 ? 400 : 422, validationError(String.join("; ", problems)));
      return;
    }
    if (!op.id().equals("create_token") && !op.id().equals("get_version") && !authorized(headers)) {
      send(ex, spec, method, path, 401, error(401, "Not authenticated"));
      return;
    }
    JsonNode req = body.length == 0 ? null : parseBody(mediaType, body);
    Response r = dispatch(op, req, OpenApiValidator.parseQuery(query));
    send(ex, spec, method, path, r.status(), r.body());
  }

  private record Response(int status, JsonNode body) {}

  private boolean authorized(Map<String, String> headers) {
    String a = headers.getOrDefault("authorization", "");
    if (api == Api.V1) {
      String expected = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      return a.equals("Basic " + expected);
    }
    return a.startsWith("Bearer ") && tokens.contains(a.substring(7));
  }

  private JsonNode parseBody(String mediaType, byte[] body) throws IOException {
    if ("application/x-www-form-urlencoded".equals(mediaType)) {
      ObjectNode o = JSON.createObjectNode();
      OpenApiValidator.parseQuery(new String(body, StandardCharsets.UTF_8)).forEach(o::put);
      return o;
    }
    return JSON.readTree(body);
  }

  private Response dispatch(OpenApiValidator.Operation op, JsonNode req, Map<String, String> query) {
    Map<String, String> p = op.pathParams();
    if (p.containsKey("dag_id") && !p.get("dag_id").equals(DAG_ID)) {
      return new Response(404, error(404, "DAG not found"));
    }
    switch (op.id()) {
      case "get_version" -> {
        ObjectNode v = JSON.createObjectNode();
        v.put("version", api == Api.V1 ? "2.10.5" : "3.1.0");
        v.putNull("git_version");
        return new Response(200, v);
      }
      case "create_token" -> {
        if (!USER.equals(req.path("username").asText()) || !PASSWORD.equals(req.path("password").asText())) {
          return new Response(401, error(401, "Invalid credentials"));
        }
        String t = "token-" + tokenSeq.incrementAndGet();
        tokens.add(t);
        return new Response(201, JSON.createObjectNode().put("access_token", t));
      }
      case "trigger_dag_run", "post_dag_run" -> {
        String id = req.path("dag_run_id").asText("manual__" + UUID.randomUUID());
        String logical = req.path("logical_date").isNull() ? null : req.path("logical_date").asText(null);
        Run r = new Run(id, logical, req.path("conf"), failTask);
        if (runs.putIfAbsent(id, r) != null) {
          return new Response(409, error(409, "DAGRun with dag_run_id: '" + id + "' already exists"));
        }
        return new Response(200, runJson(r));
      }
      case "get_dag_run" -> {
        Run r = runs.get(p.get("dag_run_id"));
        if (r == null) {
          return new Response(404, error(404, "DAGRun with dag_run_id: '" + p.get("dag_run_id") + "' not found"));
        }
        synchronized (r) {
          r.step++;
        }
        return new Response(200, runJson(r));
      }
      case "get_task_instances" -> {
        Run r = runs.get(p.get("dag_run_id"));
        if (r == null) {
          if (api == Api.V1) {
            return new Response(200, collection(List.of(), 0));
          }
          return new Response(404, error(404, "DagRun not found"));
        }
        int limit = Integer.parseInt(query.getOrDefault("limit", api == Api.V1 ? "100" : "50"));
        int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
        int n = Math.min(limit, maxPageLimit);
        List<JsonNode> page = new ArrayList<>();
        for (int i = offset; i < Math.min(tasks.size(), offset + n); i++) {
          page.add(taskJson(r, i));
        }
        return new Response(200, collection(page, tasks.size()));
      }
      case "clear_dag_run" -> {
        Run r = runs.get(p.get("dag_run_id"));
        if (r == null) {
          return new Response(404, error(404, "DAGRun not found"));
        }
        synchronized (r) {
          r.step = 0;
        }
        return new Response(200, runJson(r));
      }
      case "post_clear_task_instances" -> {
        Run r = runs.get(req.path("dag_run_id").asText());
        if (r == null) {
          return new Response(404, error(404, "DAGRun not found"));
        }
        synchronized (r) {
          r.step = 0;
        }
        ObjectNode o = JSON.createObjectNode();
        o.putArray("task_instances");
        return new Response(200, o);
      }
      default -> {
        return new Response(404, error(404, "not simulated: " + op.id()));
      }
    }
  }

  private void send(HttpExchange ex, OpenApiValidator spec, String method, String path, int status, JsonNode body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    if (spec != null) {
      violations.addAll(spec.validateResponse(method, path, status, "application/json", bytes));
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  // ---- payloads -------------------------------------------------------------------------

  private JsonNode error(int status, String detail) {
    ObjectNode o = JSON.createObjectNode();
    if (api == Api.V1) {
      o.put("type", "about:blank").put("title", detail).put("status", status).put("detail", detail);
    } else {
      o.put("detail", detail);
    }
    return o;
  }

  private JsonNode validationError(String msg) {
    if (api == Api.V1) {
      return error(400, msg);
    }
    ObjectNode o = JSON.createObjectNode();
    ObjectNode d = o.putArray("detail").addObject();
    d.putArray("loc").add("body");
    d.put("msg", msg).put("type", "value_error");
    return o;
  }

  private JsonNode collection(List<JsonNode> items, int total) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode a = o.putArray("task_instances");
    items.forEach(a::add);
    o.put("total_entries", total);
    return o;
  }

  /** Index of the task the run is at: tasks before it succeeded. */
  private int cursor(Run r) {
    return r.step - 1;
  }

  private String runState(Run r) {
    int c = cursor(r);
    if (c < 0) {
      return "queued";
    }
    if (r.failTask != null && c > tasks.indexOf(r.failTask)) {
      return "failed";
    }
    return c >= tasks.size() ? "success" : "running";
  }

  private String taskState(Run r, int i) {
    int c = cursor(r);
    int f = r.failTask == null ? Integer.MAX_VALUE : tasks.indexOf(r.failTask);
    if (c < 0) {
      return null;
    }
    if (i < Math.min(c, f)) {
      return "success";
    }
    if (i == f && c > f) {
      return "failed";
    }
    if (c > f && i > f) {
      Set<String> down = downstream(tasks.get(f));
      return down.contains(tasks.get(i)) ? "upstream_failed" : "success";
    }
    return i == c ? "running" : (i == c + 1 ? "scheduled" : null);
  }

  private Set<String> downstream(String task) {
    Set<String> out = new HashSet<>();
    boolean grew = true;
    out.add(task);
    while (grew) {
      grew = false;
      for (JobGraph.Job j : JobGraph.jobs()) {
        if (!out.contains(j.id()) && j.upstream().stream().anyMatch(out::contains)) {
          out.add(j.id());
          grew = true;
        }
      }
    }
    out.remove(task);
    return out;
  }

  private JsonNode runJson(Run r) {
    String state = runState(r);
    String t = "2026-11-21T01:00:00Z";
    ObjectNode o = JSON.createObjectNode();
    o.put("dag_run_id", r.id).put("dag_id", DAG_ID).put("logical_date", r.logicalDate);
    boolean started = !state.equals("queued");
    boolean done = state.equals("success") || state.equals("failed");
    if (api == Api.V1) {
      o.put("execution_date", r.logicalDate);
      o.put("start_date", started ? t : null).put("end_date", done ? t : null);
      o.put("data_interval_start", r.logicalDate).put("data_interval_end", r.logicalDate);
      o.putNull("last_scheduling_decision");
      o.put("run_type", "manual").put("state", state).put("external_trigger", true);
      o.set("conf", r.conf.isObject() ? r.conf : JSON.createObjectNode());
      o.putNull("note");
      return o;
    }
    o.put("queued_at", t).put("start_date", started ? t : null).put("end_date", done ? t : null);
    if (done) {
      o.put("duration", 42.0);
    } else {
      o.putNull("duration");
    }
    o.put("data_interval_start", r.logicalDate).put("data_interval_end", r.logicalDate);
    o.put("run_after", r.logicalDate == null ? t : r.logicalDate).putNull("last_scheduling_decision");
    o.put("run_type", "manual").put("state", state).put("triggered_by", "rest_api");
    o.put("triggering_user_name", USER);
    o.set("conf", r.conf.isObject() ? r.conf : JSON.createObjectNode());
    o.putNull("note");
    o.putArray("dag_versions");
    o.putNull("bundle_version");
    o.put("dag_display_name", DAG_ID).putNull("partition_key");
    return o;
  }

  private JsonNode taskJson(Run r, int i) {
    String task = tasks.get(i);
    String state = taskState(r, i);
    ObjectNode o = JSON.createObjectNode();
    o.put("task_id", task).put("dag_id", DAG_ID).put("dag_run_id", r.id);
    o.put("map_index", -1).put("try_number", state == null ? 0 : 1).put("max_tries", 2);
    o.put("task_display_name", task).put("state", state);
    o.put("start_date", (String) null).put("end_date", (String) null).putNull("duration");
    o.put("pool", "default_pool").put("pool_slots", 1).put("queue", "default").put("priority_weight", 1);
    o.put("operator", "BashOperator").putNull("queued_when").putNull("pid").putNull("executor");
    o.put("executor_config", "{}").putNull("note").putNull("rendered_map_index");
    if (api == Api.V1) {
      o.put("execution_date", r.logicalDate).put("hostname", "").put("unixname", "airflow");
      return o;
    }
    o.put("id", UUID.nameUUIDFromBytes((r.id + task).getBytes(StandardCharsets.UTF_8)).toString());
    o.put("logical_date", r.logicalDate).put("run_after", r.logicalDate == null ? "2026-11-21T01:00:00Z"
        : r.logicalDate);
    o.putNull("hostname").putNull("unixname").put("operator_name", "BashOperator").putNull("scheduled_when");
    o.put("dag_display_name", DAG_ID).putNull("trigger").putNull("triggerer_job").putNull("dag_version");
    return o;
  }
}
