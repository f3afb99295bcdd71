package com.nurselink.warehouse.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.ops.airflow.AirflowClient;
import com.nurselink.warehouse.ops.airflow.ApiVersion;
import com.nurselink.warehouse.ops.airflow.DagRun;
import com.nurselink.warehouse.ops.airflow.RunWatcher;
import com.nurselink.warehouse.ops.airflow.TaskInstance;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code nurselink airflow}: trigger, watch, inspect, clear and backfill runs of the nightly DAG
 * through Airflow's REST API (Airflow 3 {@code /api/v2} or Airflow 2 {@code /api/v1}).
 *
 * <p>The password comes from {@code NURSELINK_AIRFLOW_PASSWORD} only; it is never an argument
 * and never printed.
 */
@Command(name = "airflow", mixinStandardHelpOptions = true,
    description = "Trigger and watch the nightly DAG through Airflow's REST API.",
    subcommands = {
        AirflowCommand.Trigger.class,
        AirflowCommand.Status.class,
        AirflowCommand.Tasks.class,
        AirflowCommand.Clear.class,
        AirflowCommand.Backfill.class
    })
public final class AirflowCommand implements Runnable {
  /** Environment variable holding the Airflow password. */
  public static final String PASSWORD_ENV = "NURSELINK_AIRFLOW_PASSWORD";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads environment variables; tests replace it. */
  static UnaryOperator<String> environment = System::getenv;
  /** The clock of the deadlines of the waits; tests replace it (and {@link #sleeper}) to step time. */
  static Clock clock = Clock.systemUTC();
  /** How a wait between two polls is made. */
  static RunWatcher.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

  @Mixin CommonOptions common;

  @Option(names = "--url", scope = ScopeType.INHERIT,
      description = "Airflow base URL (airflow.url; default http://127.0.0.1:8080).")
  String url;

  @Option(names = "--user", scope = ScopeType.INHERIT, description = "Airflow user (airflow.user; default admin).")
  String user;

  @Option(names = "--http-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "30",
      description = "Timeout of one HTTP request in seconds (default: ${DEFAULT-VALUE}).")
  double httpTimeout;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Settings and a client from the options, the configuration and the environment. */
  Context context() {
    Settings s = common.settings().explicit(ConfigKey.AIRFLOW_URL, url).explicit(ConfigKey.AIRFLOW_USER, user).build();
    ApiVersion api;
    try {
      api = ApiVersion.parse(s.get(ConfigKey.AIRFLOW_API));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s.origin(ConfigKey.AIRFLOW_API) + ": " + e.getMessage());
    }
    String password = environment.apply(PASSWORD_ENV);
    if (password == null || password.isEmpty()) {
      throw new ConfigException("the Airflow password is not set: set " + PASSWORD_ENV);
    }
    if (!(httpTimeout > 0)) {
      throw new ConfigException("--http-timeout must be positive");
    }
    Duration timeout = Duration.ofMillis((long) (httpTimeout * 1000));
    AirflowClient.Config cfg;
    try {
      cfg = new AirflowClient.Config(s.get(ConfigKey.AIRFLOW_URL), s.get(ConfigKey.AIRFLOW_USER), password,
          s.get(ConfigKey.AIRFLOW_DAG_ID), api, timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout
              : Duration.ofSeconds(10), timeout, 100);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new Context(new AirflowClient(cfg, clock), s.zone(), spec.commandLine().getOut());
  }

  record Context(AirflowClient client, ZoneId zone, PrintWriter out) {}

  /** Options of the commands that wait for a run. */
  static final class WaitOptions {
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "7200",
        description = "Give up waiting after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Option(names = "--poll", paramLabel = "SECONDS", defaultValue = "15",
        description = "Seconds between two polls (default: ${DEFAULT-VALUE}).")
    double poll;

