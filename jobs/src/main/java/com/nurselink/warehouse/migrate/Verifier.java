package com.nurselink.warehouse.migrate;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a loaded table on both sides.
 * <ul>
 *   <li>rows: SQLite's {@code count(*)} = rows read = rows COPY reported = PostgreSQL's {@code count(*)};</li>
 *   <li>SQLite's side comes from the profile's aggregate query over the same snapshot;</li>
 *   <li>per column: SQLite's {@code count(col)} = PostgreSQL's {@code count(col)} + values kept in the rejects
 *   table; for integer columns stored as integers, SQLite's {@code sum(col)} = PostgreSQL's;</li>
 *   <li>per column: the {@link ColumnDigest} aggregates of the values sent = the same aggregates computed by
 *   PostgreSQL over what it stored (exact sums of numerics, of epoch seconds, bit patterns of doubles,
 *   lengths and hashes of text and bytes).</li>
 * </ul>
 */
public final class Verifier {
  /** The verdict on one table. */
  public record TableCheck(String table, long sourceRows, long targetRows, int columnsChecked, long rejected,
      List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private Verifier() {}

  /**
   * @param profile SQLite's aggregates over the same snapshot the rows were read from (row count, non-null
   *     values per column, sums of integer columns), computed by SQLite independently of the COPY reader
   * @param pgHash text digests are PostgreSQL's hash ({@link PgTextHash}), as the loader computed them
   */
  public static TableCheck verify(Connection pg, TablePlan t, DdlWriter ddl, CopyLoader.Loaded loaded,
      Profiler.TableProfile profile, boolean pgHash) throws SQLException {
    List<String> problems = new ArrayList<>();
    List<ColumnPlan> cols = t.columns();
    long sourceRows = profile.rows();
    long[] sourceCounts = new long[cols.size()];
    Map<Integer, BigDecimal> sourceSums = new HashMap<>();
    for (int i = 0; i < cols.size(); i++) {
      ColumnPlan c = cols.get(i);
      ColumnProfile p = profile.columns().get(c.name());
      sourceCounts[i] = p.nonNull();
      if (c.kind() == Kind.INTEGER && p.integers() == p.nonNull() && c.strategy() == ColumnPlan.Strategy.EXACT
          && p.integerSum() != null) {
        sourceSums.put(i, p.integerSum());
      }
    }
    // rejects kept per column
    Map<String, Long> rejected = new HashMap<>();
    for (CopyLoader.Reject r : loaded.rejects()) {
      rejected.merge(r.column(), 1L, Long::sum);
    }
    if (!loaded.rejects().isEmpty()) {
      try (PreparedStatement ps = pg.prepareStatement("SELECT count(*) FROM " + ddl.table(DdlWriter.REJECTS_TABLE)
          + " WHERE \"table\" = ?")) {
        ps.setString(1, t.name());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) != loaded.rejects().size()) {
            problems.add("rejects table holds " + rs.getLong(1) + " values, expected " + loaded.rejects().size());
          }
        }
      }
    }
    // PostgreSQL side
    StringBuilder q = new StringBuilder("SELECT count(*)");
    for (ColumnPlan c : cols) {
      for (String e : ColumnDigest.sql(c.kind(), Sql.ident(c.name()), pgHash)) {
        q.append(", (").append(e).append(")::text");
      }
    }
    q.append(" FROM ").append(ddl.table(t.name()));
    long targetRows;
    try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(q.toString())) {
      rs.next();
      targetRows = rs.getLong(1);
      int pos = 2;
      for (int i = 0; i < cols.size(); i++) {
        ColumnPlan c = cols.get(i);
        List<BigDecimal> expected = loaded.digests().get(i).values();
        List<BigDecimal> actual = new ArrayList<>();
        for (int k = 0; k < expected.size(); k++) {
          String s = rs.getString(pos++);
          actual.add(s == null ? BigDecimal.ZERO : new BigDecimal(s));
        }
        if (!same(expected, actual)) {
          problems.add(c.name() + ": aggregates differ (sent " + expected + ", stored " + actual + ")");
        }
        long stored = actual.get(0).longValueExact();
        long kept = rejected.getOrDefault(c.name(), 0L);
        if (stored + kept != sourceCounts[i]) {
          problems.add(c.name() + ": " + sourceCounts[i] + " non-null values in SQLite, " + stored
              + " in PostgreSQL + " + kept + " rejected");
        }
        if (sourceSums.containsKey(i) && sourceSums.get(i).compareTo(actual.get(1)) != 0) {
          problems.add(c.name() + ": sum " + sourceSums.get(i) + " in SQLite, " + actual.get(1) + " in PostgreSQL");
        }
      }
    }
    if (sourceRows != targetRows || loaded.rowsRead() != sourceRows || loaded.rowsCopied() != sourceRows) {
      problems.add("rows: " + sourceRows + " in SQLite, " + loaded.rowsRead() + " read, " + loaded.rowsCopied()
          + " copied, " + targetRows + " in PostgreSQL");
    }
    return new TableCheck(t.name(), sourceRows, targetRows, cols.size(), loaded.rejects().size(), List.copyOf(problems));
  }

  private static boolean same(List<BigDecimal> a, List<BigDecimal> b) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).compareTo(b.get(i)) != 0) {
        return false;
      }
    }
    return true;
  }
}
