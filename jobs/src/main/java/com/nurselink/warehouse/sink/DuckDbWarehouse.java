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

/**
 * The embedded warehouse: one DuckDB file. Gold tables are materialised from the lake's Parquet in
 * one transaction (a reader sees the previous load or the new one); the clean and quarantine
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
    Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
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
   * The {@code read_parquet(...)} of a gold table's published files: its partitions, or for a
   * partitioned table without rows the zero-row file that keeps its columns; null when the table was
   * never written.
   */
  static String readParquet(Lake lake, GoldTables.Gold g) {
    if (!lake.exists(g.layer(), g.name())) {
      return null;
    }
    Path t = lake.table(g.layer(), g.name());
    if (!g.partitioned()) {
      return "read_parquet(" + literal(t.resolve("*.parquet").toString())
          + ", hive_partitioning = false, union_by_name = true)";
    }
    if (lake.partitions(g.layer(), g.name()).isEmpty()) {
      Path empty = t.resolve(Lake.EMPTY);
      return Files.isDirectory(empty) ? "read_parquet(" + literal(empty.resolve("*.parquet").toString()) + ")" : null;
    }
    return "read_parquet(" + literal(t.resolve("*").resolve("*.parquet").toString())
        + ", hive_partitioning = true, union_by_name = true)";
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /**
   * Replaces the given gold tables with the lake's current content, in one transaction; returns
   * the row count of each table loaded.
   */
  public Map<String, Long> load(Lake lake, List<GoldTables.Gold> tables) {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = open(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      for (GoldTables.Gold g : tables) {
        String source = readParquet(lake, g);
        if (source == null) {
          continue;
        }
        st.execute("CREATE OR REPLACE TABLE " + g.name() + " AS SELECT * FROM " + source);
        try (var rs = st.executeQuery("SELECT count(*) FROM " + g.name())) {
          rs.next();
          counts.put(g.name(), rs.getLong(1));
        }
      }
      for (String t : SourceContract.names()) {
        if (lake.exists("clean", t)) {
          st.execute("CREATE OR REPLACE VIEW clean_" + t + " AS SELECT * FROM read_parquet("
              + literal(lake.table("clean", t).resolve("*.parquet").toString()) + ")");
        }
        if (!lake.partitions("quarantine", t).isEmpty()) {
          st.execute("CREATE OR REPLACE VIEW quarantine_" + t + " AS SELECT * FROM read_parquet("
              + literal(lake.table("quarantine", t).resolve("*").resolve("*.parquet").toString())
              + ", hive_partitioning = true, union_by_name = true)");
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("loading the DuckDB warehouse " + file + ": " + e.getMessage(), e);
    }
    return counts;
  }
}