    RunWatcher watcher(Context c) {
      if (timeout <= 0 || !(poll > 0)) {
        throw new ConfigException("--timeout and --poll must be positive");
      }
      return new RunWatcher(c.client(), c.out(), Duration.ofMillis((long) (poll * 1000)),
          Duration.ofSeconds(timeout), clock, sleeper);
    }
  }

  @Command(name = "trigger", mixinStandardHelpOptions = true,
      description = "Trigger the run of a date (run id nurselink__<date>); an existing run is reported, not an error.")
  static final class Trigger implements Callable<Integer> {
    @ParentCommand AirflowCommand parent;

    @Option(names = "--date", required = true, description = "Logical date (YYYY-MM-DD).")
    LocalDate date;

    @Option(names = "--conf", paramLabel = "JSON", description = "Run configuration, a JSON object.")
    String conf;

    @Option(names = "--wait", description = "Wait for the run to finish; exit 0 only on success.")
    boolean await;

    @Mixin WaitOptions waitOptions;

    @Override
    public Integer call() {
      Map<String, Object> runConf = parseConf(conf);
      Context c = parent.context();
      AirflowClient.Triggered t = c.client().trigger(date, c.zone(), runConf);
      report(c.out(), t);
      if (!await) {
        return 0;
      }
      return waitOptions.watcher(c).await(t.run().runId()).succeeded() ? 0 : Main.EXIT_FAILED;
    }
  }

  /** A subcommand about one run: RUN_ID and the parent's connection options. */
  abstract static class OneRun implements Callable<Integer> {
    @ParentCommand AirflowCommand parent;

    @Parameters(paramLabel = "RUN_ID", description = "Run id, e.g. nurselink__2026-11-20.") String runId;

    @Override
    public Integer call() {
      Context c = parent.context();
      execute(c);
      c.out().flush();
      return 0;
    }

    abstract void execute(Context c);
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "State of a run.")
  static final class Status extends OneRun {
    @Override
    void execute(Context c) {
      DagRun r = c.client().run(runId);
      c.out().println(r.runId() + "  " + r.state() + "  logical date " + r.logicalDate());
    }
  }

  @Command(name = "tasks", mixinStandardHelpOptions = true, description = "Task instances of a run (all pages).")
  static final class Tasks extends OneRun {
    @Override
    void execute(Context c) {
      List<TaskInstance> tasks = c.client().taskInstances(runId);
      c.out().printf(Locale.ROOT, "%-12s %-16s %s%n", "TASK", "STATE", "TRY");
      for (TaskInstance t : tasks) {
        c.out().printf(Locale.ROOT, "%-12s %-16s %d%n", t.taskId(), t.stateText(), t.tryNumber());
      }
    }
  }

  @Command(name = "clear", mixinStandardHelpOptions = true,
      description = "Clear a run so Airflow runs its tasks again.")
  static final class Clear extends OneRun {
    @Option(names = "--failed-only", description = "Clear only the failed tasks (and what they block).")
    boolean failedOnly;

    @Override
    void execute(Context c) {
      c.client().clear(runId, failedOnly);
      c.out().println("cleared run " + runId + (failedOnly ? " (failed tasks only)" : ""));
    }
  }

  @Command(name = "backfill", mixinStandardHelpOptions = true,
      description = "Trigger and wait for the run of each date from --from to --to, one after the other; "
          + "stops at the first failed run.")
  static final class Backfill implements Callable<Integer> {
    @ParentCommand AirflowCommand parent;

    @Option(names = "--from", required = true, description = "First logical date (YYYY-MM-DD).")
    LocalDate from;

    @Option(names = "--to", required = true, description = "Last logical date, included.")
    LocalDate to;

    @Option(names = "--conf", paramLabel = "JSON", description = "Run configuration, a JSON object.")
    String conf;

    @Mixin WaitOptions waitOptions;

    @Override
    public Integer call() {
      if (to.isBefore(from)) {
        throw new ConfigException("--to " + to + " is before --from " + from);
      }
      if (from.plusYears(5).isBefore(to)) {
        throw new ConfigException("backfill of more than 5 years refused: " + from + ".." + to);
      }
      Map<String, Object> runConf = parseConf(conf);
      Context c = parent.context();
      RunWatcher watcher = waitOptions.watcher(c);
      int done = 0;
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        AirflowClient.Triggered t = c.client().trigger(d, c.zone(), runConf);
        report(c.out(), t);
        DagRun r = watcher.await(t.run().runId());
        if (!r.succeeded()) {
          c.out().println("backfill stopped at " + d + ": run " + r.runId() + " " + r.state() + " (" + done
              + " date(s) done before it)");
          c.out().flush();
          return Main.EXIT_FAILED;
        }
        done++;
      }
      c.out().println("backfill " + from + ".." + to + ": " + done + " run(s) succeeded");
      c.out().flush();
      return 0;
    }
  }

  static void report(PrintWriter out, AirflowClient.Triggered t) {
    if (t.created()) {
      out.println("triggered run " + t.run().runId() + " (logical date " + t.run().logicalDate() + ")");
    } else {
      out.println("run " + t.run().runId() + " already exists (" + t.run().state() + ")");
    }
    out.flush();
  }

  static Map<String, Object> parseConf(String conf) {
    if (conf == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(conf, new TypeReference<Map<String, Object>>() { });
    } catch (Exception e) {
      throw new ConfigException("--conf must be a JSON object, e.g. '{\"full\": true}'");
    }
  }
}
