package com.nurselink.warehouse.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.ops.Alerts;
import com.nurselink.warehouse.ops.JobGraph;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.ops.Lineage;
import com.nurselink.warehouse.source.SqliteSnapshots;
import com.nurselink.warehouse.util.Errors;
import com.nurselink.warehouse.util.Secrets;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs jobs of the nightly pipeline in the order of the job graph, recording each in the run
 * ledger. A failing job stops the run: its ledger row says why, the jobs after it do not run, and
 * everything published before stays as it was.
 */
public final class Pipeline {
  private static final Map<String, Supplier<PipelineJob>> JOBS = new LinkedHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JOBS.put("extract", ExtractJob::new);
    JOBS.put("stage", StageJob::new);
    JOBS.put("model", ModelJob::new);
    JOBS.put("kpis", KpisJob::new);
    JOBS.put("features", FeaturesJob::new);
    JOBS.put("load", LoadJob::new);
    JOBS.put("serve", ServeJob::new);
  }

  /** One job's outcome in a run. */
  public record Outcome(String job, String status, JobResult result, double seconds, String error) {}

  private Pipeline() {}

  /** Job ids in graph order; {@code requested} null or empty means all. Unknown ids are refused. */
  public static List<String> plan(List<String> requested) {
    List<String> all = JobGraph.ids();
    if (requested == null || requested.isEmpty()) {
      return all;
    }
    for (String r : requested) {
      if (!all.contains(r)) {
        throw new com.nurselink.warehouse.config.ConfigException("--jobs: unknown job '" + Secrets.clip(r)
            + "' (jobs: " + String.join(", ", all) + ")");
      }
    }
    List<String> out = new ArrayList<>();
    for (String id : all) {
      if (requested.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  /** Runs the jobs without alerts. */
  public static List<Outcome> run(RunContext ctx, List<String> jobs, Ledger ledger) {
    return run(ctx, jobs, ledger, null, null);
  }

  /**
   * Runs the jobs; returns the outcomes (the last one failed when the run failed). With
   * {@code alerts}, raises one alert for a failed job, a job over its time budget, a table whose
   * quarantine rate is over the threshold, and headline KPIs that moved beyond the bound versus
   * the previous date's headline: each is printed as a warning line, sent when a webhook is
   * configured, and recorded in the ledger ({@code etl_alerts}) with what became of it. An alert
   * that cannot be delivered or recorded never fails the run.
   */
  public static List<Outcome> run(RunContext ctx, List<String> jobs, Ledger ledger, Alerts alerts,
      Alerts.Rules rules) {
    List<Outcome> outcomes = new ArrayList<>();
    if (ctx.lake().holdsFormerFormat(ctx.spark()) && !(ctx.fullRefresh() && jobs.contains("extract"))) {
      throw new com.nurselink.warehouse.config.ConfigException("the lake " + ctx.lake() + " holds tables of the "
          + "former format (_versions/, symbolic links), not Iceberg tables: rebuild it from the sources with "
          + "'nurselink run --full-refresh', or set lake.path to a new directory");
    }
    try (Lineage lineage = Lineage.fromSettings(ctx.settings(), line -> ctx.progress().info("run", "warning: " + line))) {
      runJobs(ctx, jobs, ledger, alerts, rules, outcomes, lineage);
    }
    boolean succeeded = outcomes.size() == jobs.size()
        && outcomes.stream().noneMatch(o -> o.status().equals("failed"));
    if (succeeded) {
      expire(ctx);
    }
    if (jobs.contains("extract")) {
      SqliteSnapshots.settle(Path.of(ctx.settings().get(ConfigKey.SNAPSHOT_DIR)), ctx.runId(), succeeded);
    }
    return outcomes;
  }

  /** What the job reads and wrote, for its lineage events. */
  private static Lineage.Datasets io(Lineage lineage, RunContext ctx, String job, List<Lake.Commit> commits,
      boolean finished) {
    return lineage.datasets(job, ctx.lake(), ctx.settings(), ctx.sources(), commits, finished);
  }

  private static void runJobs(RunContext ctx, List<String> jobs, Ledger ledger, Alerts alerts, Alerts.Rules rules,
      List<Outcome> outcomes, Lineage lineage) {
    for (String id : jobs) {
      PipelineJob job = JOBS.get(id).get();
      Lineage.JobRun jobRun = new Lineage.JobRun(ctx.runId(), id, ctx.date(), ctx.zone());
      lineage.start(jobRun, () -> io(lineage, ctx, id, List.of(), false));
      Instant start = Instant.now();
      if (ledger != null) {
        ledger.started(ctx.runId(), id, ctx.date(), start);
      }
      long t0 = System.nanoTime();
      try {
        JobResult r;
        String planned;
        try (InputPlanning.Applied planning = InputPlanning.apply(ctx, id)) {
          // a small input's tables side by side; a larger one's tasks keep every core busy on their own
          // (two tables at once measured slower there: BENCHMARKS.md)
          int threads = planning.small() && job.writesSideBySide()
              ? ctx.settings().getInt(ConfigKey.PIPELINE_TABLE_THREADS) : 1;
          planned = planning.description();
          if (planned != null && threads > 1) {
            planned += "; tables side by side, " + threads + " at most (pipeline.table-threads)";
          }
          r = job.run(ctx.withTableThreads(threads));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (r.skipped() != null) {
          if (ledger != null) {
            ledger.finished(ctx.runId(), id, Instant.now(), "skipped", 0, 0, 0, null, r.skipped());
          }
          outcomes.add(new Outcome(id, "skipped", r, secs, null));
          ctx.progress().info(id, "skipped: " + r.skipped());
          List<Lake.Commit> none = ctx.lake().takeCommits();
          lineage.complete(jobRun, () -> io(lineage, ctx, id, none, false));
          continue;
        }
        if (planned != null) {
          ctx.progress().info(id, planned);
        }
        List<Lake.Commit> commits = ctx.lake().takeCommits();
        Map<String, Long> snapshots = Lake.snapshotIds(commits);
        if (ledger != null) {
          if (!snapshots.isEmpty()) {
            ledger.snapshots(ctx.runId(), id, snapshots);
          }
          ledger.finished(ctx.runId(), id, Instant.now(), "success", r.rowsIn(), r.rowsOut(), r.rowsQuarantined(),
              json(r.watermarks()), null);
        }
        outcomes.add(new Outcome(id, "success", r, secs, null));
        lineage.complete(jobRun, () -> io(lineage, ctx, id, commits, true));
        if (alerts != null) {
          List<String> messages = new ArrayList<>();
          rules.overBudget(id, ctx.date(), java.time.Duration.ofMillis((long) (secs * 1000))).ifPresent(messages::add);
          r.perTable().forEach((t, c) -> rules.quarantine(t, ctx.date(), c[0], c[1]).ifPresent(messages::add));
          if (id.equals("kpis")) {
            messages.addAll(kpiMoves(ctx, rules));
          }
          raise(ctx, id, ledger, alerts, messages);
        }
        ctx.progress().info(id, String.format(Locale.ROOT, "done: in %,d  out %,d  quarantined %,d  (%.1f s, %,.0f rows/s)",
            r.rowsIn(), r.rowsOut(), r.rowsQuarantined(), secs, secs > 0 ? r.rowsIn() / secs : 0.0));
      } catch (Exception | Error e) {
        ctx.lake().takeCommits();
        double secs = (System.nanoTime() - t0) / 1e9;
        String msg = Errors.oneLine(e);
        if (ledger != null) {
          try {
            ledger.finished(ctx.runId(), id, Instant.now(), "failed", 0, 0, 0, null, msg);
          } catch (RuntimeException ledgerDown) {
            ctx.progress().info(id, "could not record the failure in the ledger: " + Errors.oneLine(ledgerDown));
          }
        }
        outcomes.add(new Outcome(id, "failed", null, secs, msg));
        lineage.fail(jobRun, () -> io(lineage, ctx, id, List.of(), false), msg);
        if (alerts != null) {
          raise(ctx, id, ledger, alerts, List.of(rules.jobFailed(id, ctx.date(), msg)));
        }
        break;
      }
    }
  }

  /**
   * Expires the lake snapshots older than {@code lake.snapshot-retention-days} and removes the
   * files no kept snapshot reads (the current snapshot of every table is kept). A failure here is
   * reported and leaves the run successful: every table is committed by then.
   */
  static void expire(RunContext ctx) {
    int days = ctx.settings().getInt(ConfigKey.LAKE_SNAPSHOT_RETENTION_DAYS);
    try {
      int removed = ctx.lake().expireSnapshots(ctx.spark(), Instant.now().minus(java.time.Duration.ofDays(days)));
      if (removed > 0) {
        ctx.progress().info("run", "lake: " + removed + " data file(s) of snapshots older than " + days
            + " day(s) removed");
      }
    } catch (RuntimeException e) {
      ctx.progress().info("run", "warning: could not expire old lake snapshots: " + Errors.oneLine(e));
    }
  }

  /** Prints, sends (when a webhook is configured) and records each alert of a job. */
  private static void raise(RunContext ctx, String job, Ledger ledger, Alerts alerts, List<String> messages) {
    for (String m : messages) {
      String text = alerts.scrub(m);
      ctx.progress().info(job, "warning: alert: " + text);
      Alerts.Delivery delivery = alerts.deliver(m);
      if (ledger != null) {
        try {
          ledger.alert(ctx.runId(), job, ctx.date(), Instant.now(), text, delivery.text());
        } catch (RuntimeException ledgerDown) {
          ctx.progress().info(job, "could not record the alert in the ledger: " + Errors.oneLine(ledgerDown));
        }
      }
    }
  }

  /** Headline KPIs of D versus the latest earlier date in the lake. */
  static List<String> kpiMoves(RunContext ctx, Alerts.Rules rules) {
    var lake = ctx.lake();
    List<String> parts = lake.partitions(ctx.spark(), "warehouse", "kpi_headline");
    String current = ctx.date().toString();
    String previous = null;
    for (String p : parts) {
      if (p.compareTo(current) < 0) {
        previous = p;
      }
    }
    if (previous == null || !parts.contains(current)) {
      return List.of();
    }
    return rules.kpiMoves(ctx.date(), headline(ctx, previous), headline(ctx, current));
  }

  private static Map<String, Number> headline(RunContext ctx, String partition) {
    var rows = ctx.lake().readPartition(ctx.spark(), "warehouse", "kpi_headline",
        ModelRegistry.byName("kpi_headline").partitioning(), partition)
        .collectAsList();
    Map<String, Number> m = new LinkedHashMap<>();
    if (rows.isEmpty()) {
      return m;
    }
    var row = rows.get(0);
    for (String k : Alerts.HEADLINE_KPIS) {
      int i = java.util.Arrays.asList(row.schema().fieldNames()).indexOf(k);
      if (i >= 0 && !row.isNullAt(i)) {
        m.put(k, (Number) row.get(i));
      }
    }
    return m;
  }

  /** The watermarks as a JSON object (null when there are none), as the ledger stores them. */
  static String json(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
