package com.nurselink.warehouse.generate;

import com.nurselink.warehouse.contract.Column;
import com.nurselink.warehouse.contract.ColumnType;
import com.nurselink.warehouse.contract.SourceContract;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Loads rows into PostgreSQL, the clean production source: every value converted to its proper
 * type (timestamptz, date, numeric, lower-case enums, trimmed text), through one COPY per table
 * running side by side, then foreign keys and indexes. Rows that cannot be typed or would break a
 * constraint (null id, unreadable required timestamp, unknown enum, bad number, end before start, a
 * repeated id, a foreign key pointing nowhere) are skipped and counted. Of repeated ids the first
 * row is kept: the generator emits stale copies after the row they copy.
 */
final class PostgresSink implements RowSink {
  /** The four tables, parents first. */
  static final List<String> LOAD_ORDER = SourceContract.names();

  private final Connection main;
  private final SqlScript script;
  private final ZoneId zone;
  private final Map<SourceContract, Connection> copyConns = new EnumMap<>(SourceContract.class);
  private final Map<SourceContract, Writer> writers = new EnumMap<>(SourceContract.class);
  private final List<PGCopyOutputStream> copies = new ArrayList<>();
  private final Map<SourceContract, IdSet> ids = new EnumMap<>(SourceContract.class);
  private final Map<SourceContract, long[]> loaded = new EnumMap<>(SourceContract.class);
  private final Map<SourceContract, Map<String, Long>> skipped = new EnumMap<>(SourceContract.class);
  /** Per table, which columns the created tables declare NOT NULL (in contract order). */
  private final Map<SourceContract, boolean[]> notNull = new EnumMap<>(SourceContract.class);
  private boolean finished;
  private boolean created;

  /** Ids seen: a bit set for the usual range, a hash set beyond it. */
  private static final class IdSet {
    final BitSet small = new BitSet();
    final Set<Long> large = new HashSet<>();

    boolean contains(long id) {
      return id >= 0 && id < Integer.MAX_VALUE ? small.get((int) id) : large.contains(id);
    }

    void add(long id) {
      if (id >= 0 && id < Integer.MAX_VALUE) {
        small.set((int) id);
      } else {
        large.add(id);
      }
    }
  }

