package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.generate.Generator;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nightly over a small input is planned for it (one shuffle partition, no adaptive execution, no
 * broadcast joins): at most 40 Spark jobs over 2,000 missions, and the same tables as the planning
 * of large inputs.
 */
class InputPlanningRunTest extends SparkTestBase {
  private static final String SMALL_LINE = "small input (at most";

  @TempDir Path dir;

  private static long sparkJobs(String output) {
    Matcher m = Pattern.compile("(?m)^spark jobs: (\\d+) ").matcher(output);
    assertTrue(m.find(), output);
    return Long.parseLong(m.group(1));
  }

  @Test
  void theNightlyOverTwoThousandMissionsRunsAtMostFortySparkJobs() throws Exception {
    Path db = dir.resolve("m2000.db");
    Generator.create().missions(2000).seed(5).writeSqlite(db);
    Runs.Result r = Runs.inProcess(Runs.runArgs(dir.resolve("run"), db.toString(), "2026-03-31"));
    assertEquals(0, r.code(), r.all());
    assertTrue(r.all().contains(SMALL_LINE), r.all());
    long jobs = sparkJobs(r.all());
    assertTrue(jobs <= 40, "spark jobs: " + jobs + "\n" + r.all());
  }

  @Test
  void aSmallAndALargePlanningGiveTheSameTables() throws Exception {
    // the shared nightly (a dirty source: quarantined rows, duplicate ids) ran with the small planning
    SharedNightly shared = SharedNightly.get(spark());
    Path large = dir.resolve("large");
    Runs.Result r = Runs.inProcess(Runs.runArgs(large, shared.source().toString(), SharedNightly.D1,
        "--conf", "spark.small-input-rows=10"));
    assertEquals(0, r.code(), r.all());
    assertFalse(r.all().contains(SMALL_LINE), r.all());
    Runs.assertSameContent(shared.warehouse(), Runs.duckContent(large.resolve("wh.duckdb")),
        "the warehouse planned for a large input");
    assertTrue(shared.output().contains(SMALL_LINE), shared.output());
    assertTrue(sparkJobs(shared.output()) < sparkJobs(r.all()), shared.output() + "\n" + r.all());
  }
}
