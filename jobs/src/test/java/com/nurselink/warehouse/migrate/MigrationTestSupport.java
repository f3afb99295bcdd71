package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A throwaway PostgreSQL database per test, the reference SQLite files, and small query helpers. */
final class MigrationTestSupport {
  static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  static final String START_HINT =
      "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres, trust auth); start it with: "
          + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

  private MigrationTestSupport() {}

  /** The JVM's temporary directory exists (sqlite-jdbc unpacks its native library there). */
  static void ensureTmp() {
    try {
      Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A fresh database, dropped on close. */
  static final class PgDatabase implements AutoCloseable {
    final String name = "nl_migrate_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final String url = SERVER + name + "?user=postgres";

    PgDatabase() {
      ensureTmp();
      try (Connection c = DriverManager.getConnection(SERVER + "postgres?user=postgres");
           Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
      } catch (SQLException e) {
        fail(START_HINT + " (" + e.getMessage() + ")");
      }
    }

    Connection connect() throws SQLException {
      return DriverManager.getConnection(url);
    }

    /** The first column of the first row, as text. */
    String one(String sql) throws SQLException {
      List<List<String>> rows = rows(sql);
      return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    List<List<String>> rows(String sql) throws SQLException {
      try (Connection c = connect()) {
        return MigrationTestSupport.rows(c, sql);
      }
    }

    @Override
    public void close() throws SQLException {
      try (Connection c = DriverManager.getConnection(SERVER + "postgres?user=postgres");
           Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  static List<List<String>> rows(Connection c, String sql) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  /** A SQLite query's first value, straight from the file. */
  static String sqlite(Path db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      List<List<String>> r = rows(c, sql);
      return r.isEmpty() ? null : r.get(0).get(0);
    }
  }

  /** A copy of a reference database carried by the repository (jobs/src/test/resources/reference/sqlite). */
  static Path reference(String file, Path dir) throws Exception {
    ensureTmp();
    Path repo = Path.of(System.getProperty("nurselink.repo", ".")).toAbsolutePath().normalize();
    Path src = repo.resolve("jobs/src/test/resources/reference/sqlite").resolve(file);
    if (!Files.isRegularFile(src)) {
      fail("reference database missing: " + src);
    }
    Path copy = dir.resolve(file);
    Files.copy(src, copy, StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  static BigDecimal dec(String s) {
    return new BigDecimal(s);
  }
}