  PostgresSink(String url, SqlScript script, ZoneId zone, boolean replace) throws SQLException {
    this.script = script;
    this.zone = zone;
    this.main = DriverManager.getConnection(url);
    try {
      List<String> existing = existingTables(main);
      if (!existing.isEmpty()) {
        if (!replace) {
          throw new Generator.OutputExistsException("target database already has the tables " + existing
              + " (use --force to replace them)");
        }
        try (Statement st = main.createStatement()) {
          st.execute("DROP TABLE IF EXISTS " + String.join(", ", existing) + " CASCADE");
        }
      }
      try (Statement st = main.createStatement()) {
        for (String ddl : script.tables(LOAD_ORDER)) {
          st.execute(ddl);
        }
      }
      created = true;
      for (SourceContract t : SourceContract.values()) {
        notNull.put(t, notNullColumns(main, t));
      }
      for (SourceContract t : SourceContract.values()) {
        Connection c = DriverManager.getConnection(url);
        copyConns.put(t, c);
        c.setAutoCommit(false);
        PGCopyOutputStream out = new PGCopyOutputStream(c.unwrap(PGConnection.class),
            "COPY " + t.tableName() + " (" + String.join(", ", t.columnNames()) + ") FROM STDIN (FORMAT csv)", 1 << 16);
        copies.add(out);
        writers.put(t, new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16));
        ids.put(t, new IdSet());
        loaded.put(t, new long[1]);
        skipped.put(t, new TreeMap<>());
      }
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Which columns of a created table are NOT NULL, in the order of the contract. */
  private static boolean[] notNullColumns(Connection c, SourceContract t) throws SQLException {
    Map<String, Boolean> byName = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT column_name, is_nullable FROM information_schema.columns"
        + " WHERE table_schema = current_schema() AND table_name = ?")) {
      ps.setString(1, t.tableName());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byName.put(rs.getString(1), rs.getString(2).equals("NO"));
        }
      }
    }
    boolean[] out = new boolean[t.columns().size()];
    for (int i = 0; i < out.length; i++) {
      Boolean nn = byName.get(t.columns().get(i).name());
      if (nn == null) {
        throw new SQLException("the created table " + t.tableName() + " has no column " + t.columns().get(i).name());
      }
      out[i] = nn;
    }
    return out;
  }

  /** Which of the four tables already exist in the target's current schema. */
  static List<String> existingTables(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
        + " WHERE table_schema = current_schema() AND table_name = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("text", LOAD_ORDER.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    out.sort((a, b) -> LOAD_ORDER.indexOf(b) - LOAD_ORDER.indexOf(a));
    return out;
  }

  @Override
  public void row(SourceContract table, Object[] values) throws IOException {
    StringBuilder line = new StringBuilder(160);
    String reason = typed(table, values, line);
    if (reason == null) {
      Long id = (Long) values[0];
      IdSet seen = ids.get(table);
      if (seen.contains(id)) {
        reason = Defect.DUPLICATE.code();
      } else {
        seen.add(id);
      }
    }
    if (reason != null) {
      skipped.get(table).merge(reason, 1L, Long::sum);
      return;
    }
    writers.get(table).append(line).append('\n');
    loaded.get(table)[0]++;
  }

  /**
   * Appends the CSV line of a row, or returns the reason it cannot be loaded: a value of the wrong
   * type for its contract column ({@link SourceContract}), a null in a NOT NULL column of the created
   * table, an enum value not in the contract, an end before its start, a foreign key to no row.
   */
  private String typed(SourceContract table, Object[] v, StringBuilder line) {
    List<Column> cols = table.columns();
    boolean[] required = notNull.get(table);
    Object[] out = new Object[v.length];
    String reason = null;
    for (int i = 0; i < v.length && reason == null; i++) {
      ColumnType type = cols.get(i).type();
      try {
        out[i] = switch (type) {
          case KEY -> id(v[i]);
          case TEXT -> SourceValues.text(v[i]);
          case ENUM -> SourceValues.enumValue(v[i]);
          case TIMESTAMP -> SourceValues.instant(v[i], zone);
          case DATE -> SourceValues.localDate(v[i], zone);
          case NUMBER -> money(v[i]);
        };
      } catch (DateTimeException e) {
        reason = Defect.BAD_TIMESTAMP.code();
      } catch (NumberFormatException e) {
        reason = type == ColumnType.KEY ? "bad_id" : Defect.BAD_NUMBER.code();
      }
      if (reason == null && out[i] == null && (required[i] || type == ColumnType.ENUM)) {
        reason = switch (type) {
          case TIMESTAMP, DATE -> Defect.BAD_TIMESTAMP.code();
          case NUMBER -> Defect.BAD_NUMBER.code();
          case ENUM -> Defect.BAD_ENUM.code();
          case KEY -> cols.get(i).name().equals(SourceContract.ID) ? Defect.MISSING_KEY.code() : "missing_value";
          case TEXT -> "missing_value";
        };
      }
      if (reason == null && type == ColumnType.ENUM && !cols.get(i).values().contains((String) out[i])) {
        reason = Defect.BAD_ENUM.code();
      }
    }
    if (reason == null) {
      reason = rangeAndParents(table, out);
    }
    if (reason != null) {
      return reason;
    }
    for (int i = 0; i < out.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      Object o = out[i];
      if (o instanceof String s) {
        line.append('"').append(s.replace("\"", "\"\"")).append('"');
      } else if (o instanceof BigDecimal d) {
        line.append(d.toPlainString());
      } else if (o != null) {
        line.append(o);
      }
    }
    return null;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private String rangeAndParents(SourceContract table, Object[] out) {
    SourceContract.Range range = table.range();
    if (range != null) {
      Comparable start = (Comparable) out[table.index(range.start())];
      Comparable end = (Comparable) out[table.index(range.end())];
      if (start != null && end != null && end.compareTo(start) < 0) {
        return Defect.BAD_RANGE.code();
      }
    }
    List<Column> cols = table.columns();
    for (int i = 0; i < cols.size(); i++) {
      String parent = cols.get(i).references();
      if (parent != null && out[i] != null && !ids.get(SourceContract.of(parent)).contains((Long) out[i])) {
        return Defect.ORPHAN.code();
      }
    }
    return null;
  }

  private static Long id(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Long || v instanceof Integer) {
      return ((Number) v).longValue();
    }
    String s = SourceValues.text(v);
    return s == null ? null : Long.valueOf(s);
  }

  private static BigDecimal money(Object v) {
    BigDecimal d = SourceValues.nonNegative(v);
    if (d != null && d.compareTo(BigDecimal.valueOf(99_999_999)) > 0) {
      throw new NumberFormatException("out of range: " + v);
    }
    return d;
  }

  @Override
  public void finish() throws SQLException, IOException {
    for (SourceContract t : SourceContract.values()) {
      writers.remove(t).close();
      copyConns.get(t).commit();
    }
    try (Statement st = main.createStatement()) {
      for (String ddl : script.afterLoad(LOAD_ORDER)) {
        st.execute(ddl);
      }
      st.execute("ANALYZE " + String.join(", ", LOAD_ORDER));
    }
    finished = true;
  }

  /** Rows loaded per table. */
  Map<String, Long> loaded() {
    Map<String, Long> m = new LinkedHashMap<>();
    loaded.forEach((t, n) -> m.put(t.tableName(), n[0]));
    return m;
  }

  /** Rows skipped per table and reason. */
  Map<String, Map<String, Long>> skipped() {
    Map<String, Map<String, Long>> m = new LinkedHashMap<>();
    skipped.forEach((t, r) -> m.put(t.tableName(), Map.copyOf(r)));
    return m;
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (PGCopyOutputStream out : copies) {
      try {
        if (out.isActive()) {
          out.cancelCopy();
        }
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    copies.clear();
    for (Connection c : copyConns.values()) {
      try {
        if (!finished) {
          c.rollback();
        }
        c.close();
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    copyConns.clear();
    writers.clear();
    try {
      if (!finished && created) {
        try (Statement st = main.createStatement()) {
          st.execute("DROP TABLE IF EXISTS " + String.join(", ", LOAD_ORDER) + " CASCADE");
        }
      }
      main.close();
    } catch (SQLException e) {
      first = first == null ? e : first;
    }
    if (first != null && finished) {
      throw first;
    }
  }
}
