package com.nurselink.warehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.sink.DuckDbWarehouse;
import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nurselink sql "SELECT ..."}: query the DuckDB warehouse, read-only. The query reads the
 * warehouse and the files of the lake and nothing else: it must be a query (DuckDB's parser decides),
 * and the connection may touch no file outside the lake ({@code enable_external_access=false}, the
 * lake as the only allowed directory, configuration locked), so it can neither write a file, nor read
 * one elsewhere, attach a database or load an extension.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Query the DuckDB warehouse read-only: gold tables (dim_*, fact_*, kpi_*, features_*),",
        "etl_runs, and views over the lake (clean_<table>, quarantine_<table>).",
        "Queries only (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); files are read from the",
        "lake only (read_parquet('lake/...')). Other statements and files are refused (exit code 2)."})
public final class SqlCommand implements Callable<Integer> {
  /** Rows printed in a table when --max-rows is not given. */
  static final int TABLE_ROWS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PENDING_WRAPPER = Pattern.compile(
      "^Invalid Input Error: Attempting to execute an unsuccessful or closed pending query result\\R(?:Error: )?");
  private static final Pattern EXPLAIN = Pattern.compile("(?is)^\\s*EXPLAIN\\s+(?:ANALY[SZ]E\\s+)?(.*)");
  private static final Pattern CANNOT_ACCESS = Pattern.compile("Cannot access (?:file|directory) \"([^\"]*)\"");
  static final String QUERIES_ONLY = "nurselink sql runs queries only (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW,"
      + " SUMMARIZE, EXPLAIN): it does not write files, attach databases, change settings or load extensions";

