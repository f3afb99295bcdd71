package com.nurselink.warehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nurselink.warehouse.PgDatabase;
import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.sink.SchemaMigrator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL marts ({@code sql/warehouse/}, applied by the schema migrator to a real database)
 * have exactly the columns of the gold tables the models produce on the fixture: the same names,
 * in the lake's order (a partitioned table's partition column last, where the lake puts it), and
 * each Spark type's PostgreSQL counterpart.
 */
class WarehouseDdlParityTest extends SparkTestBase {
  /** The PostgreSQL type holding a Spark type, as {@code format_type} prints it. */
  static String postgresType(DataType t) {
    if (t instanceof DecimalType d) {
      return "numeric(" + d.precision() + "," + d.scale() + ")";
    }
    Map<DataType, String> types = Map.of(DataTypes.LongType, "bigint", DataTypes.IntegerType, "integer",
        DataTypes.ShortType, "smallint", DataTypes.DoubleType, "double precision", DataTypes.FloatType, "real",
        DataTypes.StringType, "text", DataTypes.DateType, "date", DataTypes.TimestampType,
        "timestamp with time zone", DataTypes.TimestampNTZType, "timestamp without time zone",
        DataTypes.BooleanType, "boolean");
    return types.getOrDefault(t, "(no PostgreSQL type for Spark " + t.simpleString() + ")");
  }

  /** "name type" of a gold table's columns in the lake, types mapped to PostgreSQL. */
  static List<String> lakeColumns(ModelRegistry.Model m, StructType output) {
    List<String> out = new ArrayList<>();
    StructField partition = null;
    for (StructField f : output.fields()) {
      if (f.name().equals(m.partitionColumn())) {
        partition = f;
      } else {
        out.add(f.name() + " " + postgresType(f.dataType()));
      }
    }
    if (m.partitioned()) {
      out.add(m.partitionColumn() + " " + (partition == null ? "(not in the model's output)"
          : postgresType(partition.dataType())));
    }
    return out;
  }

  /** "name type" of a warehouse table's columns, in order. */
  static List<String> warehouseColumns(Connection c, String table) throws Exception {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
        + " FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
        + " WHERE n.nspname = current_schema() AND r.relname = ? AND a.attnum > 0 AND NOT a.attisdropped"
        + " ORDER BY a.attnum")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + " " + rs.getString(2));
        }
      }
    }
    return out;
  }

  private static Map<String, String> byName(List<String> columns) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String c : columns) {
      m.put(c.substring(0, c.indexOf(' ')), c.substring(c.indexOf(' ') + 1));
    }
    return m;
  }

  /** The differences of one table, one line each, naming the table and the column. */
  static List<String> differences(String table, List<String> lake, List<String> warehouse) {
    List<String> out = new ArrayList<>();
    if (warehouse.isEmpty()) {
      out.add(table + ": no such table in the warehouse DDL");
      return out;
    }
    Map<String, String> l = byName(lake);
    Map<String, String> w = byName(warehouse);
    l.forEach((name, type) -> {
      if (!w.containsKey(name)) {
        out.add(table + "." + name + ": " + type + " in the lake, not in the warehouse DDL");
      } else if (!w.get(name).equals(type)) {
        out.add(table + "." + name + ": " + type + " in the lake, " + w.get(name) + " in the warehouse DDL");
      }
    });
    w.forEach((name, type) -> {
      if (!l.containsKey(name)) {
        out.add(table + "." + name + ": " + type + " in the warehouse DDL, not in the lake");
      }
    });
    if (out.isEmpty() && !lake.equals(warehouse)) {
      out.add(table + ": columns in another order, lake " + List.copyOf(l.keySet()) + ", warehouse DDL "
          + List.copyOf(w.keySet()));
    }
    return out;
  }

  @Test
  void everyGoldTableHasTheColumnsAndTypesOfTheWarehouseDdl() throws Exception {
    Map<String, StructType> schemas = ModelFixture.built(spark()).schemas();
    List<String> found = new ArrayList<>();
    try (PgDatabase db = PgDatabase.create("nl_marts_"); Connection c = db.connect()) {
      assertEquals(List.of(1, 2, 3), SchemaMigrator.migrate(c));
      for (ModelRegistry.Model m : ModelRegistry.gold()) {
        found.addAll(differences(m.name(), lakeColumns(m, schemas.get(m.name())), warehouseColumns(c, m.name())));
      }
    }
    assertEquals(List.of(), found, "gold tables and the warehouse DDL differ:\n" + String.join("\n", found));
  }

  /** The comparison reports every kind of difference, naming the table and the column. */
  @Test
  void differencesNameTheTableAndTheColumn() {
    assertEquals(List.of(), differences("t", List.of("a bigint", "b text"), List.of("a bigint", "b text")));
    assertEquals(List.of("t.b: text in the lake, not in the warehouse DDL",
            "t.c: date in the warehouse DDL, not in the lake"),
        differences("t", List.of("a bigint", "b text"), List.of("a bigint", "c date")));
    assertEquals(List.of("t.a: bigint in the lake, integer in the warehouse DDL"),
        differences("t", List.of("a bigint"), List.of("a integer")));
    assertEquals(List.of("t: columns in another order, lake [a, b], warehouse DDL [b, a]"),
        differences("t", List.of("a bigint", "b text"), List.of("b text", "a bigint")));
    assertEquals(List.of("t: no such table in the warehouse DDL"), differences("t", List.of("a bigint"), List.of()));
    assertEquals("numeric(24,6)", postgresType(DataTypes.createDecimalType(24, 6)));
    assertEquals("timestamp with time zone", postgresType(DataTypes.TimestampType));
  }
}
