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
 * applied script whose content changed since is refused (write a new version instead).
 */
public final class SchemaMigrator {
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
  /** The scripts, in order; listed here because a jar cannot be listed portably. */
  public static final List<String> SCRIPTS = List.of("V1__marts.sql", "V2__ledger_and_state.sql", "V3__analyst_role.sql");

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
    List<Integer> applied = new ArrayList<>();
    boolean auto = c.getAutoCommit();
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS warehouse_schema_history (version INTEGER PRIMARY KEY, "
          + "description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      Map<Integer, String> done = new TreeMap<>();
      try (ResultSet rs = st.executeQuery("SELECT version, checksum FROM warehouse_schema_history")) {
        while (rs.next()) {
          done.put(rs.getInt(1), rs.getString(2));
        }
      }
      c.setAutoCommit(false);
      for (Script s : scripts()) {
        String seen = done.get(s.version());
        if (seen != null) {
          if (!seen.equals(s.checksum())) {
            throw new IllegalStateException("warehouse migration V" + s.version() + " changed after it was applied;"
                + " add a new version instead");
          }
          continue;
        }
        // serialise concurrent migrators
        st.execute("LOCK TABLE warehouse_schema_history IN EXCLUSIVE MODE");
        st.execute(s.sql());
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO warehouse_schema_history (version, description, checksum) VALUES (?, ?, ?)")) {
          ps.setInt(1, s.version());
          ps.setString(2, s.description());
          ps.setString(3, s.checksum());
          ps.executeUpdate();
        }
        c.commit();
        applied.add(s.version());
      }
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
    return applied;
  }
}