  @Mixin CommonOptions common;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "QUERY", description = "SQL (DuckDB dialect).")
  String query;

  @Option(names = "--csv", description = "Print CSV (RFC 4180) instead of an aligned table.")
  boolean csv;

  @Option(names = "--max-rows", paramLabel = "N",
      description = "Print at most N rows (default: " + TABLE_ROWS + " in a table, all in CSV; 0 = all).")
  Integer maxRows;

  @Override
  public Integer call() {
    if (maxRows != null && maxRows < 0) {
      throw new ConfigException("--max-rows must be 0 or more, got " + maxRows);
    }
    int limit = maxRows != null ? maxRows : csv ? 0 : TABLE_ROWS;
    Settings s = common.settings().build();
    DuckDbWarehouse wh = new DuckDbWarehouse(Path.of(s.get(ConfigKey.WAREHOUSE_DUCKDB_PATH)));
    Path lake = Path.of(s.get(ConfigKey.LAKE_PATH)).toAbsolutePath().normalize();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Connection c = wh.openReadOnly()) {
      confine(c, lake);
      requireQuery(c, query);
      try (Statement st = c.createStatement()) {
        if (st.execute(query)) {
          try (ResultSet rs = st.getResultSet()) {
            Shown shown = print(rs, out, csv, limit);
            out.flush();
            if (shown.total() > shown.rows()) {
              err.println("nurselink: " + shown.rows() + " of " + shown.total() + " rows printed (--max-rows "
                  + limit + "; --max-rows 0 prints all)");
            }
          }
        } else {
          out.println("ok (" + st.getUpdateCount() + ")");
        }
      }
    } catch (SQLException e) {
      String msg = duckDbMessage(e);
      if (msg.startsWith("Permission Error:")) {
        Matcher m = CANNOT_ACCESS.matcher(msg);
        throw new Main.ExitCodeException("nurselink sql reads files of the lake only (" + lake + "): "
            + (m.find() ? "cannot read \"" + m.group(1) + "\"" : msg.lines().findFirst().orElse(msg)), Main.EXIT_USAGE);
      }
      printDuckDbError(err, msg);
      return Main.EXIT_FAILED;
    } finally {
      out.flush();
      err.flush();
    }
    return 0;
  }

  /**
   * Confines a connection to reading: no file access but under {@code lake} (the path as configured and,
   * when it is a link, where it leads), no settings changed afterwards.
   */
  static void confine(Connection c, Path lake) throws SQLException {
    Set<String> dirs = new LinkedHashSet<>();
    dirs.add(lake.toString());
    try {
      if (Files.exists(lake)) {
        dirs.add(lake.toRealPath().toString());
      }
    } catch (IOException e) {
      // the configured path alone
    }
    StringBuilder list = new StringBuilder();
    for (String d : dirs) {
      list.append(list.length() > 0 ? ", " : "").append(literal(d.endsWith("/") ? d : d + "/"));
    }
    try (Statement st = c.createStatement()) {
      st.execute("SET allowed_directories = [" + list + "]");
      st.execute("SET autoinstall_known_extensions = false");
      st.execute("SET autoload_known_extensions = false");
      st.execute("SET enable_external_access = false");
      st.execute("SET lock_configuration = true");
    }
  }

  /**
   * Refuses what is not a query, as DuckDB's own parser reads it ({@code json_serialize_sql} serialises
   * SELECT statements only); {@code EXPLAIN [ANALYZE]} of a query is a query. Text that does not parse is
   * left to DuckDB, which reports the syntax error (nothing runs: the whole text is parsed first).
   */
  static void requireQuery(Connection c, String sql) throws SQLException {
    JsonNode parsed;
    try (PreparedStatement ps = c.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      ps.setString(1, sql);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        parsed = JSON.readTree(rs.getString(1));
      } catch (IOException e) {
        throw new SQLException("cannot read DuckDB's parse of the query", e);
      }
    }
    if (!parsed.path("error").asBoolean(false) || parsed.path("error_type").asText("").equals("parser")) {
      return;
    }
    Matcher m = EXPLAIN.matcher(sql);
    if (m.matches()) {
      requireQuery(c, m.group(1));
      return;
    }
    throw new Main.ExitCodeException(QUERIES_ONLY, Main.EXIT_USAGE);
  }

  /** DuckDB's message without the JDBC driver's pending-query wrapper, lines intact. */
  static String duckDbMessage(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return PENDING_WRAPPER.matcher(m).replaceFirst("").stripTrailing();
  }

  /** {@code nurselink: error: } and DuckDB's message, its LINE and caret lines as DuckDB wrote them. */
  static void printDuckDbError(PrintWriter err, String message) {
    err.print("nurselink: error: " + Secrets.maskText(message).replace("\r\n", "\n") + "\n");
    err.flush();
  }

  /** Rows printed and rows in the result. */
  public record Shown(int rows, long total) {}

  /** Prints a result set as an aligned table or CSV ({@code maxRows} 0: every row). */
  public static void print(ResultSet rs, PrintStream out, boolean csv, int maxRows) throws SQLException {
    PrintWriter w = new PrintWriter(out);
    print(rs, w, csv, maxRows);
    w.flush();
  }

  /** Prints a result set as an aligned table or CSV ({@code maxRows} 0: every row); returns what was printed. */
  public static Shown print(ResultSet rs, PrintWriter out, boolean csv, int maxRows) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    String[] header = new String[n];
    for (int i = 0; i < n; i++) {
      header[i] = md.getColumnLabel(i + 1);
    }
    if (csv) {
      out.print(csvLine(header) + "\n");
    }
    List<String[]> rows = new ArrayList<>();
    long total = 0;
    int shown = 0;
    while (rs.next()) {
      total++;
      if (maxRows > 0 && shown >= maxRows) {
        continue;
      }
      shown++;
      String[] r = new String[n];
      for (int i = 0; i < n; i++) {
        Object v = rs.getObject(i + 1);
        r[i] = v == null ? (csv ? "" : "NULL") : v.toString();
      }
      if (csv) {
        out.print(csvLine(r) + "\n");
      } else {
        rows.add(r);
      }
    }
    if (csv) {
      return new Shown(shown, total);
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
        .append(total > shown ? ", " + shown + " shown" : "").append(")\n");
    out.print(sb);
    return new Shown(shown, total);
  }

  private static void line(StringBuilder sb, String[] cells, int[] w) {
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i].length() > 60 ? cells[i].substring(0, 57) + "..." : cells[i];
      sb.append(i > 0 ? " | " : "").append(c).append(" ".repeat(Math.max(0, w[i] - c.length())));
    }
    sb.append('\n');
  }

  /** One CSV record (RFC 4180): a field holding a quote, a comma, CR or LF is quoted, its quotes doubled. */
  static String csvLine(String[] cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      if (c.indexOf('"') >= 0 || c.indexOf(',') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
        c = "\"" + c.replace("\"", "\"\"") + "\"";
      }
      sb.append(i > 0 ? "," : "").append(c);
    }
    return sb.toString();
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
