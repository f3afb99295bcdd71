package com.nurselink.warehouse.generate;

import static com.nurselink.warehouse.generate.SourceTable.CONTRACTS;
import static com.nurselink.warehouse.generate.SourceTable.MISSIONS;
import static com.nurselink.warehouse.generate.SourceTable.MISSION_APPLICATIONS;
import static com.nurselink.warehouse.generate.SourceTable.USERS;

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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
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
  static final List<String> LOAD_ORDER = List.of("users", "missions", "mission_applications", "contracts");

  private enum Kind { ID, TEXT, REQUIRED_TEXT, ENUM, TS, REQUIRED_TS, DATE, REQUIRED_DATE, NUMBER, REQUIRED_NUMBER }

  private static final Map<SourceTable, Kind[]> KINDS = new EnumMap<>(SourceTable.class);
  /** Foreign keys: column -> parent table. */
  private static final Map<SourceTable, Map<String, SourceTable>> PARENTS = new EnumMap<>(SourceTable.class);

  static {
    Kind t = Kind.TEXT;
    KINDS.put(USERS, new Kind[] {Kind.ID, Kind.REQUIRED_TEXT, t, Kind.ENUM, t, t, Kind.REQUIRED_TS, Kind.REQUIRED_TS});
    KINDS.put(MISSIONS, new Kind[] {Kind.ID, Kind.ID, Kind.REQUIRED_TEXT, t, t, Kind.REQUIRED_NUMBER, Kind.ENUM,
        Kind.REQUIRED_TS, Kind.REQUIRED_TS, Kind.REQUIRED_TS, Kind.REQUIRED_TS});
    KINDS.put(MISSION_APPLICATIONS, new Kind[] {Kind.ID, Kind.ID, Kind.ID, Kind.ENUM, Kind.REQUIRED_TS,
        Kind.REQUIRED_TS});
    KINDS.put(CONTRACTS, new Kind[] {Kind.ID, Kind.ID, Kind.ID, Kind.ID, Kind.ENUM, Kind.REQUIRED_DATE, Kind.DATE,
        Kind.NUMBER, Kind.NUMBER, Kind.TS, Kind.REQUIRED_TS, Kind.REQUIRED_TS});
    PARENTS.put(USERS, Map.of());
    PARENTS.put(MISSIONS, Map.of("establishment_id", USERS));
    PARENTS.put(MISSION_APPLICATIONS, Map.of("mission_id", MISSIONS, "nurse_id", USERS));
    PARENTS.put(CONTRACTS, Map.of("mission_id", MISSIONS, "nurse_id", USERS, "application_id",
        MISSION_APPLICATIONS));
  }

  private final Connection main;
  private final SqlScript script;
  private final ZoneId zone;
  private final Map<SourceTable, Connection> copyConns = new EnumMap<>(SourceTable.class);
  private final Map<SourceTable, Writer> writers = new EnumMap<>(SourceTable.class);
  private final List<PGCopyOutputStream> copies = new ArrayList<>();
  private final Map<SourceTable, IdSet> ids = new EnumMap<>(SourceTable.class);
  private final Map<SourceTable, long[]> loaded = new EnumMap<>(SourceTable.class);
  private final Map<SourceTable, Map<String, Long>> skipped = new EnumMap<>(SourceTable.class);
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
      for (SourceTable t : SourceTable.values()) {
        Connection c = DriverManager.getConnection(url);
        copyConns.put(t, c);
        c.setAutoCommit(false);
        PGCopyOutputStream out = new PGCopyOutputStream(c.unwrap(PGConnection.class),
            "COPY " + t.sqlName() + " (" + String.join(", ", t.columns()) + ") FROM STDIN (FORMAT csv)", 1 << 16);
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
  public void row(SourceTable table, Object[] values) throws IOException {
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

  /** Appends the CSV line of a row, or returns the reason it cannot be loaded. */
  private String typed(SourceTable table, Object[] v, StringBuilder line) {
    Kind[] kinds = KINDS.get(table);
    List<String> cols = table.columns();
    Object[] out = new Object[v.length];
    String reason = null;
    for (int i = 0; i < v.length && reason == null; i++) {
      try {
        out[i] = switch (kinds[i]) {
          case ID -> id(v[i]);
          case TEXT, REQUIRED_TEXT -> SourceValues.text(v[i]);
          case ENUM -> SourceValues.enumValue(v[i]);
          case TS, REQUIRED_TS -> SourceValues.instant(v[i], zone);
          case DATE, REQUIRED_DATE -> SourceValues.localDate(v[i], zone);
          case NUMBER, REQUIRED_NUMBER -> money(v[i]);
        };
      } catch (DateTimeException e) {
        reason = Defect.BAD_TIMESTAMP.code();
      } catch (NumberFormatException e) {
        reason = kinds[i] == Kind.ID ? "bad_id" : Defect.BAD_NUMBER.code();
      }
      if (reason == null && out[i] == null) {
        reason = switch (kinds[i]) {
          case REQUIRED_TS, REQUIRED_DATE -> Defect.BAD_TIMESTAMP.code();
          case REQUIRED_NUMBER -> Defect.BAD_NUMBER.code();
          case REQUIRED_TEXT -> "missing_value";
          case ENUM -> Defect.BAD_ENUM.code();
          case ID -> i == 0 ? Defect.MISSING_KEY.code() : cols.get(i).equals("application_id") ? null : "missing_value";
          default -> null;
        };
      }
      if (reason == null && kinds[i] == Kind.ENUM && !table.enumValues().contains((String) out[i])) {
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

  private String rangeAndParents(SourceTable table, Object[] out) {
    if (table == MISSIONS && ((Instant) out[table.col("end_at")]).isBefore((Instant) out[table.col("start_at")])) {
      return Defect.BAD_RANGE.code();
    }
    if (table == CONTRACTS && out[table.col("end_date")] != null
        && ((LocalDate) out[table.col("end_date")]).isBefore((LocalDate) out[table.col("start_date")])) {
      return Defect.BAD_RANGE.code();
    }
    for (Map.Entry<String, SourceTable> fk : PARENTS.get(table).entrySet()) {
      Long ref = (Long) out[table.col(fk.getKey())];
      if (ref != null && !ids.get(fk.getValue()).contains(ref)) {
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
    for (SourceTable t : SourceTable.values()) {
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
    loaded.forEach((t, n) -> m.put(t.sqlName(), n[0]));
    return m;
  }

  /** Rows skipped per table and reason. */
  Map<String, Map<String, Long>> skipped() {
    Map<String, Map<String, Long>> m = new LinkedHashMap<>();
    skipped.forEach((t, r) -> m.put(t.sqlName(), Map.copyOf(r)));
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
