package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.model.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nightly over a small input is planned for it (one shuffle partition, no adaptive execution, no
 * broadcast joins, expressions interpreted instead of compiled, independent tables written side by
 * side): at most 40 Spark jobs (the target of a nightly over 2,000 missions), and the same tables as
 * the planning of large inputs (their tables written one after the other).
 */
class InputPlanningRunTest extends SparkTestBase {
  private static final Pattern SMALL_LINE = Pattern.compile("(?m)^\\[ *[0-9.]+s\\] (\\w+) +small input: ([0-9,]+) rows"
      + " \\(spark\\.small-input-rows [0-9,]+\\): (.*)$");

  @TempDir Path dir;

  private static long sparkJobs(String output) {
    Matcher m = Pattern.compile("(?m)^spark jobs: (\\d+) ").matcher(output);
    assertTrue(m.find(), output);
    return Long.parseLong(m.group(1));
  }

  /** The jobs planned for a small input, each with the settings it got. */
  private static List<String> smallJobs(String output) {
    List<String> jobs = new ArrayList<>();
    Matcher m = SMALL_LINE.matcher(output);
    while (m.find()) {
      jobs.add(m.group(1) + ": " + m.group(3));
    }
    return jobs;
  }

  @Test
  void aSmallInputRunsAtMostFortySparkJobsAndGivesTheTablesOfTheLargePlanning() throws Exception {
    // a dirty source: quarantined rows, duplicate ids ranked by a window
    Path db = dir.resolve("dirty.db");
    Generator.create().missions(150).seed(11).dirty(true).writeSqlite(db);
    Path small = dir.resolve("small");
    // a Spark setting of the configuration is left as it is
    Runs.Result s = Runs.inProcess(Runs.runArgs(small, db.toString(), "2026-03-30",
        "--conf", "spark.sql.adaptive.enabled=false"));
    assertEquals(0, s.code(), s.all());
    // every job but the extract (its input is the source), the load (no Spark query) and the serve
    // job, skipped (no Redis); a setting given in the configuration is not set again
    String set = "spark.sql.autoBroadcastJoinThreshold=-1, spark.sql.shuffle.partitions=1, "
        + "spark.sql.codegen.wholeStage=false, spark.sql.codegen.factoryMode=NO_CODEGEN, "
        + "spark.sql.constraintPropagation.enabled=false; tables side by side, 2 at most (pipeline.table-threads)";
    assertEquals(List.of("stage: " + set, "model: " + set, "kpis: " + set, "features: " + set), smallJobs(s.all()),
        s.all());
    // the target of a 2,000-mission nightly; this source's quarantine (non-empty partitions written
    // by Spark) takes more jobs than a clean one
    long jobs = sparkJobs(s.all());
    assertTrue(jobs <= 40, "spark jobs: " + jobs + "\n" + s.all());
    Path large = dir.resolve("large");
    // as a large site runs: 8 shuffle partitions, kept as they are (no coalescing)
    Runs.Result r = Runs.inProcess(Runs.runArgs(large, db.toString(), "2026-03-30",
        "--conf", "spark.small-input-rows=0", "--conf", "spark.shuffle-partitions=8",
        "--conf", "spark.sql.adaptive.coalescePartitions.enabled=false"));
    assertEquals(0, r.code(), r.all());
    assertEquals(List.of(), smallJobs(r.all()), r.all());
    assertTrue(sparkJobs(s.all()) < sparkJobs(r.all()), s.all() + "\n" + r.all());

    Runs.assertSameContent(Runs.duckContent(large.resolve("wh.duckdb")), Runs.duckContent(small.resolve("wh.duckdb")),
        "the warehouse planned for a small input");
    Lake smallLake = new Lake(small.resolve("lake"));
    Lake largeLake = new Lake(large.resolve("lake"));
    List<String[]> tables = new ArrayList<>();
    for (String t : SourceContract.names()) {
      tables.add(new String[] {"clean", t});
      tables.add(new String[] {"quarantine", t});
    }
    for (ModelRegistry.Model m : ModelRegistry.gold()) {
      tables.add(new String[] {m.namespace(), m.name()});
    }
    long quarantined = 0;
    for (String[] t : tables) {
      Dataset<Row> a = smallLake.read(spark(), t[0], t[1]);
      Dataset<Row> b = largeLake.read(spark(), t[0], t[1]);
      String name = t[0] + "." + t[1];
      assertEquals(a.count(), b.count(), name);
      assertEquals(0, a.exceptAll(b).count(), name);
      assertEquals(0, b.exceptAll(a).count(), name);
      if (t[0].equals("quarantine")) {
        quarantined += a.count();
      }
    }
    assertTrue(quarantined > 0, "the dirty source has quarantined rows");
  }
}
