package com.nurselink.warehouse.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nurselink.warehouse.PgDatabase;
import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.lake.Lake.Partitioning;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL load refuses a lake table whose columns differ from its warehouse table's, before
 * it deletes or copies anything, instead of loading NULL for a column the lake lacks and dropping a
 * lake column the DDL lacks.
 */
class PostgresWarehouseTest extends SparkTestBase {
  @TempDir Path dir;

  private static final String PREFIX = "warehouse table ";

  private static Dataset<Row> df(String select) {
    return spark().sql(select);
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getString(i));
        }
        out.add(String.join("|", row));
      }
    }
    return out;
  }

  /** The loader's error without the warehouse it names. */
  private static String refusal(SQLException e) {
    String m = e.getMessage();
    assertEquals(-1, m.indexOf('\n'), "one line: " + m);
    assertEquals(true, m.startsWith("loading the PostgreSQL warehouse "), m);
    return m.substring(m.indexOf(PREFIX));
  }

  @Test
  void aLakeTableWithOtherColumnsThanItsWarehouseTableIsRefusedBeforeAnythingIsLoaded() throws Exception {
    Lake lake = new Lake(dir.resolve("lake"));
    List<GoldTables.Gold> tables = List.of(GoldTables.byName("dim_location"), GoldTables.byName("kpi_headline"));
    try (PgDatabase db = PgDatabase.create("nl_whload_")) {
      PostgresWarehouse pg = new PostgresWarehouse(db.url());

      // the lake as the models write it: loaded
      lake.replaceTable(df("SELECT CAST(-1 AS BIGINT) AS location_key, 'unknown' AS city UNION ALL"
          + " SELECT CAST(1 AS BIGINT), 'Paris'"), "warehouse", "dim_location");
      lake.replacePartition(df("SELECT CAST(3 AS BIGINT) AS total_missions, 40.5D AS avg_rate,"
          + " CAST(1 AS BIGINT) AS completed_missions, 0.5D AS completion_rate, 0.25D AS fill_rate,"
          + " DATE '2024-03-31' AS as_of_date"), "warehouse", "kpi_headline", Partitioning.identity("as_of_date"),
          "2024-03-31", Map.of());
      assertEquals(Map.of("dim_location", 2L, "kpi_headline", 1L), pg.load(spark(), lake, tables));

      // a lake column the DDL lacks
      lake.replaceTable(df("SELECT CAST(-1 AS BIGINT) AS location_key, 'unknown' AS city, 'FR' AS country"),
          "warehouse", "dim_location");
      SQLException e = assertThrows(SQLException.class, () -> pg.load(spark(), lake, tables));
      assertEquals("warehouse table dim_location does not match the lake: missing in the warehouse: country;"
          + " missing in the lake: none (the model and the DDL of sql/warehouse/ must have the same columns)",
          refusal(e));

      // a lake column the DDL lacks in a partitioned table (its schema gains the column; the older
      // partition reads it as null); the other table is right, and is not loaded either
      lake.replaceTable(df("SELECT CAST(-1 AS BIGINT) AS location_key, 'unknown' AS city"),
          "warehouse", "dim_location");
      lake.replacePartition(df("SELECT CAST(4 AS BIGINT) AS total_missions, 41.5D AS avg_rate,"
          + " CAST(2 AS BIGINT) AS completed_missions, 0.5D AS completion_rate, 0.2D AS fill_ratio,"
          + " DATE '2024-04-01' AS as_of_date"), "warehouse", "kpi_headline", Partitioning.identity("as_of_date"),
          "2024-04-01", Map.of());
      e = assertThrows(SQLException.class, () -> pg.load(spark(), lake, tables));
      assertEquals("warehouse table kpi_headline does not match the lake: missing in the warehouse: fill_ratio;"
          + " missing in the lake: none (the model and the DDL of sql/warehouse/ must have the same columns)",
          refusal(e));

      try (Connection c = db.connect()) {
        assertEquals(List.of("-1|unknown", "1|Paris"),
            rows(c, "SELECT location_key, city FROM dim_location ORDER BY location_key"));
        assertEquals(List.of("3|40.5|1|0.5|0.25|2024-03-31"), rows(c, "SELECT * FROM kpi_headline"));
      }
    }
  }

  /** kpi_headline partitions of 2024-04-01 to 2024-04-03 in {@code lake}, total_missions base + the day. */
  private static void headlines(Lake lake, int base) {
    for (int day = 1; day <= 3; day++) {
      String date = "2024-04-0" + day;
      lake.replacePartition(df("SELECT CAST(" + (base + day) + " AS BIGINT) AS total_missions, 40.5D AS avg_rate,"
          + " CAST(1 AS BIGINT) AS completed_missions, 0.5D AS completion_rate, 0.25D AS fill_rate,"
          + " DATE '" + date + "' AS as_of_date"), "warehouse", "kpi_headline", Partitioning.identity("as_of_date"),
          date, Map.of());
    }
  }

  @Test
  void tablesLoadedAtTheSameTimeGiveTheSameWarehouseAndAFailureKeepsEachPartitionWhole() throws Exception {
    Lake lake = new Lake(dir.resolve("lake2"));
    List<GoldTables.Gold> tables = List.of(GoldTables.byName("dim_location"), GoldTables.byName("kpi_headline"),
        GoldTables.byName("dim_establishment"));
    lake.replaceTable(df("SELECT CAST(-1 AS BIGINT) AS location_key, 'unknown' AS city UNION ALL"
        + " SELECT CAST(1 AS BIGINT), 'Paris'"), "warehouse", "dim_location");
    headlines(lake, 0);
    try (PgDatabase one = PgDatabase.create("nl_whload1_"); PgDatabase two = PgDatabase.create("nl_whload2_")) {
      Map<String, Long> alone = new PostgresWarehouse(one.url(), 1).load(spark(), lake, tables);
      PostgresWarehouse pg = new PostgresWarehouse(two.url(), 2);
      Map<String, Long> together = pg.load(spark(), lake, tables);
      assertEquals(alone, together);
      assertEquals(List.of("dim_location", "kpi_headline"), List.copyOf(together.keySet()));
      String[] queries = {"SELECT location_key, city FROM dim_location ORDER BY 1",
          "SELECT * FROM kpi_headline ORDER BY as_of_date"};
      try (Connection a = one.connect(); Connection b = two.connect()) {
        for (String q : queries) {
          assertEquals(rows(a, q), rows(b, q), q);
        }
        assertEquals(3, rows(b, queries[1]).size());
      }

      // a table whose rows break its primary key fails, rolled back; the other keeps whole partitions
      lake.replaceTable(df("SELECT CAST(1 AS BIGINT) AS location_key, 'Lyon' AS city UNION ALL"
          + " SELECT CAST(1 AS BIGINT), 'Lille'"), "warehouse", "dim_location");
      headlines(lake, 10);
      SQLException e = assertThrows(SQLException.class, () -> pg.load(spark(), lake, tables));
      assertEquals(true, e.getMessage().contains("dim_location_pkey"), e.getMessage());
      try (Connection b = two.connect()) {
        assertEquals(List.of("-1|unknown", "1|Paris"), rows(b, queries[0]));
        for (String r : rows(b, "SELECT as_of_date, total_missions FROM kpi_headline")) {
          String day = r.substring("2024-04-0".length(), "2024-04-0".length() + 1);
          assertEquals(true, r.endsWith("|" + day) || r.endsWith("|1" + day), r);
        }
        assertEquals(3, rows(b, queries[1]).size());
      }

      // one connection, the larger table first (dim_location, 4 rows, against kpi_headline's 2 once
      // one of its partitions is gone from the lake): it fails, and the other table does not start:
      // neither its new rows nor the removal of the partition gone from the lake reach the warehouse
      lake.replaceTable(df("SELECT CAST(1 AS BIGINT) AS location_key, 'Lyon' AS city UNION ALL"
          + " SELECT CAST(1 AS BIGINT), 'Lille' UNION ALL SELECT CAST(2 AS BIGINT), 'Nice' UNION ALL"
          + " SELECT CAST(3 AS BIGINT), 'Metz'"), "warehouse", "dim_location");
      lake.emptyPartition(spark(), lake.schema(spark(), "warehouse", "kpi_headline"), "warehouse", "kpi_headline",
          Partitioning.identity("as_of_date"), "2024-04-03");
      SQLException first = assertThrows(SQLException.class,
          () -> new PostgresWarehouse(one.url(), 1).load(spark(), lake, tables));
      assertEquals(true, first.getMessage().contains("dim_location_pkey"), first.getMessage());
      try (Connection a = one.connect()) {
        assertEquals(List.of("-1|unknown", "1|Paris"), rows(a, queries[0]));
        assertEquals(List.of("2024-04-01|1", "2024-04-02|2", "2024-04-03|3"),
            rows(a, "SELECT as_of_date, total_missions FROM kpi_headline ORDER BY 1"));
      }
    }
    // the same when the other table has nothing to copy, only a partition gone from the lake to remove
    try (PgDatabase three = PgDatabase.create("nl_whload3_")) {
      Lake lake3 = new Lake(dir.resolve("lake3"));
      lake3.replaceTable(df("SELECT CAST(1 AS BIGINT) AS location_key, 'Lyon' AS city UNION ALL"
          + " SELECT CAST(2 AS BIGINT), 'Nice' UNION ALL SELECT CAST(3 AS BIGINT), 'Metz' UNION ALL"
          + " SELECT CAST(4 AS BIGINT), 'Caen'"), "warehouse", "dim_location");
      headlines(lake3, 0);
      PostgresWarehouse pg3 = new PostgresWarehouse(three.url(), 1);
      pg3.load(spark(), lake3, tables);
      lake3.replaceTable(df("SELECT CAST(1 AS BIGINT) AS location_key, 'Lyon' AS city UNION ALL"
          + " SELECT CAST(1 AS BIGINT), 'Lille' UNION ALL SELECT CAST(2 AS BIGINT), 'Nice' UNION ALL"
          + " SELECT CAST(3 AS BIGINT), 'Metz'"), "warehouse", "dim_location");
      lake3.emptyPartition(spark(), lake3.schema(spark(), "warehouse", "kpi_headline"), "warehouse", "kpi_headline",
          Partitioning.identity("as_of_date"), "2024-04-03");
      SQLException e = assertThrows(SQLException.class, () -> pg3.load(spark(), lake3, tables));
      assertEquals(true, e.getMessage().contains("dim_location_pkey"), e.getMessage());
      try (Connection c = three.connect()) {
        assertEquals(List.of("1|Lyon", "2|Nice", "3|Metz", "4|Caen"),
            rows(c, "SELECT location_key, city FROM dim_location ORDER BY 1"));
        assertEquals(List.of("2024-04-01|1", "2024-04-02|2", "2024-04-03|3"),
            rows(c, "SELECT as_of_date, total_missions FROM kpi_headline ORDER BY 1"));
      }
    }
  }

  @Test
  void checkColumnsComparesLowerCasedNames() throws Exception {
    PostgresWarehouse.checkColumns("t", List.of("A", "b"), List.of("a", "b"));
    SQLException e = assertThrows(SQLException.class,
        () -> PostgresWarehouse.checkColumns("t", List.of("a"), List.of("a", "b", "c")));
    assertEquals("warehouse table t does not match the lake: missing in the warehouse: none; missing in the lake:"
        + " b, c (the model and the DDL of sql/warehouse/ must have the same columns)", e.getMessage());
  }
}
