package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.generate.Generator;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run summary counts the Spark jobs of the run: the same number a listener of its own sees. */
class RunSummaryTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void theSummaryCountsTheSparkJobsOfTheRun() throws Exception {
    Path db = dir.resolve("src.db");
    Generator.create().missions(20).seed(3).writeSqlite(db);
    AtomicLong seen = new AtomicLong();
    SparkListener own = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        seen.incrementAndGet();
      }
    };
    spark().sparkContext().addSparkListener(own);
    Runs.Result r;
    try {
      r = Runs.inProcess(Runs.runArgs(dir, db.toString(), "2026-03-31", "--jobs", "extract,stage"));
      spark().sparkContext().listenerBus().waitUntilEmpty(60_000);
    } finally {
      spark().sparkContext().removeSparkListener(own);
    }
    assertEquals(0, r.code(), r.all());
    Matcher m = Pattern.compile("(?m)^spark jobs: (\\d+) \\(tasks: (\\d+)\\)$").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals(seen.get(), Long.parseLong(m.group(1)), r.out());
    assertTrue(seen.get() > 0 && Long.parseLong(m.group(2)) >= seen.get(), r.out());
  }
}
