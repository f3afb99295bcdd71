package com.nurselink.warehouse.migrate;

import com.nurselink.warehouse.migrate.ColumnPlan.Strategy;
import com.nurselink.warehouse.migrate.Verifier.TableCheck;
import com.nurselink.warehouse.util.Secrets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a migration: the plan, the per-table verification, and every column whose values did not
 * all fit their declared type (with what was done about them).
 */
public record Report(String source, String target, MigrationPlan plan, String script, boolean dryRun,
    List<TableCheck> tables, List<String> notes, Duration elapsed) {

  /** True when every table verified (always true for a dry run, which loads nothing). */
  public boolean ok() {
    return tables.stream().allMatch(TableCheck::ok);
  }

  public long rowsLoaded() {
    return tables.stream().mapToLong(TableCheck::targetRows).sum();
  }

  public long rejected() {
    return tables.stream().mapToLong(TableCheck::rejected).sum();
  }

  public TableCheck table(String name) {
    return tables.stream().filter(t -> t.table().equals(name)).findFirst().orElse(null);
  }

  /** Columns that were widened or sent values to the rejects table. */
  public List<String> typeIssues() {
    return plan.tables().stream().flatMap(t -> t.columns().stream()
        .filter(c -> c.strategy() != Strategy.EXACT)
        .map(c -> t.name() + "." + c.name() + " [" + c.declared() + "] -> " + c.pgType() + " " + c.strategy()
            + ": " + String.join("; ", c.notes())
            + samples(c))).toList();
  }

  private static String samples(ColumnPlan c) {
    if (c.samples().isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" | values:");
    for (ColumnProfile.Sample s : c.samples()) {
      sb.append(" rowid ").append(s.rowid()).append("='").append(Secrets.clip(s.value())).append('\'');
    }
    return sb.toString();
  }

  /** The human report. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(dryRun ? "migration plan (dry run, nothing written)" : "migration report").append(": ")
        .append(source).append(" -> ").append(Secrets.maskUrl(target)).append(" schema ").append(plan.schema())
        .append('\n');
    if (dryRun) {
      sb.append(script);
    } else {
      sb.append(String.format(Locale.ROOT, "%-32s %12s %12s %8s %9s  %s%n", "table", "rows source", "rows target",
          "columns", "rejected", "status"));
      for (TableCheck t : tables) {
        sb.append(String.format(Locale.ROOT, "%-32s %12d %12d %8d %9d  %s%n", t.table(), t.sourceRows(), t.targetRows(),
            t.columnsChecked(), t.rejected(), t.ok() ? "OK" : "FAILED: " + String.join("; ", t.problems())));
      }
    }
    List<String> issues = typeIssues();
    if (!issues.isEmpty()) {
      sb.append("values that did not fit their declared type (all kept):\n");
      for (String i : issues) {
        sb.append("  ").append(i).append('\n');
      }
    }
    if (!dryRun && !notes.isEmpty()) {
      sb.append("notes:\n");
      for (String n : notes) {
        sb.append("  ").append(n).append('\n');
      }
    }
    if (!dryRun) {
      sb.append(String.format(Locale.ROOT, "%s: %d tables, %d rows, %d value(s) in %s, %.1fs%n", ok() ? "OK" : "FAILED",
          tables.size(), rowsLoaded(), rejected(), DdlWriter.REJECTS_TABLE, elapsed.toMillis() / 1000.0));
    }
    return sb.toString();
  }
}
