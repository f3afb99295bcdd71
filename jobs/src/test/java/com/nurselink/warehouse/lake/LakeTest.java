package com.nurselink.warehouse.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.sink.DuckDbWarehouse;
import com.nurselink.warehouse.sink.GoldTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeTest extends SparkTestBase {
  @TempDir Path dir;

  private Dataset<Row> df(String values) {
    return spark().sql("SELECT * FROM VALUES " + values + " AS t(id, d)");
  }

  @Test
  void partitionsArePublishedAndReplacedAndReadableBySparkAndDuckDb() throws Exception {
    Lake lake = new Lake(dir);
    lake.writePartitioned(df("(1, 'a'), (2, 'a'), (3, 'b')"), "warehouse", "t", "d", "run1", true);
    assertEquals(List.of("d=a", "d=b"), lake.partitions("warehouse", "t"));
    assertTrue(Files.isSymbolicLink(lake.table("warehouse", "t").resolve("d=a")));

    // second run replaces a, adds c, keeps b (not replaceAll)
    Lake.Published p = lake.writePartitioned(df("(10, 'a'), (30, 'c')"), "warehouse", "t", "d", "run2", false);
    assertEquals(List.of("d=a", "d=c"), p.replaced());
    List<Row> rows = sorted(spark().read().parquet(lake.table("warehouse", "t").toString())
        .selectExpr("id", "d"));
    assertEquals("[[10,a], [3,b], [30,c]]", rows.toString());

    // replaceAll drops partitions not in the new data
    lake.writePartitioned(df("(7, 'c')"), "warehouse", "t", "d", "run3", true);
    assertEquals(List.of("d=c"), lake.partitions("warehouse", "t"));

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*), sum(id) FROM read_parquet('"
            + lake.table("warehouse", "t") + "/*/*.parquet', hive_partitioning = true)")) {
      rs.next();
      assertEquals(1, rs.getLong(1));
      assertEquals(7, rs.getLong(2));
    }
  }

  @Test
  void aPartitionedTableWithoutRowsStaysAnEmptyTableWithItsColumns() throws Exception {
    Lake lake = new Lake(dir);
    Dataset<Row> none = df("(1, 'a')").where("id < 0");
    Lake.Published p = lake.writeChangedPartitions(none, "warehouse", "t", "d", "run1");
    assertEquals(0, p.rows());
    assertEquals(List.of(), lake.partitions("warehouse", "t"));
    Dataset<Row> read = lake.read(spark(), "warehouse", "t");
    assertEquals(0, read.count());
    assertEquals(List.of("id", "d"), List.of(read.columns()));
    DuckDbWarehouse wh = new DuckDbWarehouse(dir.resolve("wh.duckdb"));
    GoldTables.Gold gold = new GoldTables.Gold("warehouse", "t", "d");
    assertEquals(Map.of("t", 0L), wh.load(lake, List.of(gold)));
    try (Connection c = wh.openReadOnly();
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t WHERE id IS NULL OR d IS NULL")) {
      rs.next();
      assertEquals(0, rs.getLong(1)); // both columns exist
    }

    // rows again: the partitions carry the columns
    lake.writeChangedPartitions(df("(1, 'a'), (2, 'b')"), "warehouse", "t", "d", "run2");
    assertFalse(Files.exists(lake.table("warehouse", "t").resolve(Lake.EMPTY)));
    assertEquals(2, lake.read(spark(), "warehouse", "t").count());
    assertEquals(Map.of("t", 2L), wh.load(lake, List.of(gold)));

    // and none again: every partition removed, the columns kept, the warehouse table emptied
    lake.writeChangedPartitions(none, "warehouse", "t", "d", "run3");
    assertEquals(List.of(), lake.partitions("warehouse", "t"));
    assertEquals(0, lake.read(spark(), "warehouse", "t").count());
    assertEquals(Map.of("t", 0L), wh.load(lake, List.of(gold)));
  }

  @Test
  void wholeTablesAreSwappedAtomically() {
    Lake lake = new Lake(dir);
    lake.writeTable(df("(1, 'x')"), "clean", "users", "r1");
    lake.writeTable(df("(2, 'y'), (3, 'z')"), "clean", "users", "r2");
    assertTrue(Files.isSymbolicLink(lake.table("clean", "users")));
    assertEquals(2, spark().read().parquet(lake.table("clean", "users").toString()).count());
    // staging is cleaned after publication
    assertTrue(!Files.exists(dir.resolve(Lake.STAGING).resolve("r2").resolve("clean").resolve("users")));
  }

  @Test
  void onlyChangedPartitionsAreRewritten() {
    Lake lake = new Lake(dir);
    Lake.Published p1 = lake.writeChangedPartitions(df("(1, 'a'), (2, 'b'), (3, 'c')"), "warehouse", "k", "d", "r1");
    assertEquals(List.of("d=a", "d=b", "d=c"), p1.replaced());
    // same content: nothing rewritten
    Lake.Published p2 = lake.writeChangedPartitions(df("(3, 'c'), (1, 'a'), (2, 'b')"), "warehouse", "k", "d", "r2");
    assertEquals(List.of(), p2.replaced());
    assertEquals(List.of(), p2.removed());
    // b changes, c disappears, d appears
    Lake.Published p3 = lake.writeChangedPartitions(df("(1, 'a'), (20, 'b'), (4, 'd')"), "warehouse", "k", "d", "r3");
    assertEquals(List.of("d=b", "d=d"), p3.replaced());
    assertEquals(List.of("d=c"), p3.removed());
    assertEquals("[[1,a], [20,b], [4,d]]",
        sorted(spark().read().parquet(lake.table("warehouse", "k").toString()).selectExpr("id", "d")).toString());
  }

  @Test
  void partitionValuesThatNeedEscapingAreFingerprintedByTheirDirectory() {
    Lake lake = new Lake(dir);
    String rows = "(1, 'a b'), (2, 'x:y'), (3, 'p+q'), (4, '100%'), (5, 'é/è'), (6, CAST(NULL AS STRING))";
    Lake.Published p1 = lake.writeChangedPartitions(df(rows), "warehouse", "e", "d", "r1");
    assertEquals(6, p1.replaced().size(), p1.replaced().toString());
    assertEquals(6, p1.rows());
    assertEquals(p1.replaced(), lake.partitions("warehouse", "e"));
    Lake.Published p2 = lake.writeChangedPartitions(df(rows), "warehouse", "e", "d", "r2");
    assertEquals(List.of(), p2.replaced());
    assertEquals(List.of(), p2.removed());
    assertEquals(6, p2.rows());
    Lake.Published p3 = lake.writeChangedPartitions(
        df("(1, 'a b'), (2, 'x:y'), (30, 'p+q'), (4, '100%'), (5, 'é/è')"), "warehouse", "e", "d", "r3");
    assertEquals(1, p3.replaced().size(), p3.replaced().toString());
    assertTrue(p3.replaced().get(0).startsWith("d=p"), p3.replaced().toString());
    assertEquals(List.of("d=__HIVE_DEFAULT_PARTITION__"), p3.removed());
    assertEquals("[[1,a b], [2,x:y], [30,p+q], [4,100%], [5,é/è]]",
        sorted(spark().read().parquet(lake.table("warehouse", "e").toString()).selectExpr("id", "d")).toString());
  }
}
