package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.sink.DuckDbWarehouse;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nurselink sql "SELECT ..."}: query the DuckDB warehouse (read-only). */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Query the DuckDB warehouse read-only: gold tables (dim_*, fact_*, kpi_*, features_*),",
        "etl_runs, and views over the lake (clean_<table>, quarantine_<table>)."})
public final class SqlCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "QUERY", description = "SQL (DuckDB dialect).")
  String query;

  @Option(names = "--csv", description = "Print CSV instead of an aligned table.")
  boolean csv;

  @Option(names = "--max-rows", description = "Print at most this many rows (default 100; 0 = all).")
  int maxRows = 100;

  @Override
  public Integer call() throws SQLException {
    Settings s = common.settings().build();
    DuckDbWarehouse wh = new DuckDbWarehouse(Path.of(s.get(ConfigKey.WAREHOUSE_DUCKDB_PATH)));
    try (Connection c = wh.openReadOnly(); Statement st = c.createStatement()) {
      boolean hasRows = st.execute(query);
      if (hasRows) {
        try (ResultSet rs = st.getResultSet()) {
          print(rs, System.out, csv, maxRows);
        }
      } else {
        System.out.println("ok (" + st.getUpdateCount() + ")");
      }
    }
    return 0;
  }

  /** Prints a result set as an aligned table or CSV. */
  public static void print(ResultSet rs, PrintStream out, boolean csv, int maxRows) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String[]> rows = new ArrayList<>();
    String[] header = new String[n];
    for (int i = 0; i < n; i++) {
      header[i] = md.getColumnLabel(i + 1);
    }
    int total = 0;
    while (rs.next()) {
      total++;
      if (maxRows > 0 && rows.size() >= maxRows) {
        continue;
      }
      String[] r = new String[n];
      for (int i = 0; i < n; i++) {
        Object v = rs.getObject(i + 1);
        r[i] = v == null ? (csv ? "" : "NULL") : v.toString();
      }
      rows.add(r);
    }
    if (csv) {
      out.println(csvLine(header));
      for (String[] r : rows) {
        out.println(csvLine(r));
      }
      return;
    }
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = header[i].length();
      for (String[] r : rows) {
        w[i] = Math.max(w[i], Math.min(60, r[i].length()));
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, w);
    for (int i = 0; i < n; i++) {
      sb.append(i > 0 ? "-+-" : "").append("-".repeat(w[i]));
    }
    sb.append('\n');
    for (String[] r : rows) {
      line(sb, r, w);
    }
    sb.append("(").append(total).append(total == 1 ? " row" : " rows")
        .append(total > rows.size() ? ", " + rows.size() + " shown" : "").append(")\n");
    out.print(sb);
  }

  private static void line(StringBuilder sb, String[] cells, int[] w) {
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i].length() > 60 ? cells[i].substring(0, 57) + "..." : cells[i];
      sb.append(i > 0 ? " | " : "").append(c).append(" ".repeat(Math.max(0, w[i] - c.length())));
    }
    sb.append('\n');
  }

  private static String csvLine(String[] cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      if (c.contains(",") || c.contains("\"") || c.contains("\n")) {
        c = "\"" + c.replace("\"", "\"\"") + "\"";
      }
      sb.append(i > 0 ? "," : "").append(c);
    }
    return sb.toString();
  }
}
