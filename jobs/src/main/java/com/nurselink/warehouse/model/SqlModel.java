package com.nurselink.warehouse.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One SQL model: a file {@code sql/<path>.sql} on the classpath holding exactly one SELECT, with
 * {@code ${name}} placeholders for the run parameters ({@link #PARAMETERS}). The same text runs on
 * Spark SQL and on DuckDB (with {@code sql/duckdb/compat.sql} loaded).
 *
 * <p>Rendering refuses, with a message naming the file: a placeholder that is not a known
 * parameter, a known parameter the caller did not set, more than one statement, and anything but
 * a query ({@code WITH} or {@code SELECT}).
 */
public final class SqlModel {
  /** The parameters a model may use (see {@link SqlParams}). */
  public static final Set<String> PARAMETERS = Set.of("as_of_date", "cutoff_utc", "business_zone", "run_id");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

  private final String resource;
  private final String text;

  private SqlModel(String resource, String text) {
    this.resource = resource;
    this.text = text;
  }

  /**
   * Loads {@code sql/<path>} from the classpath; {@code path} is relative to {@code sql/}, with
   * or without the {@code .sql} suffix (e.g. {@code model/fact_mission}).
   */
  public static SqlModel load(String path) {
    String resource = "sql/" + (path.endsWith(".sql") ? path : path + ".sql");
    return new SqlModel(resource, readResource(resource));
  }

  /** The text of a classpath resource, UTF-8. */
  public static String readResource(String resource) {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    try (InputStream in = (cl != null ? cl : SqlModel.class.getClassLoader()).getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("SQL file not found on the classpath: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** The model's name: its file name without {@code .sql} (the name of its output view). */
  public String name() {
    String base = resource.substring(resource.lastIndexOf('/') + 1);
    return base.substring(0, base.length() - ".sql".length());
  }

  /** The classpath resource, e.g. {@code sql/model/fact_mission.sql}. */
  public String resource() {
    return resource;
  }

  /**
   * The file's header: its leading {@code --} comment lines, without the dashes, joined by single
   * spaces. It starts with {@code <name>: } and states the grain (sql/README.md).
   */
  public String header() {
    StringBuilder sb = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String l = line.strip();
      if (!l.startsWith("--")) {
        break;
      }
      String content = l.substring(2).strip();
      if (!content.isEmpty()) {
        sb.append(sb.length() == 0 ? "" : " ").append(content);
      }
    }
    return sb.toString();
  }

  /** The header's comment lines without their {@code --} and one following space, as written. */
  private java.util.List<String> headerLines() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String line : text.split("\n", -1)) {
      String l = line.strip();
      if (!l.startsWith("--")) {
        break;
      }
      String content = line.substring(line.indexOf("--") + 2);
      out.add(content.startsWith(" ") ? content.substring(1) : content);
    }
    return out;
  }

  /** The marker of the header's column block (sql/README.md). */
  static final String COLUMNS_MARKER = "Columns:";

  /**
   * The header's text before its column block, line by line as written (lists keep their
   * indentation); trailing blank lines dropped.
   */
  public java.util.List<String> description() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String l : headerLines()) {
      if (l.strip().equals(COLUMNS_MARKER)) {
        break;
      }
      out.add(l.stripTrailing());
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static final Pattern COLUMN_LINE = Pattern.compile("^  ([a-z_][a-z0-9_]*)\\s{2,}(\\S.*)$");
  private static final Pattern CONTINUATION = Pattern.compile("^ {4,}(\\S.*)$");

  /**
   * The header's column block: after a line {@code -- Columns:}, one line per output column,
   * {@code --   <name>  <description>}, a longer description continued on lines indented by 4 or
   * more spaces after the {@code -- }. In the order written; empty when the header has none.
   *
   * @throws IllegalArgumentException naming the file and line for a line of the block that is
   *     neither, or a column described twice
   */
  public Map<String, String> columns() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    boolean in = false;
    String last = null;
    int n = 0;
    for (String l : headerLines()) {
      n++;
      if (!in) {
        in = l.strip().equals(COLUMNS_MARKER);
        continue;
      }
      Matcher col = COLUMN_LINE.matcher(l);
      Matcher more = CONTINUATION.matcher(l);
      if (col.matches()) {
        last = col.group(1);
        if (out.put(last, col.group(2).strip()) != null) {
          throw new IllegalArgumentException(resource + " line " + n + ": column " + last + " described twice");
        }
      } else if (more.matches() && last != null) {
        out.put(last, out.get(last) + " " + more.group(1).strip());
      } else if (!l.isBlank()) {
        throw new IllegalArgumentException(resource + " line " + n + ": not a column line of the Columns block"
            + " ('--   <name>  <description>'): " + l.strip());
      }
    }
    return out;
  }

  private static final Pattern READ = Pattern.compile("\\b(?:from|join)\\s+([a-z_][a-z0-9_]*)\\b");
  private static final Pattern CTE = Pattern.compile("(?m)^\\s*(?:with\\s+)?([a-z_][a-z0-9_]*)\\s+as\\s*\\(");

  /**
   * The tables and views the model reads: the names after {@code from} and {@code join} that are
   * not its own common table expressions, sorted (comments left out).
   */
  public Set<String> reads() {
    String sql = text.replaceAll("--[^\n]*", "").toLowerCase(java.util.Locale.ROOT);
    Set<String> ctes = new TreeSet<>();
    Matcher c = CTE.matcher(sql);
    while (c.find()) {
      ctes.add(c.group(1));
    }
    Set<String> out = new TreeSet<>();
    Matcher m = READ.matcher(sql);
    while (m.find()) {
      if (!ctes.contains(m.group(1))) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /**
   * The grain the header states: in its opening clause (after {@code <name>: }, up to the first
   * colon or full stop outside parentheses), the phrase from {@code one row per} to the first
   * comma, semicolon, colon or full stop outside parentheses. Null when the opening clause states
   * none (an intermediate model with several grains).
   */
  public String grain() {
    String h = header();
    String prefix = name() + ": ";
    if (!h.startsWith(prefix)) {
      return null;
    }
    String opening = h.substring(prefix.length());
    opening = opening.substring(0, topLevelEnd(opening, ":."));
    int at = opening.indexOf("one row per ");
    if (at < 0) {
      return null;
    }
    String phrase = opening.substring(at);
    return phrase.substring(0, topLevelEnd(phrase, ",;:.")).strip();
  }

  /**
   * Index of the first of {@code stops} outside parentheses (a full stop only when followed by a
   * space or the end), or the length of {@code s}.
   */
  private static int topLevelEnd(String s, String stops) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth = Math.max(0, depth - 1);
      } else if (depth == 0 && stops.indexOf(c) >= 0
          && (c != '.' || i + 1 == s.length() || s.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return s.length();
  }

  /** The placeholders the file uses. */
  public Set<String> placeholders() {
    Set<String> names = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * The query with every placeholder replaced by its literal from {@code params} (extra entries
   * are ignored) and a trailing semicolon removed.
   *
   * @throws IllegalArgumentException on an unknown or unset placeholder, several statements, or a
   *     file that is not a query
   */
  public String render(Map<String, String> params) {
    for (String name : placeholders()) {
      if (!PARAMETERS.contains(name)) {
        throw new IllegalArgumentException(resource + ": unknown parameter ${" + name + "} (known: "
            + new TreeSet<>(PARAMETERS) + ")");
      }
      if (params.get(name) == null) {
        throw new IllegalArgumentException(resource + ": parameter ${" + name + "} is not set");
      }
    }
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(params.get(m.group(1))));
    }
    m.appendTail(sb);
    String sql = stripTrailingSemicolon(sb.toString());
    String code = SqlText.code(sql).strip();
    if (code.isEmpty()) {
      throw new IllegalArgumentException(resource + ": no statement");
    }
    if (code.indexOf(';') >= 0) {
      throw new IllegalArgumentException(resource + ": more than one statement");
    }
    String first = code.split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
    if (!first.equals("with") && !first.equals("select") && !first.startsWith("(")) {
      throw new IllegalArgumentException(resource + ": not a query (starts with '" + first + "')");
    }
    return sql;
  }

  /**
   * Renders with {@code params} and runs the query on Spark (analysis is eager: a missing view or
   * a bad column fails here).
   *
   * @throws IllegalStateException naming the file, when Spark rejects the query
   */
  public Dataset<Row> apply(SparkSession spark, SqlParams params) {
    String sql = render(params.literals());
    try {
      return spark.sql(sql);
    } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown undeclared
      throw new IllegalStateException(resource + ": " + e.getMessage(), e);
    }
  }

  private static String stripTrailingSemicolon(String sql) {
    String code = SqlText.code(sql);
    int end = code.length();
    while (end > 0 && Character.isWhitespace(code.charAt(end - 1))) {
      end--;
    }
    if (end > 0 && code.charAt(end - 1) == ';') {
      return sql.substring(0, end - 1) + sql.substring(end);
    }
    return sql;
  }
}
