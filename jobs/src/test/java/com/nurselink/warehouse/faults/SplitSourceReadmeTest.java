package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.lake.Lake;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's example of a source split over several SQLite files, followed to the letter: the
 * files {@code generate --split} writes, read with the README's configuration lines, give the same
 * clean layer as the single file generated with them.
 */
class SplitSourceReadmeTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void theReadmeSplitExampleReadsWhatGenerateSplitWrites() throws Exception {
    Path single = dir.resolve("data/nurselink.db");
    Path split = dir.resolve("data/split");
    Files.createDirectories(split);
    Generator.create().missions(30).seed(5).progress(new PrintStream(PrintStream.nullOutputStream()))
        .sqlite(single).split(split).run();

    List<String> extra = new ArrayList<>(List.of("--jobs", "extract,stage"));
    for (String line : readmeBlock("`bin/nurselink generate --out data/nurselink.db --split data/split` writes them:")) {
      extra.add("--conf");
      extra.add(line.replace(" = ", "=").replace("data/", dir.resolve("data") + "/"));
    }
    assertEquals(8, extra.size() - 2, "four per-table source lines in the README: " + extra);
    Runs.Result bySplit = Runs.inProcess(Runs.runArgs(dir.resolve("split-run"), null, "2026-03-31",
        extra.toArray(String[]::new)));
    assertEquals(0, bySplit.code(), bySplit.all());
    Runs.Result bySingle = Runs.inProcess(Runs.runArgs(dir.resolve("single-run"), single.toString(), "2026-03-31",
        "--jobs", "extract,stage"));
    assertEquals(0, bySingle.code(), bySingle.all());

    Lake a = new Lake(dir.resolve("split-run/lake"));
    Lake b = new Lake(dir.resolve("single-run/lake"));
    for (String t : List.of("users", "missions", "mission_applications", "contracts")) {
      List<Row> fromSplit = a.read(spark(), "clean", t).collectAsList();
      List<Row> fromSingle = b.read(spark(), "clean", t).collectAsList();
      assertFalse(fromSingle.isEmpty(), t);
      assertEquals(sorted(fromSingle), sorted(fromSplit), "clean " + t);
    }
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().toList();
  }

  /** The lines of the first code block after {@code marker} in the README. */
  static List<String> readmeBlock(String marker) throws Exception {
    String readme = Files.readString(Runs.repo().resolve("README.md"));
    int at = readme.indexOf(marker);
    if (at < 0) {
      throw new AssertionError("README no longer has the line: " + marker);
    }
    int open = readme.indexOf("```\n", at) + 4;
    int close = readme.indexOf("```", open);
    return readme.substring(open, close).lines().filter(l -> !l.isBlank()).toList();
  }
}
