package com.nurselink.warehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The local PostgreSQL server of the tests (127.0.0.1:5432, user postgres, trust auth): throwaway
 * databases and roles with random names, and rows read in a form comparable across PostgreSQL and
 * DuckDB. No server: the test fails and says how to start one.
 */
final class PgServer {
  static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  private PgServer() {}

  static String randomName(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  static Connection admin() {
    try {
      return DriverManager.getConnection(SERVER + "postgres?user=postgres");
    } catch (SQLException e) {
      return fail("PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (" + e.getMessage()
          + "); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
    }
  }

  /** Creates a database; returns its JDBC URL (user postgres). */
  static String createDatabase(String name) throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return url(name, "postgres");
  }

  static String url(String db, String user) {
    return SERVER + db + "?user=" + user;
  }

  static void dropDatabase(String name) throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  static void exec(String url, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String string(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Column names of a table in the current schema, in order. */
  static List<String> columns(Connection c, String table) throws SQLException {
    List<String> cols = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '"
            + table + "' ORDER BY ordinal_position")) {
      while (rs.next()) {
        cols.add(rs.getString(1));
      }
    }
    return cols;
  }

  /**
   * The rows of a query, values normalised (integers as Long, floating point as Double, dates and
   * text as String, timestamps as Instant) and sorted by their non-floating-point values.
   */
  static List<List<Object>> rows(Connection c, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(normalise(rs.getObject(i)));
        }
        out.add(row);
      }
    }
    out.sort((a, b) -> sortKey(a).compareTo(sortKey(b)));
    return out;
  }

  private static Object normalise(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Double || v instanceof Float || v instanceof java.math.BigDecimal) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof java.time.LocalDate d) {
      return d.toString();
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    if (v instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (v instanceof Instant) {
      return v;
    }
    return v.toString();
  }

  private static String sortKey(List<Object> row) {
    StringBuilder sb = new StringBuilder();
    for (Object v : row) {
      sb.append(v instanceof Double ? "" : String.valueOf(v)).append('\u0001');
    }
    return sb.toString();
  }

  /** Whole sorted row lists equal; doubles within 1e-9 relative. */
  static void assertSameRows(String what, List<List<Object>> expected, List<List<Object>> actual) {
    assertEquals(expected.size(), actual.size(), what + ": row count");
    for (int r = 0; r < expected.size(); r++) {
      List<Object> e = expected.get(r);
      List<Object> a = actual.get(r);
      assertEquals(e.size(), a.size(), what + ": columns");
      for (int i = 0; i < e.size(); i++) {
        Object x = e.get(i);
        Object y = a.get(i);
        if (x instanceof Double dx && y instanceof Double dy) {
          double tol = 1e-9 * Math.max(Math.abs(dx), Math.abs(dy));
          if (!(Math.abs(dx - dy) <= tol || dx.equals(dy))) {
            fail(what + " row " + r + " column " + i + ": " + dx + " != " + dy + "\n expected " + e + "\n actual   " + a);
          }
        } else if (!java.util.Objects.equals(x, y)) {
          fail(what + " row " + r + " column " + i + ": " + x + " != " + y + "\n expected " + e + "\n actual   " + a);
        }
      }
    }
  }
}
