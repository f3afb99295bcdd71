package com.nurselink.warehouse.source;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The reference SQLite databases the repository carries, and the tables of a file. */
final class SqliteTestFiles {
  /** The reference databases (jobs/src/test/resources/reference/sqlite). */
  static final List<String> REFERENCE = List.of("chinook", "northwind", "sakila");

  private SqliteTestFiles() {}

  /** A copy of the reference database {@code name} in {@code dir}. */
  static Path reference(Path dir, String name) throws Exception {
    Path copy = dir.resolve(name + ".sqlite");
    try (InputStream in = SqliteTestFiles.class.getResourceAsStream("/reference/sqlite/" + name + ".sqlite")) {
      Files.copy(in, copy);
    }
    return copy;
  }

  /** The tables of {@code db} by name, SQLite's own excluded. */
  static List<String> tables(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** As {@link #tables(Connection)}, opening the file. */
  static List<String> tables(Path db) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      return tables(c);
    }
  }
}
