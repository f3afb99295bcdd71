package com.nurselink.warehouse.sink;

import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;

/**
 * The production warehouse: PostgreSQL. The schema comes from the versioned DDL in
 * {@code sql/warehouse/} ({@link SchemaMigrator}). A load copies each gold table partition by
 * partition: in one transaction the partition's rows are deleted and the new ones COPYed in, so a
 * concurrent reader (MVCC) sees the old partition or the new, never half. Partitions whose lake
 * version (the data files of the lake's current snapshot that hold it) did not change since the
 * last load are skipped. {@code fact_contract} is declaratively
 * partitioned by month (LIST on {@code start_month}); its partitions are created on demand.
 */
public final class PostgresWarehouse {
  /** Tables loaded at the same time by default, each on its own connection. */
  public static final int DEFAULT_LOAD_CONNECTIONS = 2;

  private final String url;
  private final int loadConnections;

  public PostgresWarehouse(String url) {
    this(url, DEFAULT_LOAD_CONNECTIONS);
  }

  /**
   * The warehouse at {@code url}, loaded {@code loadConnections} tables at a time: the rows of one
   * table are read from the lake and formatted while the server parses and indexes another's.
   */
  public PostgresWarehouse(String url, int loadConnections) {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new com.nurselink.warehouse.config.ConfigException(
          "warehouse.url must be a jdbc:postgresql:// URL (set NURSELINK_WAREHOUSE_URL)");
    }
    if (loadConnections < 1) {
      throw new IllegalArgumentException("loadConnections must be at least 1");
    }
    this.url = url;
    this.loadConnections = loadConnections;
  }

  public String display() {
    return Secrets.maskUrl(url);
  }

  public Connection open() throws SQLException {
    try {
      return DriverManager.getConnection(url);
    } catch (SQLException e) {
      throw new SQLException("cannot connect to the warehouse " + display() + ": "
          + Secrets.maskText(e.getMessage()), e.getSQLState(), e);
    }
  }

  public Ledger ledger() {
    return new Ledger(this::open);
  }

  /** Applies pending DDL versions; returns them. */
  public List<Integer> migrate() throws SQLException {
    try (Connection c = open()) {
      return SchemaMigrator.migrate(c);
    }
  }

  /** One lake partition to copy ({@code partition} empty for an unpartitioned table), its fingerprint and rows. */
  /** A partition to copy (or the whole table, partition ""): its data files in the lake. */
  private record Copy(String partition, String value, String fingerprint, List<String> files) {}

  /**
   * Loads the gold tables from the lake; returns rows copied per table (unchanged partitions
   * skipped). A lake table whose columns are not exactly those of its warehouse table is refused
   * ({@link #checkColumns}) before anything is deleted or copied: every table's published columns
   * and those of every partition to copy are checked first.
   */
  public Map<String, Long> load(SparkSession spark, Lake lake, List<GoldTables.Gold> tables) throws SQLException {
    migrate();
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = open()) {
      c.setAutoCommit(false);
      Map<String, String> loaded = loadedFingerprints(c);
      // what to copy, its columns checked
      Map<GoldTables.Gold, List<String>> columns = new LinkedHashMap<>();
      Map<GoldTables.Gold, List<Copy>> copies = new LinkedHashMap<>();
      Map<GoldTables.Gold, List<String>> partitions = new LinkedHashMap<>();
      for (GoldTables.Gold g : tables) {
        if (!lake.exists(spark, g.layer(), g.name())) {
          continue;
        }
        List<String> cols = columnsOf(c, g.name());
        checkColumns(g.name(), List.of(lake.schema(spark, g.layer(), g.name()).fieldNames()), cols);
        // each partition's version: the data files of the current snapshot that hold it
        Map<String, String> versions = lake.partitionVersions(spark, g.layer(), g.name());
        Map<String, List<String>> files = lake.partitionFiles(spark, g.layer(), g.name());
        List<Copy> todo = new ArrayList<>();
        if (!g.partitioned()) {
          String fp = versions.getOrDefault("", "empty");
          if (!fp.equals(loaded.get(g.name() + "/"))) {
            todo.add(new Copy("", null, fp, files.getOrDefault("", List.of())));
          }
        } else {
          List<String> parts = new ArrayList<>();
          for (Map.Entry<String, String> v : versions.entrySet()) {
            String part = g.partitionColumn() + "=" + v.getKey();
            parts.add(part);
            if (v.getValue().equals(loaded.get(g.name() + "/" + part))) {
              continue;
            }
            todo.add(new Copy(part, v.getKey(), v.getValue(), files.get(v.getKey())));
          }
          partitions.put(g, parts);
        }
        columns.put(g, cols);
        copies.put(g, todo);
      }
      c.commit();
      c.close(); // the planning's connection: the load opens its own
      counts.putAll(loadTables(spark, lake, copies, columns, partitions, loaded));
    } catch (SQLException e) {
      throw new SQLException("loading the PostgreSQL warehouse " + display() + ": "
          + Secrets.maskText(e.getMessage()), e.getSQLState(), e);
    }
    return counts;
  }

  /**
   * Loads the tables, {@code loadConnections} at a time (largest first), each on its own connection
   * and each partition in its own transaction as before; returns the rows copied per table, in the
   * order of {@code copies}. After a failure no other partition starts (nor is a partition gone from
   * the lake removed); the partitions under way finish or roll back, and the first failure of the
   * order of {@code copies} is thrown, the others suppressed in it.
   */
  private Map<String, Long> loadTables(SparkSession spark, Lake lake, Map<GoldTables.Gold, List<Copy>> copies,
      Map<GoldTables.Gold, List<String>> columns, Map<GoldTables.Gold, List<String>> partitions,
      Map<String, String> loaded) throws SQLException {
    List<GoldTables.Gold> order = new ArrayList<>(copies.keySet());
    Map<GoldTables.Gold, Long> size = new HashMap<>();
    for (GoldTables.Gold g : order) {
      size.put(g, lake.totalRows(spark, g.layer(), g.name()));
    }
    order.sort(Comparator.comparing((GoldTables.Gold g) -> size.get(g)).reversed());
    AtomicBoolean stop = new AtomicBoolean();
    int threads = Math.max(1, Math.min(loadConnections, order.size()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "nurselink-pg-load");
      t.setDaemon(true);
      return t;
    });
    Map<GoldTables.Gold, Future<Long>> futures = new HashMap<>();
    try {
      for (GoldTables.Gold g : order) {
        futures.put(g, pool.submit(() -> {
          try (Connection c = open()) {
            c.setAutoCommit(false);
            return loadTable(spark, lake, c, g, copies.get(g), columns.get(g), partitions.get(g), loaded, stop);
          } catch (Throwable e) {
            stop.set(true);
            throw e;
          }
        }));
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      Throwable first = null;
      for (GoldTables.Gold g : copies.keySet()) {
        try {
          counts.put(g.name(), futures.get(g).get());
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause();
          } else if (first != e.getCause()) {
            first.addSuppressed(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stop.set(true);
          throw new SQLException("interrupted while loading the warehouse", e);
        }
      }
      if (first instanceof SQLException se) {
        throw se;
      }
      if (first instanceof RuntimeException re) {
        throw re;
      }
      if (first instanceof Error err) {
        throw err;
      }
      if (first != null) {
        throw new IllegalStateException(first);
      }
      return counts;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One table's partitions, each deleted and copied in one transaction, then the partitions gone from the lake. */
  private static long loadTable(SparkSession spark, Lake lake, Connection c, GoldTables.Gold g, List<Copy> todo,
      List<String> cols, List<String> partitionsOfTable, Map<String, String> loaded,
      AtomicBoolean stop) throws SQLException {
    long n = 0;
    for (Copy copy : todo) {
      if (stop.get()) {
        return n;
      }
      if (!g.partitioned()) {
        try (Statement st = c.createStatement()) {
          st.execute("DELETE FROM " + g.name());
        }
      } else {
        if (g.name().equals("fact_contract")) {
          ensureContractPartition(c, copy.value());
        }
        deletePartition(c, g, copy.value());
      }
      // the partition's files read here, not by Spark: no Spark job per partition
      try (var rows = lake.records(spark, g.layer(), g.name(), copy.files())) {
        n += PgCopy.copyRecords(c, g.name(), cols, lake.icebergSchema(spark, g.layer(), g.name()).asStruct(),
            rows.iterator());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("reading " + g.layer() + "." + g.name() + " from the lake", e);
      }
      recordFingerprint(c, g.name(), copy.partition(), copy.fingerprint());
      c.commit();
    }
    if (g.partitioned()) {
      // partitions gone from the lake
      for (Map.Entry<String, String> e : loaded.entrySet()) {
        if (stop.get()) {
          return n;
        }
        String key = e.getKey();
        if (key.startsWith(g.name() + "/") && key.length() > g.name().length() + 1) {
          String part = key.substring(g.name().length() + 1);
          if (!partitionsOfTable.contains(part)) {
            deletePartition(c, g, part.substring(part.indexOf('=') + 1));
            try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM warehouse_loaded_partitions WHERE table_name = ? AND partition = ?")) {
              del.setString(1, g.name());
              del.setString(2, part);
              del.executeUpdate();
            }
            c.commit();
          }
        }
      }
    }
    return n;
  }

  /**
   * Refuses, with one line naming the table and the columns missing on each side, a lake table
   * whose columns (compared lower-cased) are not exactly those of its warehouse table: loading it
   * would store NULL in a column the lake lacks and drop a lake column the DDL lacks. The DDL of
   * {@code sql/warehouse/} and the model must change together (a new DDL version).
   */
  static void checkColumns(String table, List<String> lakeColumns, List<String> warehouseColumns)
      throws SQLException {
    Set<String> lake = new LinkedHashSet<>();
    lakeColumns.forEach(c -> lake.add(c.toLowerCase(Locale.ROOT)));
    List<String> notInWarehouse = lake.stream().filter(c -> !warehouseColumns.contains(c)).toList();
    List<String> notInLake = warehouseColumns.stream().filter(c -> !lake.contains(c)).toList();
    if (!notInWarehouse.isEmpty() || !notInLake.isEmpty()) {
      throw new SQLException("warehouse table " + table + " does not match the lake: missing in the warehouse: "
          + (notInWarehouse.isEmpty() ? "none" : String.join(", ", notInWarehouse)) + "; missing in the lake: "
          + (notInLake.isEmpty() ? "none" : String.join(", ", notInLake))
          + " (the model and the DDL of sql/warehouse/ must have the same columns)");
    }
  }

  /**
   * Deletes the rows of one lake partition. The value is sent untyped so that PostgreSQL reads it
   * as the column's type (date, text): the comparison can use the column's indexes and, for
   * {@code fact_contract}, prunes to the one partition.
   */
  private static void deletePartition(Connection c, GoldTables.Gold g, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + g.name() + " WHERE "
        + g.partitionColumn() + " = ?")) {
      ps.setObject(1, value, java.sql.Types.OTHER);
      ps.executeUpdate();
    }
  }

  private static void ensureContractPartition(Connection c, String month) throws SQLException {
    if (!month.matches("\\d{4}-\\d{2}|unknown")) {
      throw new SQLException("fact_contract: unexpected start_month '" + Secrets.clip(month) + "'");
    }
    String name = "fact_contract_" + month.replace('-', '_');
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF fact_contract FOR VALUES IN ('" + month + "')");
    }
  }

  static List<String> columnsOf(Connection c, String table) throws SQLException {
    List<String> cols = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.columns "
        + "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          cols.add(rs.getString(1));
        }
      }
    }
    if (cols.isEmpty()) {
      throw new SQLException("warehouse table " + table + " does not exist (DDL in sql/warehouse/)");
    }
    return cols;
  }

  private static Map<String, String> loadedFingerprints(Connection c) throws SQLException {
    Map<String, String> m = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT table_name, partition, fingerprint FROM warehouse_loaded_partitions")) {
      while (rs.next()) {
        m.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
      }
    }
    c.commit();
    return m;
  }

  private static void recordFingerprint(Connection c, String table, String part, String fp) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO warehouse_loaded_partitions (table_name, partition, "
        + "fingerprint, loaded_at) VALUES (?, ?, ?, now()) ON CONFLICT (table_name, partition) DO UPDATE SET "
        + "fingerprint = EXCLUDED.fingerprint, loaded_at = now()")) {
      ps.setString(1, table);
      ps.setString(2, part);
      ps.setString(3, fp == null ? "" : fp);
      ps.executeUpdate();
    }
  }

}
