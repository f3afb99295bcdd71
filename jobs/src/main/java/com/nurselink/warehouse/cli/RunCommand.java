package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.lake.LakeLock;
import com.nurselink.warehouse.ops.Alerts;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.pipeline.Pipeline;
import com.nurselink.warehouse.pipeline.RunContext;
import com.nurselink.warehouse.sink.Warehouses;
import com.nurselink.warehouse.source.Sources;
import com.nurselink.warehouse.util.Progress;
import com.nurselink.warehouse.util.Pseudonyms;
import com.nurselink.warehouse.util.Secrets;
import com.nurselink.warehouse.util.SparkJobs;
import com.nurselink.warehouse.util.Sparks;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nurselink run}: the nightly pipeline (or some of its jobs) for one logical date. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the nightly pipeline for a logical date: extract -> stage -> model -> kpis -> features -> load.",
        "Prints per job rows in/out/quarantined and time; exits non-zero with a one-line error."})
public final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD",
      description = "Logical date D (default: yesterday in the business time zone). Features are computed as of D.")
  String date;

  @Option(names = "--source", paramLabel = "PATH.db|JDBC-URL",
      description = "Read the four tables from this one database (else conf decides: source.url, source.<table>.*).")
  String source;

  @Option(names = "--jobs", split = ",", paramLabel = "JOB",
      description = "Only these jobs, in graph order (extract, stage, model, kpis, features, load).")
  List<String> jobs = new ArrayList<>();

  @Option(names = "--full-refresh", description = "Ignore watermarks: re-extract and recompute everything.")
  boolean fullRefresh;

  @Override
  public Integer call() {
    Settings s = common.settings().build();
    return execute(s, source, parseDate(date, s.zone()), jobs, fullRefresh, common.verbose());
  }

  static LocalDate parseDate(String date, ZoneId zone) {
    if (date == null) {
      return ZonedDateTime.now(zone).toLocalDate().minusDays(1);
    }
    try {
      return LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      throw new ConfigException("--date: '" + Secrets.clip(date) + "' is not a date YYYY-MM-DD");
    }
  }

  static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT).format(ZonedDateTime.now(ZoneId.of("UTC")))
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }

  static Pseudonyms pseudonyms(Settings s, Progress progress) {
    String key = s.get(ConfigKey.PSEUDONYM_KEY);
    if (key == null || key.isEmpty()) {
      if (!s.env().equals("dev")) {
        throw new ConfigException("pseudonym.key is not set: set NURSELINK_PSEUDONYM_KEY (required in "
            + s.env() + ")");
      }
      progress.info("run", "using the development pseudonym key (set NURSELINK_PSEUDONYM_KEY outside dev)");
      key = Pseudonyms.DEV_KEY;
    }
    return new Pseudonyms(key);
  }

  /** Runs the pipeline; returns the exit code. Shared with {@code demo}. */
  public static int execute(Settings s, String source, LocalDate date, List<String> jobs, boolean fullRefresh,
      boolean verbose) {
    List<String> plan = Pipeline.plan(jobs);
    Progress progress = Progress.stderr();
    Pseudonyms pseudonyms = pseudonyms(s, progress);
    var sources = Sources.resolve(s, source);
    String runId = newRunId();
    Lake lake = Lake.of(s);
    progress.info("run", "run " + runId + "  date " + date + "  env " + s.env() + "  jobs " + String.join(",", plan));
    // the log levels set before the preloading thread starts: the drivers it loads may be the first
    // to log, and a logging set-up on that thread while this one sets the levels could undo them
    // (Iceberg's warnings then reached a quiet run's output, now and then)
    Sparks.quietLogs(verbose);
    Warehouses.preload(s);
    SparkSession spark = Sparks.session("nurselink-" + String.join("-", plan), s.get(ConfigKey.SPARK_MASTER),
        s.getInt(ConfigKey.SPARK_SHUFFLE_PARTITIONS), verbose, s.sparkPassthrough());
    Ledger ledger = ledger(s);
    RunContext ctx = new RunContext(spark, s, lake, runId, date, s.zone(), sources, pseudonyms, progress, fullRefresh);
    // without a webhook, alerts are still printed and recorded in the ledger
    Alerts alerts = Alerts.fromSettings(s, line -> progress.info("run", "warning: " + line));
    List<Pipeline.Outcome> outcomes;
    SparkJobs sparkJobs = SparkJobs.count(spark);
    // one run at a time on a lake: a second one fails here, naming the run that holds it
    try (LakeLock lock = LakeLock.acquire(lake, spark.sparkContext().hadoopConfiguration(), runId)) {
      outcomes = Pipeline.run(ctx, plan, ledger, alerts, Alerts.Rules.from(s));
    } finally {
      sparkJobs.close();
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "%-9s %-8s %14s %14s %12s %9s%n", "job", "status", "rows in", "rows out",
        "quarantined", "seconds");
    for (Pipeline.Outcome o : outcomes) {
      if (o.result() != null) {
        System.out.printf(Locale.ROOT, "%-9s %-8s %,14d %,14d %,12d %9.1f%n", o.job(), o.status(),
            o.result().rowsIn(), o.result().rowsOut(), o.result().rowsQuarantined(), o.seconds());
      } else {
        System.out.printf(Locale.ROOT, "%-9s %-8s %14s %14s %12s %9.1f%n", o.job(), o.status(), "-", "-", "-",
            o.seconds());
      }
    }
    System.out.printf(Locale.ROOT, "total %.1f s%n", progress.elapsedSeconds());
    System.out.printf(Locale.ROOT, "spark jobs: %d (tasks: %d)%n", sparkJobs.jobs(), sparkJobs.tasks());
    Pipeline.Outcome last = outcomes.get(outcomes.size() - 1);
    if (last.status().equals("failed")) {
      System.err.println("nurselink: error: job " + last.job() + " failed: " + last.error());
      return Main.EXIT_FAILED;
    }
    return 0;
  }

  static Ledger ledger(Settings s) {
    return Warehouses.ledger(s);
  }
}
