package com.nurselink.warehouse.sink;

import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.ops.Ledger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The embedded warehouse: one DuckDB file. Gold tables are materialised from the current snapshots
 * of the lake's Iceberg tables in one transaction (a reader sees the previous load or the new one); the clean and quarantine
 * layers are exposed as views over the lake ({@code clean_<table>}, {@code quarantine_<table>}).
 */
public final class DuckDbWarehouse {
  private final Path file;

  public DuckDbWarehouse(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  public Path file() {
    return file;
  }

  public Connection open() throws SQLException {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + file.getParent(), e);
    }
    Connection c;
    try {
      c = DriverManager.getConnection("jdbc:duckdb:" + file);
    } catch (LinkageError e) {
      Throwable first = Warehouses.preloadFailure();
      if (first == null) {
        throw e;
      }
      // the driver's native library failed to load on the preloading thread: its reason, not the JVM's
      // "Could not initialize class"
      throw new IllegalStateException("cannot load DuckDB's native library for " + file + ": "
          + com.nurselink.warehouse.util.Errors.oneLine(first), first);
    }
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  /** Read-only connection for analysts' queries. */
  public Connection openReadOnly() throws SQLException {
    if (!Files.exists(file)) {
      throw new IllegalStateException("no warehouse at " + file + ": run 'nurselink run' (or 'nurselink demo') first");
    }
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    Connection c = DriverManager.getConnection("jdbc:duckdb:" + file, p);
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  public Ledger ledger() {
    return new Ledger(this::open);
  }

  /**
   * A {@code SELECT} of a lake table's current snapshot: {@code read_parquet([...])} of the data
   * files Iceberg's scan planning gives (every column is in the files, the partition columns
   * included: no Hive partitioning), or for a table without rows a zero-row select of its columns;
   * null when the table does not exist.
   */
  static String select(SparkSession spark, Lake lake, String namespace, String table) {
    return select(spark, lake, namespace, table, DuckDbWarehouse::localPath);
  }

  private static String select(SparkSession spark, Lake lake, String namespace, String table,
      java.util.function.UnaryOperator<String> local) {
    if (!lake.exists(spark, namespace, table)) {
      return null;
    }
    List<String> files = lake.dataFiles(spark, namespace, table);
    if (files.isEmpty()) {
      StringBuilder cols = new StringBuilder();
      for (StructField f : lake.schema(spark, namespace, table).fields()) {
        cols.append(cols.length() == 0 ? "" : ", ").append("CAST(NULL AS ").append(duckType(f.dataType()))
            .append(") AS \"").append(f.name().replace("\"", "\"\"")).append('"');
      }
      return "SELECT " + cols + " WHERE false";
    }
    StringBuilder list = new StringBuilder();
    for (String f : files) {
      list.append(list.length() == 0 ? "" : ", ").append(literal(local.apply(f)));
    }
    return "SELECT * FROM read_parquet([" + list + "], hive_partitioning = false)";
  }

  /** A data file as DuckDB opens it: a local path (no extension to download for file: URIs). */
  private static String localPath(String location) {
    return location.startsWith("file:") ? java.net.URI.create(location).getPath() : location;
  }

  private static boolean isLocal(String location) {
    return location.startsWith("file:") || location.startsWith("/");
  }

  /**
   * Local copies of the data files of a lake on another file system ({@code hdfs://},
   * {@code s3a://}): DuckDB reads local files only (its extensions for remote stores cannot be
   * downloaded on many machines). Deleted when the load ends.
   */
  static final class Fetched implements AutoCloseable {
    private final Path dir;
    private final org.apache.hadoop.conf.Configuration conf;
    private int n;

    Fetched(Path dir, org.apache.hadoop.conf.Configuration conf) {
      this.dir = dir;
      this.conf = conf;
    }

    String local(String location) {
      if (isLocal(location)) {
        return localPath(location);
      }
      try {
        Files.createDirectories(dir);
        Path to = dir.resolve((n++) + ".parquet");
        org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(location);
        from.getFileSystem(conf).copyToLocalFile(false, from, new org.apache.hadoop.fs.Path(to.toString()), true);
        return to.toString();
      } catch (IOException e) {
        throw new UncheckedIOException("fetching " + location + " for the DuckDB load", e);
      }
    }

    @Override
    public void close() {
      try {
        if (Files.exists(dir)) {
          try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("removing " + dir, e);
      }
    }
  }

  /** The DuckDB type of a Spark column type (the types the models produce). */
  static String duckType(DataType t) {
    if (t instanceof DecimalType d) {
      return "DECIMAL(" + d.precision() + "," + d.scale() + ")";
    }
    if (t instanceof TimestampType) {
      return "TIMESTAMP WITH TIME ZONE";
    }
    if (t instanceof TimestampNTZType) {
      return "TIMESTAMP";
    }
    if (t instanceof StringType) {
      return "VARCHAR";
    }
    if (t instanceof org.apache.spark.sql.types.ArrayType a) {
      return duckType(a.elementType()) + "[]";
    }
    return switch (t.typeName()) {
      case "long" -> "BIGINT";
      case "integer" -> "INTEGER";
      case "short" -> "SMALLINT";
      case "byte" -> "TINYINT";
      case "double" -> "DOUBLE";
      case "float" -> "FLOAT";
      case "boolean" -> "BOOLEAN";
      case "date" -> "DATE";
      case "binary" -> "BLOB";
      default -> throw new IllegalArgumentException("no DuckDB type for the lake column type " + t.sql());
    };
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /**
   * Replaces the given gold tables with the lake's current content, in one transaction; returns
   * the row count of each table loaded.
   */
  public Map<String, Long> load(SparkSession spark, Lake lake, List<GoldTables.Gold> tables) {
    Map<String, Long> counts = new LinkedHashMap<>();
    boolean remote = !isLocal(lake.location());
    try (Fetched fetched = new Fetched(file.resolveSibling("." + file.getFileName() + ".load"),
        spark.sparkContext().hadoopConfiguration());
        Connection c = open(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      for (GoldTables.Gold g : tables) {
        String source = select(spark, lake, g.layer(), g.name(), fetched::local);
        if (source == null) {
          continue;
        }
        st.execute("CREATE OR REPLACE TABLE " + g.name() + " AS " + source);
        try (var rs = st.executeQuery("SELECT count(*) FROM " + g.name())) {
          rs.next();
          counts.put(g.name(), rs.getLong(1));
        }
      }
      // the clean and quarantine layers as views of their current snapshots (recreated by each load;
      // the files a view reads stay until the snapshot is expired, days after the next load); copied
      // as tables from a lake DuckDB cannot read in place
      for (String t : SourceContract.names()) {
        for (String layer : List.of("clean", "quarantine")) {
          String source = select(spark, lake, layer, t, fetched::local);
          if (source != null) {
            st.execute("CREATE OR REPLACE " + (remote ? "TABLE " : "VIEW ") + layer + "_" + t + " AS " + source);
          }
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("loading the DuckDB warehouse " + file + ": " + e.getMessage(), e);
    }
    return counts;
  }
}
