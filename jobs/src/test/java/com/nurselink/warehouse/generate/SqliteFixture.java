package com.nurselink.warehouse.generate;

import com.nurselink.warehouse.contract.SourceContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** Plain-SQL probes of a generated SQLite file. */
final class SqliteFixture implements AutoCloseable {
  final Connection conn;

  /** The JVM's temporary directory must exist: the SQLite driver unpacks its native library there. */
  static void ensureTmpDir() throws java.io.IOException {
    java.nio.file.Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
  }

  SqliteFixture(Path file) throws SQLException {
    conn = DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  long count(String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  double number(String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  /** A digest of a table's rows in rowid order, every value with its storage class (quote()). */
  String digest(String table) throws Exception {
    return digest(table, "1 = 1");
  }

  String digest(String table, String where) throws Exception {
    String cols = SourceContract.of(table).columnNames().stream().map(c -> "quote(" + c + ")")
        .collect(Collectors.joining(" || '|' || "));
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT " + cols + " FROM " + table + " WHERE " + where + " ORDER BY rowid")) {
      while (rs.next()) {
        md.update(rs.getString(1).getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** SQL: the text of x with a '+hhmm' offset rewritten '+hh:mm' (the form SQLite's date functions read). */
  static String fixOffset(String x) {
    String t = "trim(" + x + ")";
    return "(CASE WHEN " + t + " GLOB '*[+-][0-9][0-9][0-9][0-9]' THEN substr(" + t + ", 1, length(" + t
        + ") - 2) || ':' || substr(" + t + ", -2) ELSE " + t + " END)";
  }

  /** SQL: 1 when x is a timestamp in an accepted representation, else 0 (null included). */
  static String readable(String x) {
    return "(CASE WHEN " + x + " IS NULL THEN 0 WHEN typeof(" + x + ") = 'integer' THEN 1"
        + " WHEN typeof(" + x + ") = 'text' AND julianday(" + fixOffset(x) + ") IS NOT NULL THEN 1 ELSE 0 END)";
  }

  /** SQL: epoch seconds of x, local times read as UTC (so off by up to the zone offset, 2 h). */
  static String approxEpoch(String x) {
    return "(CASE WHEN typeof(" + x + ") = 'integer' THEN (CASE WHEN " + x + " > 100000000000 THEN " + x
        + " / 1000.0 ELSE " + x + " END) ELSE (julianday(" + fixOffset(x) + ") - 2440587.5) * 86400.0 END)";
  }

  /** SQL: 1 when x is present but not a non-negative number (text trimmed, decimal comma allowed). */
  static String badNumber(String x) {
    String t = "trim(replace(" + x + ", ',', '.'))";
    return "(CASE WHEN " + x + " IS NULL THEN 0 WHEN typeof(" + x + ") IN ('integer', 'real') THEN " + x + " < 0"
        + " WHEN " + t + " = '' OR " + t + " GLOB '*[^0-9.]*' OR " + t + " GLOB '*.*.*' THEN 1 ELSE 0 END)";
  }

  /** SQL: the value of a number column as REAL. */
  static String real(String x) {
    return "CAST(trim(replace(" + x + ", ',', '.')) AS REAL)";
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
