package com.nurselink.warehouse.ops.airflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Client of Airflow's stable REST API for the nightly DAG: Airflow 3 ({@code /api/v2}, bearer
 * token from {@code POST /auth/token}, one new login when a call answers 401) and Airflow 2
 * ({@code /api/v1}, HTTP basic). The version is detected from the server ({@code GET
 * /api/v2/version}, then {@code /api/v1/version}) unless forced.
 *
 * <p>Every call has a connect and a request timeout; a deadline set with {@link #deadline} caps
 * the request timeout so a poller never waits past it. The deadline is read on the client's
 * {@link Clock} (tests step it). The password is never part of a message.
 */
public final class AirflowClient {
  /** Prefix of the run ids this project gives the runs it triggers. */
  public static final String RUN_ID_PREFIX = "nurselink__";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Connection settings; {@code api} null means detect. */
  public record Config(String baseUrl, String user, String password, String dagId, ApiVersion api,
      Duration connectTimeout, Duration requestTimeout, int pageSize) {
    public Config {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(dagId, "dagId");
      baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
      if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
        throw new IllegalArgumentException("airflow.url must start with http:// or https://, got '"
            + Secrets.clip(Secrets.maskUrl(baseUrl)) + "'");
      }
      if (pageSize < 1) {
        throw new IllegalArgumentException("page size must be positive");
      }
    }

    @Override
    public String toString() {
      return "Config[" + Secrets.maskUrl(baseUrl) + ", user=" + user + ", dag=" + dagId + ", api=" + api + "]";
    }
  }

  /** Outcome of a trigger: the run, and whether this call created it (false: it already existed). */
  public record Triggered(DagRun run, boolean created) {}

  private final Config config;
  private final HttpClient http;
  private final Clock clock;
  private ApiVersion api;
  private String token;
  private Instant deadline;

  public AirflowClient(Config config) {
    this(config, Clock.systemUTC());
  }

  public AirflowClient(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.api = config.api();
    this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Deterministic run id of the run of a logical date: {@code nurselink__2026-11-20}. */
  public static String runId(LocalDate date) {
    return RUN_ID_PREFIX + date;
  }

  /**
   * The logical date sent for a date: 02:00 in the business time zone, with offset, the moment the
   * schedule would have started that date's run (its data interval start). It falls on the same
   * UTC date, so the DAG's {@code {{ ds }}} is the business date.
   */
  public static OffsetDateTime logicalDate(LocalDate date, ZoneId zone) {
    return date.atTime(2, 0).atZone(zone).toOffsetDateTime();
  }

  /** Caps request timeouts so no call outlives this instant (null: no cap). */
  public void deadline(Instant deadline) {
    this.deadline = deadline;
  }

  public String baseUrl() {
    return Secrets.maskUrl(config.baseUrl());
  }

  /** The API generation in use, asking the server on first call when not forced. */
  public ApiVersion api() {
    if (api == null) {
      api = detect();
    }
    return api;
  }

  private ApiVersion detect() {
    HttpResponse<String> v2 = exchange("GET", "/api/v2/version", null, false);
    if (v2.statusCode() == 200) {
      return ApiVersion.V2;
    }
    HttpResponse<String> v1 = exchange("GET", "/api/v1/version", null, true);
    if (v1.statusCode() == 200) {
      return ApiVersion.V1;
    }
    throw new AirflowException("cannot tell the Airflow API version at " + baseUrl() + " (GET /api/v2/version: "
        + v2.statusCode() + ", GET /api/v1/version: " + v1.statusCode() + "); set airflow.api to v1 or v2",
        v1.statusCode(), false);
  }

  /** Triggers the run of a date; an existing run of that id is returned with created=false. */
  public Triggered trigger(LocalDate date, ZoneId zone, Map<String, Object> conf) {
    String runId = runId(date);
    ObjectNode body = JSON.createObjectNode();
    body.put("dag_run_id", runId);
    body.put("logical_date", logicalDate(date, zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    body.set("conf", JSON.valueToTree(conf == null ? Map.of() : conf));
    HttpResponse<String> r = call("POST", runsPath(), body);
    if (r.statusCode() == 409) {
      return new Triggered(run(runId), false);
    }
    return new Triggered(toRun(expect(r, "trigger run " + runId, 200)), true);
  }

  /** One run; 404 becomes an AirflowException saying the run does not exist. */
  public DagRun run(String runId) {
    HttpResponse<String> r = call("GET", runsPath() + "/" + enc(runId), null);
    return toRun(expect(r, "run " + runId, 200));
  }

  /** Every task instance of a run, reading all pages. */
  public List<TaskInstance> taskInstances(String runId) {
    List<TaskInstance> out = new ArrayList<>();
    int offset = 0;
    String base = runsPath() + "/" + enc(runId) + "/taskInstances";
    for (int page = 0; page < 10_000; page++) {
      HttpResponse<String> r = call("GET", base + "?limit=" + config.pageSize() + "&offset=" + offset, null);
      JsonNode body = expect(r, "task instances of run " + runId, 200);
      JsonNode items = body.path("task_instances");
      for (JsonNode ti : items) {
        out.add(new TaskInstance(ti.path("task_id").asText(), ti.path("state").isNull() ? null
            : ti.path("state").asText(null), ti.path("try_number").asInt(0)));
      }
      offset += items.size();
      int total = body.path("total_entries").asInt(offset);
      if (items.isEmpty() || offset >= total) {
        return out;
      }
    }
    throw new AirflowException("too many pages of task instances for run " + runId, 0, false);
  }

  /** Clears a run so Airflow runs it again; {@code failedOnly} keeps the tasks that succeeded. */
  public void clear(String runId, boolean failedOnly) {
    ObjectNode body = JSON.createObjectNode();
    body.put("dry_run", false);
    HttpResponse<String> r;
    if (api() == ApiVersion.V2) {
      body.put("only_failed", failedOnly);
      r = call("POST", runsPath() + "/" + enc(runId) + "/clear", body);
    } else if (failedOnly) {
      body.put("dag_run_id", runId).put("only_failed", true).put("reset_dag_runs", true);
      r = call("POST", api().prefix() + "/dags/" + enc(config.dagId()) + "/clearTaskInstances", body);
    } else {
      r = call("POST", runsPath() + "/" + enc(runId) + "/clear", body);
    }
    expect(r, "clear run " + runId, 200);
  }

  private String runsPath() {
    return api().prefix() + "/dags/" + enc(config.dagId()) + "/dagRuns";
  }

  private static DagRun toRun(JsonNode n) {
    String logical = n.path("logical_date").isNull() ? null : n.path("logical_date").asText(null);
    return new DagRun(n.path("dag_run_id").asText(), n.path("state").asText(null), logical);
  }

  private JsonNode expect(HttpResponse<String> r, String what, int ok) {
    int s = r.statusCode();
    if (s == ok || (s / 100 == 2 && ok / 100 == 2)) {
      try {
        return JSON.readTree(r.body() == null || r.body().isEmpty() ? "{}" : r.body());
      } catch (JsonProcessingException e) {
        throw new AirflowException(what + ": Airflow answered " + s + " with a body that is not JSON", s, false);
      }
    }
    String detail = detail(r.body());
    String msg = switch (s) {
      case 401 -> "Airflow rejected the credentials of user '" + config.user() + "' (401)";
      case 403 -> "user '" + config.user() + "' may not " + what + " (403 forbidden)";
      case 404 -> what + ": not found (DAG '" + config.dagId() + "' at " + baseUrl() + ")";
      default -> what + ": Airflow answered " + s;
    };
    throw new AirflowException(detail.isEmpty() ? msg : msg + ": " + detail, s, s >= 500);
  }

  /** The human part of an error body: {@code detail} (v2 string/object/list) or v1 title/detail. */
  private static String detail(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode n = JSON.readTree(body);
      JsonNode d = n.path("detail");
      String text;
      if (d.isTextual()) {
        text = d.asText();
      } else if (d.isArray() && d.size() > 0) {
        text = d.get(0).path("msg").asText(d.get(0).toString());
      } else if (!d.isMissingNode() && !d.isNull()) {
        text = d.toString();
      } else {
        text = n.path("title").asText("");
      }
      return Secrets.clip(text);
    } catch (JsonProcessingException e) {
      return Secrets.clip(body);
    }
  }

  /** An authenticated API call; on 401 with a token (v2), logs in again once and retries. */
  private HttpResponse<String> call(String method, String path, JsonNode body) {
    ApiVersion v = api();
    if (v == ApiVersion.V2 && token == null) {
      login();
    }
    HttpResponse<String> r = exchange(method, path, body, true);
    if (r.statusCode() == 401 && v == ApiVersion.V2) {
      login();
      r = exchange(method, path, body, true);
    }
    return r;
  }

  private void login() {
    if (config.password() == null) {
      throw new AirflowException("the Airflow password is not set: set NURSELINK_AIRFLOW_PASSWORD", 0, false);
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("username", config.user());
    body.put("password", config.password());
    token = null;
    HttpResponse<String> r = exchange("POST", "/auth/token", body, false);
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw new AirflowException("Airflow rejected the credentials of user '" + config.user() + "' ("
          + r.statusCode() + " from /auth/token)", r.statusCode(), false);
    }
    JsonNode n = expect(r, "log in", 201);
    String t = n.path("access_token").asText("");
    if (t.isEmpty()) {
      throw new AirflowException("Airflow's /auth/token answered without access_token", r.statusCode(), false);
    }
    token = t;
  }

  private HttpResponse<String> exchange(String method, String path, JsonNode body, boolean auth) {
    URI uri = URI.create(config.baseUrl() + path);
    Duration timeout = config.requestTimeout();
    if (deadline != null) {
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.compareTo(Duration.ofMillis(1)) < 0) {
        throw new DeadlineExceededException("deadline passed before " + method + " " + path);
      }
      timeout = left.compareTo(timeout) < 0 ? left : timeout;
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    if (auth && api == ApiVersion.V2 && token != null) {
      b.header("Authorization", "Bearer " + token);
    } else if (auth && api != ApiVersion.V2 && config.password() != null) {
      String basic = config.user() + ":" + config.password();
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    String where = method + " " + path.replaceAll("\\?.*", "");
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() >= 500) {
        throw new AirflowException(where + ": Airflow answered " + r.statusCode() + " " + detail(r.body()),
            r.statusCode(), true);
      }
      return r;
    } catch (HttpConnectTimeoutException e) {
      // the request timeout (capped by the deadline) also runs while connecting: say which one ran out
      Duration waited = timeout.compareTo(config.connectTimeout()) < 0 ? timeout : config.connectTimeout();
      throw new AirflowException("cannot connect to Airflow at " + baseUrl() + " within "
          + seconds(waited) + " (" + where + ")", 0, true);
    } catch (HttpTimeoutException e) {
      throw new AirflowException("Airflow at " + baseUrl() + " did not answer within " + seconds(timeout)
          + " (" + where + ")", 0, true);
    } catch (ConnectException e) {
      throw new AirflowException("cannot connect to Airflow at " + baseUrl() + " (" + where + "): connection refused",
          0, true);
    } catch (IOException e) {
      throw new AirflowException("Airflow at " + baseUrl() + " (" + where + "): " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + Secrets.maskText(e.getMessage())), 0, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AirflowException("interrupted during " + where, 0, false);
    }
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  private static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
