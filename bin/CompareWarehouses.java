import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Compares two DuckDB warehouses written by two nightly runs over the same source and date: every
 * table and view (gold tables, {@code clean_*} and {@code quarantine_*} views) must have the same
 * columns and the same rows, duplicates included (EXCEPT ALL both ways). The ledger and the load
 * bookkeeping ({@code etl_*}, {@code warehouse_*}) carry run ids and times and are not compared.
 *
 * <p>Single-file program, run with the DuckDB JDBC jar on the class path:
 * {@code java -cp duckdb_jdbc.jar bin/CompareWarehouses.java EXPECTED.duckdb ACTUAL.duckdb}.
 * Prints one line per table; exit 0 when all are identical, 1 when one differs (named), 2 on usage.
 */
public final class CompareWarehouses {
  private static final String SKIPPED = "table_name NOT LIKE 'etl\\_%' ESCAPE '\\' AND table_name NOT LIKE 'warehouse\\_%' ESCAPE '\\'";

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: CompareWarehouses EXPECTED.duckdb ACTUAL.duckdb");
      System.exit(2);
    }
    List<String> differ = new ArrayList<>();
    int identical = 0;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute("ATTACH " + literal(args[0]) + " AS expected (READ_ONLY)");
      st.execute("ATTACH " + literal(args[1]) + " AS actual (READ_ONLY)");
      TreeSet<String> expected = tables(st, "expected");
      TreeSet<String> actual = tables(st, "actual");
      if (expected.isEmpty()) {
        System.err.println("compare: no table in " + args[0]);
        System.exit(1);
      }
      TreeSet<String> all = new TreeSet<>(expected);
      all.addAll(actual);
      for (String t : all) {
        if (!actual.contains(t) || !expected.contains(t)) {
          report(differ, t, "only in " + (actual.contains(t) ? args[1] : args[0]));
          continue;
        }
        String ce = columns(st, "expected", t);
        String ca = columns(st, "actual", t);
        if (!ce.equals(ca)) {
          report(differ, t, "columns differ: " + ce + " vs " + ca);
          continue;
        }
        String e = "expected.main.\"" + t + "\"";
        String a = "actual.main.\"" + t + "\"";
        long rows = count(st, "SELECT count(*) FROM " + e);
        long rowsActual = count(st, "SELECT count(*) FROM " + a);
        long missing = count(st, "SELECT count(*) FROM (SELECT * FROM " + e + " EXCEPT ALL SELECT * FROM " + a + ")");
        long extra = count(st, "SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + e + ")");
        if (missing == 0 && extra == 0 && rows == rowsActual) {
          identical++;
          System.out.printf(Locale.ROOT, "  %-34s %,9d rows  identical%n", t, rows);
        } else {
          report(differ, t, String.format(Locale.ROOT, "%,d rows vs %,d: %,d rows missing, %,d rows extra", rows,
              rowsActual, missing, extra));
          sample(st, "missing", e, a);
          sample(st, "extra", a, e);
        }
      }
    }
    if (!differ.isEmpty()) {
      System.out.println("compare: " + differ.size() + " table(s) differ: " + String.join(", ", differ));
      System.exit(1);
    }
    System.out.println("compare: " + identical + " tables identical");
  }

  /** Tables and views of the main schema, ledger and bookkeeping excepted. */
  private static TreeSet<String> tables(Statement st, String db) throws SQLException {
    TreeSet<String> out = new TreeSet<>();
    try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_catalog = '"
        + db + "' AND table_schema = 'main' AND " + SKIPPED)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String columns(Statement st, String db, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position)"
        + " FROM information_schema.columns WHERE table_catalog = '" + db + "' AND table_schema = 'main'"
        + " AND table_name = " + literal(table))) {
      rs.next();
      return String.valueOf(rs.getString(1));
    }
  }

  private static long count(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void report(List<String> differ, String table, String why) {
    differ.add(table);
    System.out.printf(Locale.ROOT, "  %-34s DIFFERS: %s%n", table, why);
  }

  /** Up to 3 rows of {@code from} that {@code other} lacks. */
  private static void sample(Statement st, String what, String from, String other) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT * FROM (SELECT * FROM " + from + " EXCEPT ALL SELECT * FROM " + other
        + ") LIMIT 3")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        String row = sb.length() > 400 ? sb.substring(0, 400) + "..." : sb.toString();
        System.out.println("      " + what + ": " + row);
      }
    }
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
