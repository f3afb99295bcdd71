package com.nurselink.warehouse.sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the versioned warehouse DDL ({@code sql/warehouse/V<n>__<description>.sql}, in version
 * order, each in its own transaction) and records them in {@code warehouse_schema_history}. An
 * applied script whose content changed since is refused (write a new version instead). Migrators that
 * start together (two loaders) are serialised by an advisory lock taken before the history is read, so
 * each version is applied once.
 */
public final class SchemaMigrator {
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
  /** The scripts, in order; listed here because a jar cannot be listed portably. */
  public static final List<String> SCRIPTS = List.of("V1__marts.sql", "V2__ledger_and_state.sql", "V3__analyst_role.sql");
  /** Key of the advisory lock that serialises migrators of one database ("nurselink schema"). */
  static final long LOCK_KEY = 0x6E6C_7363_6865_6D61L;

  /** One script: version, description, text. */
  public record Script(int version, String description, String sql) {
    String checksum() {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private SchemaMigrator() {}

  public static List<Script> scripts() {
    Map<Integer, Script> out = new TreeMap<>();
    for (String name : SCRIPTS) {
      Matcher m = NAME.matcher(name);
      if (!m.matches()) {
        throw new IllegalStateException("bad migration name " + name);
      }
      String path = "sql/warehouse/" + name;
      try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("missing " + path + " on the classpath");
        }
        out.put(Integer.parseInt(m.group(1)), new Script(Integer.parseInt(m.group(1)),
            m.group(2).replace('_', ' '), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(path, e);
      }
    }
    return new ArrayList<>(out.values());
  }

  /** Applies the pending scripts; returns the versions applied now. */
  public static List<Integer> migrate(Connection c) throws SQLException {
    return migrate(c, () -> { });
  }

  /**
   * Applies the pending scripts under the migration lock; returns the versions applied now.
   * {@code lockHeld} runs once the lock is taken, before the history is read (tests use it to start a
   * second migrator while the first holds the lock).
   *
   * <p>The lock is a PostgreSQL session advisory lock, taken before the history table is created or
   * read and held until every pending script is applied (each in its own transaction): a migrator
   * that starts while another runs waits, then reads the history the other wrote and applies only
   * what is still pending.
   */
  static List<Integer> migrate(Connection c, Runnable lockHeld) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(true);
    try (Statement st = c.createStatement()) {
      st.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
      Exception failure = null;
      try {
        lockHeld.run();
        return applyPending(c, st);
      } catch (SQLException | RuntimeException e) {
        failure = e;
        throw e;
      } finally {
        try {
          if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
          }
          st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
        } catch (SQLException e) {
          if (failure == null) {
            throw e;
          }
          failure.addSuppressed(e);
        }
      }
    } finally {
      c.setAutoCommit(auto);
    }
  }

  private static List<Integer> applyPending(Connection c, Statement st) throws SQLException {
    List<Integer> applied = new ArrayList<>();
    st.execute("CREATE TABLE IF NOT EXISTS warehouse_schema_history (version INTEGER PRIMARY KEY, "
        + "description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    Map<Integer, String> done = new TreeMap<>();
    try (ResultSet rs = st.executeQuery("SELECT version, checksum FROM warehouse_schema_history")) {
      while (rs.next()) {
        done.put(rs.getInt(1), rs.getString(2));
      }
    }
    for (Script s : scripts()) {
      String seen = done.get(s.version());
      if (seen != null) {
        if (!seen.equals(s.checksum())) {
          throw new IllegalStateException("warehouse migration V" + s.version() + " changed after it was applied;"
              + " add a new version instead");
        }
        continue;
      }
      c.setAutoCommit(false);
      st.execute(s.sql());
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO warehouse_schema_history (version, description, checksum) VALUES (?, ?, ?)")) {
        ps.setInt(1, s.version());
        ps.setString(2, s.description());
        ps.setString(3, s.checksum());
        ps.executeUpdate();
      }
      c.commit();
      c.setAutoCommit(true);
      applied.add(s.version());
    }
    return applied;
  }
}
