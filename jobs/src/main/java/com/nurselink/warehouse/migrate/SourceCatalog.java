package com.nurselink.warehouse.migrate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a SQLite file declares: tables, columns, keys, indexes, plus the objects that are not migrated
 * (views, triggers, virtual tables) so the report can name them.
 */
public record SourceCatalog(List<Table> tables, List<String> skipped) {

  /** A column as declared; {@code pkOrdinal} is 1-based within the primary key, 0 when not part of it. */
  public record Column(String name, String declaredType, boolean notNull, String defaultSql, int pkOrdinal) {}

  /** A foreign key; {@code to} holds null entries when the parent's primary key is implied. */
  public record ForeignKey(String parent, List<String> from, List<String> to, String onUpdate, String onDelete) {}

  /** An index; {@code origin} is c (CREATE INDEX), u (UNIQUE constraint) or pk. */
  public record Index(String name, boolean unique, String origin, boolean partial, List<String> columns,
      boolean onExpressions) {}

  /** A table and everything declared on it. {@code sequence} is its sqlite_sequence value, if any. */
  public record Table(String name, List<Column> columns, List<ForeignKey> foreignKeys, List<Index> indexes,
      boolean withoutRowid, boolean autoincrement, Long sequence, List<String> checks) {

    public List<String> primaryKey() {
      List<Column> pk = new ArrayList<>();
      for (Column c : columns) {
        if (c.pkOrdinal() > 0) {
          pk.add(c);
        }
      }
      pk.sort((a, b) -> Integer.compare(a.pkOrdinal(), b.pkOrdinal()));
      return pk.stream().map(Column::name).toList();
    }

    /** The column that aliases the rowid (a single-column {@code INTEGER PRIMARY KEY}), if any. */
    public Optional<Column> rowidAlias() {
      List<String> pk = primaryKey();
      if (withoutRowid || pk.size() != 1) {
        return Optional.empty();
      }
      Column c = column(pk.get(0));
      return c != null && c.declaredType().trim().equalsIgnoreCase("INTEGER") ? Optional.of(c) : Optional.empty();
    }

    public Column column(String name) {
      for (Column c : columns) {
        if (c.name().equalsIgnoreCase(name)) {
          return c;
        }
      }
      return null;
    }
  }

  public Table table(String name) {
    for (Table t : tables) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    return null;
  }

  /** Reads the catalog of an open SQLite connection. */
  public static SourceCatalog read(Connection c) throws SQLException {
    Map<String, String> tableSql = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(
             "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table','view','trigger') ORDER BY rowid")) {
      while (rs.next()) {
        String type = rs.getString(1);
        String name = rs.getString(2);
        String sql = rs.getString(4) == null ? "" : rs.getString(4);
        if (type.equals("table")) {
          if (name.startsWith("sqlite_")) {
            continue;
          }
          if (sql.toUpperCase(Locale.ROOT).startsWith("CREATE VIRTUAL TABLE")) {
            skipped.add("virtual table " + name + " (not migrated)");
          } else {
            tableSql.put(name, sql);
          }
        } else {
          skipped.add(type + " " + name + " (SQLite SQL, not migrated)");
        }
      }
    }
    Map<String, Long> sequences = readSequences(c);
    List<Table> tables = new ArrayList<>();
    for (Map.Entry<String, String> e : tableSql.entrySet()) {
      String name = e.getKey();
      String sql = e.getValue();
      String upper = sql.toUpperCase(Locale.ROOT);
      tables.add(new Table(name, columns(c, name), foreignKeys(c, name), indexes(c, name),
          upper.replaceAll("\\s+", " ").contains("WITHOUT ROWID"), upper.contains("AUTOINCREMENT"),
          sequences.get(name), checks(sql)));
    }
    return new SourceCatalog(List.copyOf(tables), List.copyOf(skipped));
  }

  private static Map<String, Long> readSequences(Connection c) throws SQLException {
    Map<String, Long> seq = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")) {
      if (!rs.next()) {
        return seq;
      }
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name, seq FROM sqlite_sequence")) {
      while (rs.next()) {
        seq.put(rs.getString(1), rs.getLong(2));
      }
    }
    return seq;
  }

  private static List<Column> columns(Connection c, String table) throws SQLException {
    List<Column> cols = new ArrayList<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("PRAGMA table_info(" + Sql.sqliteIdent(table) + ")")) {
      while (rs.next()) {
        cols.add(new Column(rs.getString("name"), rs.getString("type") == null ? "" : rs.getString("type"),
            rs.getInt("notnull") == 1, rs.getString("dflt_value"), rs.getInt("pk")));
      }
    }
    return List.copyOf(cols);
  }

  private static List<ForeignKey> foreignKeys(Connection c, String table) throws SQLException {
    Map<Integer, ForeignKey> byId = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("PRAGMA foreign_key_list(" + Sql.sqliteIdent(table) + ")")) {
      while (rs.next()) {
        int id = rs.getInt("id");
        ForeignKey fk = byId.computeIfAbsent(id, k -> {
          try {
            return new ForeignKey(rs.getString("table"), new ArrayList<>(), new ArrayList<>(),
                rs.getString("on_update"), rs.getString("on_delete"));
          } catch (SQLException ex) {
            throw new IllegalStateException(ex);
          }
        });
        fk.from().add(rs.getString("from"));
        fk.to().add(rs.getString("to"));
      }
    }
    return List.copyOf(byId.values());
  }

  private static List<Index> indexes(Connection c, String table) throws SQLException {
    List<Index> out = new ArrayList<>();
    List<String[]> list = new ArrayList<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("PRAGMA index_list(" + Sql.sqliteIdent(table) + ")")) {
      while (rs.next()) {
        list.add(new String[] {rs.getString("name"), rs.getString("unique"), rs.getString("origin"),
            rs.getString("partial")});
      }
    }
    for (String[] ix : list) {
      List<String> cols = new ArrayList<>();
      boolean expr = false;
      try (Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("PRAGMA index_info(" + Sql.sqliteIdent(ix[0]) + ")")) {
        while (rs.next()) {
          String col = rs.getString("name");
          if (col == null) {
            expr = true;
          } else {
            cols.add(col);
          }
        }
      }
      out.add(new Index(ix[0], "1".equals(ix[1]), ix[2], "1".equals(ix[3]), List.copyOf(cols), expr));
    }
    return List.copyOf(out);
  }

  /** CHECK clauses found in the table's SQL (reported, not translated: they are SQLite expressions). */
  static List<String> checks(String sql) {
    List<String> out = new ArrayList<>();
    String upper = sql.toUpperCase(Locale.ROOT);
    int from = 0;
    while (true) {
      int i = upper.indexOf("CHECK", from);
      if (i < 0) {
        break;
      }
      int open = sql.indexOf('(', i);
      if (open < 0 || !sql.substring(i + 5, open).isBlank()) {
        from = i + 5;
        continue;
      }
      int depth = 0;
      int j = open;
      for (; j < sql.length(); j++) {
        char ch = sql.charAt(j);
        if (ch == '(') {
          depth++;
        } else if (ch == ')' && --depth == 0) {
          break;
        }
      }
      out.add(sql.substring(i, Math.min(j + 1, sql.length())).replaceAll("\\s+", " "));
      from = j;
    }
    return List.copyOf(out);
  }
}
