package com.nurselink.warehouse.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.faults.Runs;
import com.nurselink.warehouse.faults.SharedNightly;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.pipeline.FeaturesJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nurselink features export} over the shared nightly's lake: the file holds exactly the
 * rows of the lake's partition (EXCEPT ALL both ways, in Spark for Parquet, in DuckDB for CSV
 * against the Parquet export), the manifest beside it is the lake's, and the refusals name what
 * is wrong.
 */
class FeatureExportTest extends SparkTestBase {
  private static final String D = SharedNightly.D1;

  @TempDir Path dir;

  private static List<String> args(SharedNightly n, String... more) {
    List<String> a = new ArrayList<>(List.of("features", "export", "--conf-dir", Runs.repo().resolve("conf").toString(),
        "--conf", "lake.path=" + n.dir().resolve("lake")));
    a.addAll(Arrays.asList(more));
    return a;
  }

  private static Dataset<Row> partition(SharedNightly n, String table) {
    return new Lake(n.dir().resolve("lake")).read(spark(), ModelRegistry.FEATURES, table)
        .filter(functions.col(ModelRegistry.AS_OF_DATE).equalTo(D));
  }

  @Test
  void aParquetExportHoldsExactlyTheRowsOfTheLakesPartitionAndItsManifest() throws Exception {
    SharedNightly n = SharedNightly.get(spark());
    for (String set : FeatureExport.sets()) {
      Path out = dir.resolve(set).resolve(set + ".parquet");
      Runs.Result r = Runs.inProcess(args(n, "--set", set, "--as-of", D, "--out", out.toString()));
      assertEquals(0, r.code(), r.all());
      Dataset<Row> lake = partition(n, "features_" + set);
      Dataset<Row> file = spark().read().parquet(out.toString());
      assertEquals(Arrays.asList(lake.columns()), Arrays.asList(file.columns()), set);
      long rows = lake.count();
      assertTrue(rows > 0, set);
      assertEquals(rows, file.count(), set);
      assertEquals(0, lake.exceptAll(file).count(), set + ": lake rows missing from the file");
      assertEquals(0, file.exceptAll(lake).count(), set + ": file rows not in the lake");
      assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%,d rows", rows)), r.out());
      String manifest = new Lake(n.dir().resolve("lake")).files(spark())
          .read(FeaturesJob.manifestFile("features_" + set, LocalDate.parse(D))).orElseThrow();
      assertEquals(manifest, Files.readString(out.resolveSibling(FeatureExport.MANIFEST)));
      assertTrue(manifest.contains("\"row_count\": " + rows), manifest);
      try (var s = Files.list(out.getParent())) { // no temporary file left behind
        assertEquals(List.of(FeatureExport.MANIFEST, set + ".parquet"),
            s.map(p -> p.getFileName().toString()).sorted().toList());
      }
    }
  }

  @Test
  void aCsvExportHasTheSameRowsAsTheParquetOne() throws Exception {
    SharedNightly n = SharedNightly.get(spark());
    Path pq = dir.resolve("pq").resolve("fill.parquet");
    Path csv = dir.resolve("csv").resolve("fill.csv");
    assertEquals(0, Runs.inProcess(args(n, "--set", "mission_fill", "--as-of", D, "--out", pq.toString())).code());
    Runs.Result r = Runs.inProcess(args(n, "--set", "mission_fill", "--as-of", D, "--out", csv.toString()));
    assertEquals(0, r.code(), r.all());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(String.join(",", partition(n, "features_mission_fill").columns()), lines.get(0));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); var st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      String text = "SELECT * FROM read_csv('" + csv + "', header = true, all_varchar = true)";
      StringBuilder cast = new StringBuilder();
      for (String col : partition(n, "features_mission_fill").columns()) {
        cast.append(cast.length() == 0 ? "" : ", ").append("CAST(\"").append(col).append("\" AS VARCHAR)");
      }
      String parquet = "SELECT " + cast + " FROM read_parquet('" + pq + "')";
      assertEquals(List.of(String.valueOf(lines.size() - 1)), Runs.rows(c, "SELECT count(*) FROM (" + parquet + ")"));
      assertEquals(List.of("0"), Runs.rows(c, "SELECT count(*) FROM (" + text + " EXCEPT ALL " + parquet + ")"));
      assertEquals(List.of("0"), Runs.rows(c, "SELECT count(*) FROM (" + parquet + " EXCEPT ALL " + text + ")"));
    }
  }

  /** A lake whose manifest counts other rows than its files hold: the export refuses and writes nothing. */
  @Test
  void rowsThatDoNotMatchTheManifestAreRefused() throws Exception {
    SharedNightly n = SharedNightly.get(spark());
    Path lake = dir.resolve("lake");
    try (var s = Files.walk(n.dir().resolve("lake"))) {
      for (Path p : s.toList()) {
        Path to = lake.resolve(n.dir().resolve("lake").relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Path manifest = lake.resolve(FeaturesJob.manifestFile("features_nurse", LocalDate.parse(D)));
    long rows = partition(n, "features_nurse").count();
    String text = Files.readString(manifest);
    Files.writeString(manifest, text.replace("\"row_count\": " + rows, "\"row_count\": " + (rows + 1)));
    Path out = dir.resolve("out").resolve("nurse.parquet");
    Runs.Result r = Runs.inProcess(List.of("features", "export", "--conf-dir", Runs.repo().resolve("conf").toString(),
        "--conf", "lake.path=" + lake, "--set", "nurse", "--as-of", D, "--out", out.toString()));
    assertEquals(1, r.code(), r.all());
    assertTrue(r.err().contains("exporting features_nurse as of " + D + ": " + rows + " rows written, but its manifest"
        + " counts " + (rows + 1)), r.err());
    try (var s = Files.list(out.getParent())) {
      assertEquals(List.of(), s.toList(), "nothing left in the output directory");
    }
  }

  @Test
  void anUnknownSetADateNeverBuiltAndAnotherExportsDirectoryAreRefused() throws Exception {
    SharedNightly n = SharedNightly.get(spark());
    Path out = dir.resolve("x.parquet");
    Runs.Result unknown = Runs.inProcess(args(n, "--set", "nurses", "--as-of", D, "--out", out.toString()));
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("--set nurses: unknown feature set (known: nurse, mission_fill)"), unknown.err());

    Runs.Result never = Runs.inProcess(args(n, "--set", "nurse", "--as-of", "2026-03-29", "--out", out.toString()));
    assertEquals(1, never.code());
    assertTrue(never.err().contains("features.features_nurse in " + n.dir().resolve("lake")
        + " was never built as of 2026-03-29; it was as of: " + D), never.err());

    Runs.Result format = Runs.inProcess(args(n, "--set", "nurse", "--as-of", D, "--out", dir.resolve("x.json").toString()));
    assertEquals(2, format.code());
    assertTrue(format.err().contains("the file must end in .parquet or .csv"), format.err());

    assertEquals(0, Runs.inProcess(args(n, "--set", "nurse", "--as-of", D, "--out", out.toString())).code());
    Runs.Result other = Runs.inProcess(args(n, "--set", "mission_fill", "--as-of", D, "--out",
        dir.resolve("y.parquet").toString()));
    assertEquals(1, other.code());
    assertTrue(other.err().contains("is the manifest of another export"), other.err());
    assertTrue(!Files.exists(dir.resolve("y.parquet")));
  }
}
