package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.sink.DuckDbWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nurselink demo}: demo data if absent, the nightly pipeline, the headline and where things are. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"On a fresh clone: generate demo data if absent (data/nurselink.db), run the nightly",
        "pipeline on the embedded default (SQLite in, Parquet + DuckDB out), print the headline KPIs",
        "and where every output is. No server needed."})
public final class DemoCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--missions", description = "Missions in generated demo data (default 20000).")
  long missions = 20_000;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = {"Logical date (default 2026-06-23, a week "
      + "before the end of the demo data: open missions starting after it remain, for the popular-mission list)."})
  String date = Generator.SPAN_END.minusDays(7).toString();

  @Override
  public Integer call() throws Exception {
    Settings s = common.settings().build();
    Path source = Path.of(s.get(ConfigKey.SOURCE_URL));
    if (!Files.exists(source)) {
      System.err.println("demo: generating " + missions + " missions into " + source + " (with ~2% dirty rows)");
      Generator.create().missions(missions).seed(Generator.DEFAULT_SEED).dirty(true).progress(System.err)
          .writeSqlite(source);
    } else {
      System.err.println("demo: using existing " + source);
    }
    LocalDate d = RunCommand.parseDate(date, s.zone());
    int rc = RunCommand.execute(s, null, d, List.of(), false, common.verbose());
    if (rc != 0) {
      return rc;
    }
    DuckDbWarehouse wh = new DuckDbWarehouse(Path.of(s.get(ConfigKey.WAREHOUSE_DUCKDB_PATH)));
    System.out.println();
    System.out.println("Headline KPIs (as of " + d + "):");
    try (Connection c = wh.openReadOnly(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM kpi_headline WHERE as_of_date = DATE '" + d + "'")) {
      SqlCommand.print(rs, System.out, false, 10);
    }
    System.out.println();
    System.out.println("Outputs:");
    System.out.println("  source (SQLite)      " + source.toAbsolutePath());
    System.out.println("  lake (Iceberg)       " + Path.of(s.get(ConfigKey.LAKE_PATH)).toAbsolutePath()
        + "/{raw,clean,quarantine,warehouse,features}");
    System.out.println("  warehouse (DuckDB)   " + wh.file());
    System.out.println();
    System.out.println("Try:");
    System.out.println("  bin/nurselink sql \"SELECT service_month, count(*) AS cells, sum(missions_total) AS missions,"
        + " avg(fill_rate) AS fill_rate FROM kpi_mission_monthly GROUP BY 1 ORDER BY 1\"");
    System.out.println("  bin/nurselink sql \"SELECT reason, count(*) FROM quarantine_missions GROUP BY 1\"");
    System.out.println("  bin/nurselink runs --last 6");
    String redis = s.get(ConfigKey.REDIS_URL);
    System.out.println();
    if (redis == null || redis.isBlank()) {
      System.out.println("Serving: not published (set NURSELINK_REDIS_URL=redis://127.0.0.1:6379/0 to publish to Redis)");
    } else {
      System.out.println("Served from Redis (" + com.nurselink.warehouse.serve.RedisConnections.masked(redis) + "):");
      ServeCommand.printPublished(System.out, redis, 10);
      System.out.println();
      System.out.println("  bin/nurselink serve show popular --city Lyon;  redis-cli HGETALL features:nurse:<id>");
    }
    return 0;
  }
}
