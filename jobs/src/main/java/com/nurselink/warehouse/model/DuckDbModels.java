package com.nurselink.warehouse.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The same SQL models on DuckDB, over Parquet: the independent check of the Spark results and the
 * warehouse-side query path. The connection gets {@code sql/duckdb/compat.sql} (UTC session, the
 * Spark functions the models use); inputs are views over {@code read_parquet} named like the Spark
 * views; each model is materialized as a table of its name.
 *
 * <p>Timestamps: Spark writes UTC-adjusted Parquet timestamps, which DuckDB reads as
 * {@code TIMESTAMP WITH TIME ZONE}; the input views cast them to {@code TIMESTAMP} (UTC wall
 * clock), which is what Spark's TIMESTAMP means in a UTC session.
 */
public final class DuckDbModels implements AutoCloseable {
  private final Connection connection;

  /** Wraps an open DuckDB connection and loads the compatibility layer into it. */
  public DuckDbModels(Connection connection) throws SQLException {
    this.connection = connection;
    for (String statement : SqlText.statements(SqlModel.readResource("sql/duckdb/compat.sql"))) {
      execute(statement);
    }
  }

  /** A DuckDB database: a file path, or null for an in-memory one. */
  public static DuckDbModels open(String databaseFile) throws SQLException {
    return new DuckDbModels(DriverManager.getConnection("jdbc:duckdb:" + (databaseFile == null ? "" : databaseFile)));
  }

  public Connection connection() {
    return connection;
  }

  /**
   * Registers a view {@code name} over Parquet: a file, a glob, or a directory (all its
   * {@code .parquet} files, recursively; hive partition columns are read when present).
   */
  public void registerParquet(String name, String path) throws SQLException {
    String glob = path.endsWith(".parquet") || path.contains("*") ? path : path.replaceAll("/+$", "") + "/**/*.parquet";
    String source = "read_parquet(" + SqlParams.quote(glob) + ", union_by_name = true)";
    List<String> columns = new ArrayList<>();
    try (Statement st = connection.createStatement();
         ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + source)) {
      while (rs.next()) {
        String column = "\"" + rs.getString(1).replace("\"", "\"\"") + "\"";
        String type = rs.getString(2);
        columns.add(type.startsWith("TIMESTAMP WITH TIME ZONE") ? "CAST(" + column + " AS TIMESTAMP) AS " + column : column);
      }
    }
    execute("CREATE OR REPLACE VIEW " + name + " AS SELECT " + String.join(", ", columns) + " FROM " + source);
  }

  /** Registers an empty {@code prev_dim_nurse} (first run). */
  public void registerEmptyPreviousDimNurse(SqlParams params) throws SQLException {
    String sql = SqlModel.load(Models.EMPTY_PREVIOUS_DIM_NURSE).render(params.literals());
    execute("CREATE OR REPLACE VIEW " + Models.PREVIOUS_DIM_NURSE + " AS " + sql);
  }

  /** Builds dim_* and fact_*; {@code prev_dim_nurse} must be registered. Returns the table names. */
  public List<String> buildModel(SqlParams params) throws SQLException {
    return run(params, Models.MODEL);
  }

  public List<String> buildKpis(SqlParams params) throws SQLException {
    return run(params, Models.KPIS);
  }

  public List<String> buildFeatures(SqlParams params) throws SQLException {
    return run(params, Models.FEATURES);
  }

  /** Materializes each model, in order, as a table of its name; returns the names. */
  public List<String> run(SqlParams params, List<String> models) throws SQLException {
    List<String> names = new ArrayList<>();
    for (String path : models) {
      SqlModel model = SqlModel.load(path);
      String sql = model.render(params.literals());
      try {
        execute("CREATE OR REPLACE TABLE " + model.name() + " AS " + sql);
      } catch (SQLException e) {
        throw new SQLException(model.resource() + " on DuckDB: " + e.getMessage(), e);
      }
      names.add(model.name());
    }
    return names;
  }

  /**
   * The rows of a query, with values normalized to engine-neutral Java types: Long (every integer
   * type), Double (floating and decimal), String, Boolean, LocalDate, Instant (TIMESTAMP as UTC),
   * null.
   */
  public List<List<Object>> rows(String query) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(query)) {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      while (rs.next()) {
        Object[] row = new Object[n];
        for (int i = 1; i <= n; i++) {
          row[i - 1] = value(rs, i, md.getColumnType(i));
        }
        out.add(Arrays.asList(row));
      }
    }
    return out;
  }

  /** The column names of a query's result. */
  public List<String> columns(String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(query)) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        out.add(md.getColumnName(i));
      }
    }
    return out;
  }

  private static Object value(ResultSet rs, int i, int sqlType) throws SQLException {
    Object v = rs.getObject(i);
    if (v == null) {
      return null;
    }
    switch (sqlType) {
      case Types.DATE:
        return rs.getObject(i, LocalDate.class);
      case Types.TIMESTAMP:
        return rs.getObject(i, LocalDateTime.class).toInstant(ZoneOffset.UTC);
      case Types.TIMESTAMP_WITH_TIMEZONE:
        return rs.getObject(i, OffsetDateTime.class).toInstant();
      default:
        return normalize(v);
    }
  }

  /** Engine-neutral form of a scalar: integers as Long, decimals and floats as Double. */
  public static Object normalize(Object v) {
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      return b.longValueExact();
    }
    if (v instanceof Float || v instanceof BigDecimal) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC);
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    return v;
  }

  private void execute(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
