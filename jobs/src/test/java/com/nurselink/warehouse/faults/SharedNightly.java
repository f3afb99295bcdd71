package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.model.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One nightly on a local lake, run once per test JVM and shared by the tests that compare another
 * lake with it (HDFS, S3) or continue it (the Iceberg pipeline test): a dirty source of 150
 * missions, the run of {@link #D1} (its OpenLineage events in {@link #LINEAGE_FILE}), and what it gave, captured right after it (later runs on
 * {@link #dir()} do not change these).
 */
public final class SharedNightly {
  public static final String D1 = "2026-03-30";
  /** The file, in {@link #dir()}, the nightly appended its OpenLineage events to (lineage.path). */
  public static final String LINEAGE_FILE = "lineage.jsonl";
  private static SharedNightly instance;

  private final Path dir;
  private final Path source;
  private final Map<String, List<String>> warehouse;
  private final Map<String, List<Row>> features;

  private SharedNightly(Path dir, Path source, Map<String, List<String>> warehouse, Map<String, List<Row>> features) {
    this.dir = dir;
    this.source = source;
    this.warehouse = warehouse;
    this.features = features;
  }

  /** The nightly, run on first use. */
  public static synchronized SharedNightly get(SparkSession spark) throws Exception {
    if (instance == null) {
      Path dir = Files.createTempDirectory("nurselink-shared-nightly");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Runs.deleteTree(dir);
        } catch (java.io.IOException ignored) {
          // a temporary directory
        }
      }));
      Path source = dir.resolve("src.db");
      Generator.create().missions(150).seed(11).dirty(true).writeSqlite(source);
      Path run = dir.resolve("run");
      Runs.Result r = Runs.inProcess(Runs.runArgs(run, source.toString(), D1, "--conf",
          "lineage.path=" + run.resolve(LINEAGE_FILE)));
      assertEquals(0, r.code(), r.all());
      Lake lake = new Lake(run.resolve("lake"));
      Map<String, List<Row>> features = new TreeMap<>();
      for (ModelRegistry.Model m : ModelRegistry.gold(ModelRegistry.Step.FEATURES)) {
        features.put(m.name(), lake.read(spark, m.namespace(), m.name()).collectAsList().stream()
            .sorted((a, b) -> a.toString().compareTo(b.toString())).toList());
      }
      instance = new SharedNightly(run, source, Runs.duckContent(run.resolve("wh.duckdb")), features);
    }
    return instance;
  }

  /** The run's directory (lake, DuckDB warehouse, snapshots), as {@link Runs#runArgs} lays it out. */
  public Path dir() {
    return dir;
  }

  /** The SQLite source. */
  public Path source() {
    return source;
  }

  /** The DuckDB warehouse after the run ({@link Runs#duckContent}). */
  public Map<String, List<String>> warehouse() {
    return warehouse;
  }

  /** The rows of each feature set after the run, sorted. */
  public Map<String, List<Row>> features() {
    return features;
  }
}
