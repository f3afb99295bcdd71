package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.util.Secrets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nurselink runs}: the run ledger (etl_runs), newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Show the run ledger (etl_runs), newest first.")
public final class RunsCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--last", paramLabel = "N", description = "How many rows, 1 or more (default 20).")
  int last = 20;

  @Option(names = "--snapshots", paramLabel = "RUN_ID",
      description = "Show, for that run, the lake snapshot id each job left each table it wrote at (Iceberg "
          + "time travel: spark.read().option(\"versionAsOf\", id)).")
  String snapshotsOf;

  @Override
  public Integer call() {
    if (last < 1) {
      throw new ConfigException("--last must be 1 or more, got " + last);
    }
    Settings s = common.settings().build();
    Ledger ledger = RunCommand.ledger(s);
    if (ledger == null) {
      throw new IllegalStateException("no ledger for warehouse type of env " + s.env());
    }
    if (snapshotsOf != null) {
      var snapshots = ledger.snapshots(snapshotsOf);
      if (snapshots.isEmpty()) {
        throw new ConfigException("--snapshots: no lake snapshot recorded for run '" + Secrets.clip(snapshotsOf)
            + "' (see nurselink runs for the run ids)");
      }
      System.out.printf(Locale.ROOT, "%-20s %-9s %-40s %s%n", "run_id", "job", "table", "snapshot_id");
      for (var e : snapshots) {
        System.out.printf(Locale.ROOT, "%-20s %-9s %-40s %d%n", e.runId(), e.job(), e.table(), e.snapshotId());
      }
      return 0;
    }
    System.out.printf(Locale.ROOT, "%-20s %-9s %-10s %-20s %-8s %8s %12s %12s %11s  %s%n", "run_id", "job", "date",
        "started (UTC)", "status", "seconds", "rows in", "rows out", "quarantined", "error");
    for (Ledger.Entry e : ledger.last(last)) {
      double secs = e.endedAt() == null || e.startedAt() == null ? Double.NaN
          : (e.endedAt().toEpochMilli() - e.startedAt().toEpochMilli()) / 1000.0;
      System.out.printf(Locale.ROOT, "%-20s %-9s %-10s %-20s %-8s %8.1f %,12d %,12d %,11d  %s%n", e.runId(), e.job(),
          e.logicalDate(), e.startedAt() == null ? "" : e.startedAt().toString().substring(0, 19), e.status(), secs,
          e.rowsIn(), e.rowsOut(), e.rowsQuarantined(), e.error() == null ? "" : e.error());
    }
    return 0;
  }
}
