package com.nurselink.warehouse;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A throwaway database on the local PostgreSQL server of the tests (127.0.0.1:5432, user postgres,
 * trust auth), dropped on {@link #close()}. No server: the test fails and says how to start one.
 */
public final class PgDatabase implements AutoCloseable {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  private final String name;

  private PgDatabase(String name) {
    this.name = name;
  }

  /** Creates a database named {@code prefix} + a random suffix. */
  public static PgDatabase create(String prefix) throws SQLException {
    String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return new PgDatabase(name);
  }

  private static Connection admin() {
    try {
      return DriverManager.getConnection(SERVER + "postgres?user=postgres");
    } catch (SQLException e) {
      return fail("PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (" + e.getMessage()
          + "); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
    }
  }

  /** The JDBC URL of the database (user postgres). */
  public String url() {
    return SERVER + name + "?user=postgres";
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
