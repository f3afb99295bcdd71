package com.nurselink.warehouse.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.util.Secrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Alerts of the nightly run, posted to a Slack-compatible webhook as {@code {"text": ...}}.
 *
 * <p>{@link Rules} decides (pure functions, no I/O) which messages a run deserves; an
 * {@code Alerts} instance delivers them. Delivery never fails the run: without a webhook nothing is
 * sent ({@link Delivery#NO_WEBHOOK}; the pipeline still prints and records each alert), and a
 * webhook that is down or slow (short timeout) costs one warning line, after which this instance
 * stops trying. Messages are scrubbed before they leave: the webhook URL and its token, passwords
 * in URLs and the secret values given at construction become {@code ***}.
 */
public final class Alerts {
  /** Headline KPIs watched for sudden moves, as named in kpi_headline. */
  public static final List<String> HEADLINE_KPIS = List.of("total_missions", "avg_rate", "completed_missions");
  /** Default timeout of one webhook call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE = 1500;

  /**
   * Thresholds of the alerts and the environment named in messages.
   *
   * @param jobBudgetSeconds a job running longer than this is reported
   * @param quarantineRate a table whose quarantined share of rows is above this is reported
   * @param kpiChange a headline KPI whose relative change versus the previous run is above this is reported
   */
  public record Rules(String env, long jobBudgetSeconds, double quarantineRate, double kpiChange) {
    /** Thresholds from {@code alerts.job-budget-seconds}, {@code alerts.quarantine-rate}, {@code alerts.kpi-change}. */
    public static Rules from(Settings s) {
      return new Rules(s.env(), s.getInt(ConfigKey.ALERTS_JOB_BUDGET_SECONDS),
          s.getDouble(ConfigKey.ALERTS_QUARANTINE_RATE), s.getDouble(ConfigKey.ALERTS_KPI_CHANGE));
    }

    private String prefix() {
      return "[nurselink " + env + "] ";
    }

    /** The message for a failed job; the error is cut to one line and masked. */
    public String jobFailed(String job, LocalDate date, String error) {
      String e = error == null || error.isBlank() ? "unknown error" : Secrets.maskText(error).replaceAll("\\s+", " ").strip();
      if (e.length() > 300) {
        e = e.substring(0, 297) + "...";
      }
      return prefix() + "job " + job + " failed for " + date + ": " + e;
    }

    /** A message when the job ran longer than its budget (strictly). */
    public Optional<String> overBudget(String job, LocalDate date, Duration elapsed) {
      if (elapsed == null || elapsed.getSeconds() <= jobBudgetSeconds) {
        return Optional.empty();
      }
      return Optional.of(prefix() + "job " + job + " for " + date + " took " + hms(elapsed.getSeconds())
          + ", over its budget of " + hms(jobBudgetSeconds));
    }

    /** A message when the quarantined share of a table's rows is above the threshold (no rows: none). */
    public Optional<String> quarantine(String table, LocalDate date, long rowsIn, long quarantined) {
      if (rowsIn <= 0 || quarantined <= 0) {
        return Optional.empty();
      }
      double rate = (double) quarantined / rowsIn;
      if (!(rate > quarantineRate)) {
        return Optional.empty();
      }
      return Optional.of(prefix() + table + " for " + date + ": " + pct(rate) + " of rows quarantined ("
          + quarantined + " of " + rowsIn + "), threshold " + pct(quarantineRate));
    }

    /**
     * One message per headline KPI whose relative change |cur - prev| / |prev| is above the bound.
     * A KPI missing on either side (first run, no data) is not compared; from 0 to non-zero always
     * counts as a move.
     */
    public List<String> kpiMoves(LocalDate date, Map<String, ? extends Number> previous,
        Map<String, ? extends Number> current) {
      List<String> out = new ArrayList<>();
      if (previous == null || current == null) {
        return out;
      }
      for (String kpi : HEADLINE_KPIS) {
        Number p = previous.get(kpi);
        Number c = current.get(kpi);
        if (p == null || c == null || !Double.isFinite(p.doubleValue()) || !Double.isFinite(c.doubleValue())) {
          continue;
        }
        double prev = p.doubleValue();
        double cur = c.doubleValue();
        String move;
        if (prev == 0) {
          if (cur == 0) {
            continue;
          }
          move = "from 0";
        } else {
          double change = (cur - prev) / Math.abs(prev);
          if (!(Math.abs(change) > kpiChange)) {
            continue;
          }
          move = (change > 0 ? "+" : "") + pct(change);
        }
        out.add(prefix() + "KPI " + kpi + " for " + date + " moved " + move + " (" + num(prev) + " -> " + num(cur)
            + "), bound " + pct(kpiChange));
      }
      return out;
    }

    private static String pct(double fraction) {
      return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    private static String num(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String hms(long seconds) {
      return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", seconds / 3600, seconds % 3600 / 60, seconds % 60)
          : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
  }

  /** What became of one alert; {@link #text} is how the run ledger names it. */
  public enum Delivery {
    SENT("sent"), NOT_DELIVERED("not delivered"), NO_WEBHOOK("no webhook");

    private final String text;

    Delivery(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  private final URI webhook;
  private final String webhookText;
  private final List<String> secrets = new ArrayList<>();
  private final Duration timeout;
  private final Consumer<String> warn;
  private final HttpClient http;
  private boolean down;

  /**
   * @param webhookUrl Slack-compatible incoming webhook; null or blank: alerts are not sent
   * @param timeout connect and request timeout of one call
   * @param secrets values that must never appear in a message (passwords, keys)
   * @param warn receives the single warning line when the webhook fails
   */
  public Alerts(String webhookUrl, Duration timeout, Collection<String> secrets, Consumer<String> warn) {
    this.timeout = timeout;
    this.warn = warn;
    URI uri = null;
    if (webhookUrl != null && !webhookUrl.isBlank()) {
      try {
        uri = URI.create(webhookUrl.strip());
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new IllegalArgumentException("not an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        warn.accept("alerts.webhook-url is not an http(s) URL: alerts are printed and recorded, not sent");
        uri = null;
      }
    }
    this.webhook = uri;
    this.webhookText = uri == null ? null : webhookUrl.strip();
    if (uri != null) {
      for (String part : (uri.getRawPath() + "/" + (uri.getRawQuery() == null ? "" : uri.getRawQuery())).split("[/?&=]")) {
        if (part.length() >= 8 && (part.matches(".*\\d.*") || part.length() >= 20)) {
          this.secrets.add(part);
        }
      }
    }
    for (String s : secrets) {
      if (s != null && s.length() >= 4) {
        this.secrets.add(s);
      }
    }
    this.http = uri == null ? null : HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Alerts configured by {@code alerts.webhook-url}; pseudonym key and Airflow password are scrubbed. */
  public static Alerts fromSettings(Settings s) {
    return fromSettings(s, line -> LoggerFactory.getLogger(Alerts.class).warn(line));
  }

  /** As {@link #fromSettings(Settings)}, the delivery warnings going to {@code warn}. */
  public static Alerts fromSettings(Settings s, Consumer<String> warn) {
    List<String> secrets = new ArrayList<>();
    secrets.add(s.get(ConfigKey.PSEUDONYM_KEY));
    secrets.add(System.getenv("NURSELINK_AIRFLOW_PASSWORD"));
    return new Alerts(s.get(ConfigKey.ALERTS_WEBHOOK_URL), DEFAULT_TIMEOUT, secrets, warn);
  }

  /** Whether a webhook is configured. */
  public boolean enabled() {
    return webhook != null;
  }

  /** The text as it would be sent: secrets replaced by {@code ***}, cut to a sane length. */
  public String scrub(String message) {
    String m = message == null ? "" : message;
    if (webhookText != null) {
      m = m.replace(webhookText, "***");
    }
    for (String s : secrets) {
      m = m.replace(s, "***");
    }
    m = Secrets.maskText(m);
    return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE - 3) + "..." : m;
  }

  /** Posts one message; true when the webhook accepted it. Never throws. */
  public boolean send(String message) {
    if (webhook == null || down) {
      return false;
    }
    String problem;
    try {
      String body = JSON.writeValueAsString(Map.of("text", scrub(message)));
      HttpRequest req = HttpRequest.newBuilder(webhook).timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
      HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 == 2) {
        return true;
      }
      problem = "answered " + r.statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem = "interrupted";
    } catch (HttpConnectTimeoutException e) {
      problem = "could not be reached within " + seconds(timeout);
    } catch (HttpTimeoutException e) {
      problem = "did not answer within " + seconds(timeout);
    } catch (Exception e) {
      problem = e.getClass().getSimpleName();
    }
    down = true;
    warn.accept("alert not delivered: webhook " + webhook.getScheme() + "://" + webhook.getHost()
        + (webhook.getPort() < 0 ? "" : ":" + webhook.getPort()) + " " + problem
        + "; further alerts of this run are skipped");
    return false;
  }

  /** Sends one message when a webhook is configured, and says what became of it. Never throws. */
  public Delivery deliver(String message) {
    if (webhook == null) {
      return Delivery.NO_WEBHOOK;
    }
    return send(message) ? Delivery.SENT : Delivery.NOT_DELIVERED;
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  /** Posts each message in order; returns how many were delivered. Never throws. */
  public int sendAll(Collection<String> messages) {
    int ok = 0;
    for (String m : messages) {
      if (send(m)) {
        ok++;
      }
    }
    return ok;
  }
}
