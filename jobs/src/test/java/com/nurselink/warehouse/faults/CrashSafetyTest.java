package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.lake.Lake;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL in the middle of jobs, and a write failing mid-partition: nothing half-visible, nothing lost. */
class CrashSafetyTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void runsKilledInEveryJobAreRepairedByTheNextRunAndReadersNeverSeeHalfAPartition() throws Exception {
    Path db = dir.resolve("src.db");
    Generator.create().missions(300).seed(11).dirty(true).writeSqlite(db);
    String date = "2026-03-31";
    Path ref = dir.resolve("ref");
    Path crashed = dir.resolve("crashed");
    Runs.Result r = Runs.inProcess(Runs.runArgs(ref, db.toString(), date));
    assertEquals(0, r.code(), r.err());
    Map<String, List<String>> expected = Runs.duckContent(ref.resolve("wh.duckdb"));

    // SIGKILL child runs in the middle of each job, one after the other on the same lake and
    // warehouse; a reader polls the published lake meanwhile.
    Path lake = crashed.resolve("lake");
    List<String> readerErrors = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    Thread reader = new Thread(() -> {
      while (!stop.get() && reads.get() < 100_000) {
        readPublished(lake, readerErrors);
        reads.incrementAndGet();
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    reader.start();
    try {
      // one kill inside every job, each run starting from the previous one's wreckage
      killWhenSeen(Runs.runArgs(crashed, db.toString(), date), "extract   users", 0);
      killWhenSeen(Runs.runArgs(crashed, db.toString(), date), "model     dim_location", 0);
      killWhenSeen(Runs.runArgs(crashed, db.toString(), date, "--jobs", "stage"), "stage     users", 0);
      killWhenSeen(Runs.runArgs(crashed, db.toString(), date, "--jobs", "model,kpis,features,load"),
          "kpis      kpi_mission_daily", 0);
      killWhenSeen(Runs.runArgs(crashed, db.toString(), date, "--jobs", "features,load"),
          "features  features_nurse", 0);
      killWhenSeen(Runs.runArgs(crashed, db.toString(), date, "--jobs", "load"), "jobs load", 1500);
    } finally {
      stop.set(true);
      reader.join(30_000);
    }
    assertEquals(List.of(), readerErrors, "a reader saw a broken publication");
    assertTrue(reads.get() > 0);

    Runs.Result again = Runs.inProcess(Runs.runArgs(crashed, db.toString(), date));
    assertEquals(0, again.code(), again.err());
    Runs.assertSameContent(expected, Runs.duckContent(crashed.resolve("wh.duckdb")), "warehouse after recovery");
    List<String> statuses = Runs.ledger(crashed.resolve("wh.duckdb"));
    assertTrue(statuses.stream().anyMatch(s -> s.contains("running")),
        "killed jobs stay 'running' in the ledger: " + statuses);
  }

  /** Starts a child run and SIGKILLs it {@code delayMs} after a stderr line contains {@code trigger}. */
  private static void killWhenSeen(List<String> args, String trigger, long delayMs) throws Exception {
    ProcessBuilder pb = Runs.child(args, Map.of()).redirectErrorStream(true);
    Process p = pb.start();
    boolean seen = false;
    StringBuilder log = new StringBuilder();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        log.append(line).append('\n');
        if (line.contains(trigger)) {
          seen = true;
          if (delayMs > 0) {
            Thread.sleep(delayMs);
          }
          p.destroyForcibly(); // SIGKILL
          break;
        }
      }
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not end");
    assertTrue(seen, "the child never printed '" + trigger + "':\n" + log);
  }

  /** Reads every published table and partition; records what could not be read whole. */
  private static void readPublished(Path lake, List<String> errors) {
    if (!Files.isDirectory(lake)) {
      return;
    }
    List<Path> published = new ArrayList<>();
    try (Stream<Path> layers = Files.list(lake)) {
      for (Path layer : layers.toList()) {
        String n = layer.getFileName().toString();
        if (n.startsWith("_") || !Files.isDirectory(layer)) {
          continue;
        }
        try (Stream<Path> tables = Files.list(layer)) {
          for (Path t : tables.toList()) {
            if (Files.isSymbolicLink(t)) {
              published.add(t);
            } else if (Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
              try (Stream<Path> parts = Files.list(t)) {
                parts.filter(Files::isSymbolicLink).forEach(published::add);
              }
            }
          }
        }
      }
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
        for (Path p : published) {
          Path real;
          try {
            real = p.toRealPath();
          } catch (java.nio.file.NoSuchFileException gone) {
            continue; // unpublished between listing and reading
          }
          try (Stream<Path> files = Files.list(real)) {
            List<Path> f = files.toList();
            if (f.stream().anyMatch(x -> x.getFileName().toString().startsWith("_temporary"))) {
              errors.add(p + ": published while being written");
            }
            if (f.stream().noneMatch(x -> x.toString().endsWith(".parquet"))) {
              errors.add(p + ": published without data files");
              continue;
            }
          }
          try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + real + "/*.parquet')")) {
            rs.next();
          }
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // a version pruned after its replacement was published: readers of the link moved on
    } catch (Exception e) {
      errors.add(e.toString());
    }
  }

  @Test
  void aWriteFailingMidPartitionLeavesThePublishedPartitionAsItWas() throws Exception {
    Lake lake = new Lake(dir.resolve("lake"));
    Dataset<Row> v1 = spark().sql("SELECT id, 'a' AS d FROM range(0, 1000)");
    lake.writePartitioned(v1, "warehouse", "t", "d", "run1", true);
    Path part = lake.table("warehouse", "t").resolve("d=a");
    Path before = part.toRealPath();

    UDF1<Long, Long> failAt = id -> {
      if (id == 700) {
        throw new java.io.IOException("No space left on device (simulated)");
      }
      return id;
    };
    spark().udf().register("fail_at_700", failAt, DataTypes.LongType);
    Dataset<Row> v2 = spark().sql("SELECT fail_at_700(id) AS id, 'a' AS d FROM range(0, 1000)");
    assertThrows(Exception.class, () -> lake.writePartitioned(v2, "warehouse", "t", "d", "run2", true));

    assertEquals(before, part.toRealPath(), "the partition still points to the first version");
    assertEquals(1000, spark().read().parquet(lake.table("warehouse", "t").toString()).count());
    assertEquals(499500L, spark().read().parquet(lake.table("warehouse", "t").toString())
        .selectExpr("sum(id)").first().getLong(0));
  }
}
