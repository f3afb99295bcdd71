package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.migrate.Migration;
import com.nurselink.warehouse.migrate.MigrationException;
import com.nurselink.warehouse.migrate.Report;
import com.nurselink.warehouse.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nurselink migrate}: a SQLite file into a PostgreSQL schema, verified. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Migrate a SQLite database to PostgreSQL: typed schema, keys, indexes, COPY load, verification.",
        "Exit 3 when a row or value would be lost or verification fails."})
public final class MigrateCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "PATH.db", description = "SQLite file to migrate (read only).")
  Path from;

  @Option(names = "--to", paramLabel = "JDBC_URL",
      description = "Target, e.g. jdbc:postgresql://HOST:PORT/DB?user=U (required unless --dry-run).")
  String to;

  @Option(names = "--schema", defaultValue = "public", description = "Target schema (default: ${DEFAULT-VALUE}).")
  String schema;

  @Option(names = "--replace", description = "Drop and recreate target tables left by a previous attempt.")
  boolean replace;

  @Option(names = "--dry-run", description = "Print the plan (DDL and casts per column); write nothing.")
  boolean dryRun;

  @Option(names = "--jobs", defaultValue = "2", description = "Tables profiled and loaded, and foreign keys added, in parallel (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(names = "--zone", description = "Business time zone of timestamps without offset"
      + " (default: business.timezone, Europe/Paris).")
  String zone;

  @Mixin CommonOptions common;

  /** business.timezone from the configuration; a migration needs no conf file, so its absence is fine. */
  private ZoneId businessZone() {
    Settings.Builder b = common.settings();
    if (!Files.isRegularFile(common.confDir.resolve(common.env + ".conf"))) {
      b.noConfFile();
    }
    return b.build().zone();
  }

  @Override
  public Integer call() {
    if (!dryRun && to == null) {
      throw new Main.ExitCodeException("--to is required (or use --dry-run)", Main.EXIT_USAGE);
    }
    if (jobs < 1) {
      throw new Main.ExitCodeException("--jobs must be at least 1", Main.EXIT_USAGE);
    }
    ZoneId z = zone != null ? ZoneId.of(zone) : businessZone();
    Report report;
    try {
      report = Migration.from(from).to(to).schema(schema).replace(replace).dryRun(dryRun).jobs(jobs).zone(z)
          .progress(line -> System.err.println("migrate: " + line)).execute();
    } catch (MigrationException e) {
      throw new Main.ExitCodeException(e.getMessage(), Main.EXIT_FAILED);
    }
    System.out.print(report.render());
    System.out.flush();
    return report.ok() ? 0 : Main.EXIT_DATA_LOSS;
  }
}
