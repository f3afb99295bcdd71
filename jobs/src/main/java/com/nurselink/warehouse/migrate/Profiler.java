package com.nurselink.warehouse.migrate;

import com.nurselink.warehouse.source.SqliteFile;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One streamed pass over a table: every value is read against every candidate type of its column. Read
 * through SQLite, a column stops being read once only text can hold it, and SQLite's aggregates complete
 * its counts ({@link #settle}); read from the file, every value is read.
 */
public final class Profiler {
  /** A table's profile: its row count and one profile per column. */
  public record TableProfile(String table, long rows, boolean hasRowid, Map<String, ColumnProfile> columns) {}

  private Profiler() {}

  /** Profiles {@code t}, reading its rows from {@code file} when given (else through {@code sqlite}). */
  public static TableProfile profile(Connection sqlite, SqliteFile file, SourceCatalog.Table t, ZoneId zone)
      throws SQLException {
    List<SourceCatalog.Column> cols = t.columns();
    ColumnProfile[] profiles = new ColumnProfile[cols.size()];
    Map<String, ColumnProfile> byName = new LinkedHashMap<>();
    for (int i = 0; i < cols.size(); i++) {
      profiles[i] = new ColumnProfile(cols.get(i).name(), TypePlanner.candidates(cols.get(i)), zone);
      byName.put(cols.get(i).name(), profiles[i]);
    }
    long rows = 0;
    boolean[] settled = new boolean[profiles.length];
    boolean[] blobsAfter = new boolean[profiles.length];
    List<String> names = cols.stream().map(SourceCatalog.Column::name).toList();
    boolean everyValue;
    try (SourceRows rs = SourceRows.open(sqlite, file, t, names)) {
      // read from the file, a value costs less than SQLite's aggregates over a column would: read them all
      everyValue = rs.direct();
      while (rs.next()) {
        long rowid = rs.rowid();
        for (int i = 0; i < profiles.length; i++) {
          if (!settled[i]) {
            profiles[i].add(rowid, rs.getObject(i));
            settled[i] = !everyValue && profiles[i].settled();
          }
        }
        rows++;
      }
    }
    if (!everyValue) {
      settle(sqlite, t, profiles, settled, blobsAfter);
    }
    for (int i = 0; i < profiles.length; i++) {
      if (blobsAfter[i]) {
        // blobs in a column that looked like text: read it again, every value
        ColumnProfile p = new ColumnProfile(cols.get(i).name(), TypePlanner.candidates(cols.get(i)), zone);
        try (SourceRows rs = SourceRows.open(sqlite, file, t, List.of(cols.get(i).name()))) {
          while (rs.next()) {
            p.add(rs.rowid(), rs.getObject(0));
          }
        }
        byName.put(p.column(), p);
      }
    }
    return new TableProfile(t.name(), rows, !t.withoutRowid(), byName);
  }

  /** SQLite's aggregates for the columns that settled on text (their later values were not read). */
  private static void settle(Connection sqlite, SourceCatalog.Table t, ColumnProfile[] profiles, boolean[] settled,
      boolean[] blobs) throws SQLException {
    StringBuilder sb = new StringBuilder("SELECT 0");
    for (int i = 0; i < profiles.length; i++) {
      if (settled[i]) {
        String c = Sql.sqliteIdent(profiles[i].column());
        for (String type : List.of("integer", "real", "text", "blob", "null")) {
          sb.append(", total(typeof(").append(c).append(") = '").append(type).append("')");
        }
        sb.append(", total(").append(c).append(" = ''), max(length(").append(c).append("))");
      }
    }
    sb.append(" FROM ").append(Sql.sqliteIdent(t.name()));
    try (Statement st = sqlite.createStatement(); ResultSet rs = st.executeQuery(sb.toString())) {
      rs.next();
      int pos = 2;
      for (int i = 0; i < profiles.length; i++) {
        if (settled[i]) {
          long[] v = new long[7];
          for (int k = 0; k < 7; k++) {
            v[k] = rs.getLong(pos++);
          }
          profiles[i].settle(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
          blobs[i] = v[3] > 0;
        }
      }
    }
  }
}
