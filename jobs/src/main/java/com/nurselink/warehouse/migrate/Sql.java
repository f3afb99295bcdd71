package com.nurselink.warehouse.migrate;

import java.nio.charset.StandardCharsets;

/** Identifier and literal quoting for PostgreSQL and SQLite. Identifiers are always quoted. */
public final class Sql {
  /** PostgreSQL's identifier limit in bytes; longer names would be truncated silently. */
  static final int MAX_IDENT_BYTES = 63;

  private Sql() {}

  /** A PostgreSQL identifier, always double-quoted (keeps case, spaces and reserved words). */
  public static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code "schema"."name"}. */
  public static String qualified(String schema, String name) {
    return ident(schema) + "." + ident(name);
  }

  /** A SQLite identifier (double quotes work in every SQLite version). */
  public static String sqliteIdent(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code SELECT rowid, "c1", ... FROM "t"} for SQLite (0 instead of the rowid for WITHOUT ROWID tables). */
  static String sqliteSelect(String table, boolean hasRowid, java.util.List<String> columns) {
    StringBuilder sb = new StringBuilder("SELECT ").append(hasRowid ? "_rowid_" : "0");
    for (String c : columns) {
      sb.append(", ").append(sqliteIdent(c));
    }
    return sb.append(" FROM ").append(sqliteIdent(table)).toString();
  }

  /** A standard SQL string literal. */
  public static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** A name for a constraint or index, cut to PostgreSQL's limit with a stable hash suffix when too long. */
  public static String name(String... parts) {
    String n = String.join("_", parts);
    if (n.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENT_BYTES) {
      return n;
    }
    String suffix = "_" + Integer.toHexString(n.hashCode());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n.length(); ) {
      int cp = n.codePointAt(i);
      String next = sb.toString() + new String(Character.toChars(cp));
      if ((next + suffix).getBytes(StandardCharsets.UTF_8).length > MAX_IDENT_BYTES) {
        break;
      }
      sb.appendCodePoint(cp);
      i += Character.charCount(cp);
    }
    return sb + suffix;
  }
}
