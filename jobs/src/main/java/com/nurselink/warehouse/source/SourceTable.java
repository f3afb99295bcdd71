package com.nurselink.warehouse.source;

import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.util.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where one logical table (users, missions, mission_applications, contracts) is read from: a
 * connection (SQLite file or JDBC URL), a physical table name, and a map from logical column to
 * physical column for the columns named differently.
 */
public record SourceTable(String logical, String url, String physicalTable, Map<String, String> columnMap) {
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Pattern QUALIFIED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}");

  public SourceTable {
    if (!QUALIFIED.matcher(physicalTable).matches()) {
      throw new ConfigException("source." + logical + ".table: '" + Secrets.clip(physicalTable)
          + "' is not a plain identifier (letters, digits, _; optionally schema.table)");
    }
    for (Map.Entry<String, String> e : columnMap.entrySet()) {
      if (!IDENT.matcher(e.getKey()).matches() || !IDENT.matcher(e.getValue()).matches()) {
        throw new ConfigException("source." + logical + ".columns: '" + Secrets.clip(e.getKey()) + ":"
            + Secrets.clip(e.getValue()) + "' is not a pair of plain identifiers");
      }
    }
  }

  /** Parses {@code logical:physical,logical:physical}. */
  public static Map<String, String> parseColumnMap(String logical, String spec) {
    Map<String, String> m = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return m;
    }
    for (String pair : spec.split(",")) {
      String[] kv = pair.trim().split(":");
      if (kv.length != 2) {
        throw new ConfigException("source." + logical + ".columns: expected logical:physical pairs, got '"
            + Secrets.clip(pair) + "'");
      }
      m.put(kv[0].trim(), kv[1].trim());
    }
    return m;
  }

  public boolean isSqlite() {
    return !url.startsWith("jdbc:") || url.startsWith("jdbc:sqlite:");
  }

  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  /** The SQLite file path (for SQLite sources). */
  public String sqlitePath() {
    return url.startsWith("jdbc:sqlite:") ? url.substring("jdbc:sqlite:".length()) : url;
  }

  /** Physical column name of a logical column. */
  public String physical(String logicalColumn) {
    return columnMap.getOrDefault(logicalColumn, logicalColumn);
  }

  /** The source as it may be printed: file path or masked URL. */
  public String display() {
    return Secrets.maskUrl(url) + " table " + physicalTable;
  }

  /** A quoted SQL identifier (the name was validated as a plain identifier). */
  public static String quote(String ident) {
    if (ident.contains(".")) {
      String[] p = ident.split("\\.");
      return "\"" + p[0] + "\".\"" + p[1] + "\"";
    }
    return "\"" + ident + "\"";
  }
}
