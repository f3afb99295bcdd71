package com.nurselink.warehouse.generate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DDL script of {@code sql/}: its statements, split into the ones that create tables (run before a
 * bulk load) and the rest (foreign keys and indexes, run after it), each tagged with its table.
 */
public final class SqlScript {
  private static final Pattern TABLE_OF = Pattern.compile(
      "(?is)^\\s*(?:CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?|ALTER\\s+TABLE\\s+(?:ONLY\\s+)?"
          + "|CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\\w+\\s+ON\\s+)\"?(\\w+)");
  private static final Pattern RELAXED = Pattern.compile("(?i)\\s+(PRIMARY\\s+KEY|NOT\\s+NULL|UNIQUE)\\b");

  /** One statement and the table it belongs to. */
  public record Statement(String table, String sql, boolean createsTable) {}

  private final List<Statement> statements;

  private SqlScript(List<Statement> statements) {
    this.statements = List.copyOf(statements);
  }

  /**
   * Loads {@code sql/<relative>} from the classpath (the jar ships {@code sql/}), else from the
   * checkout named by the system property {@code nurselink.repo} or {@code nurselink.home}, else
   * from the working directory.
   */
  public static SqlScript load(String relative) {
    String resource = "/sql/" + relative;
    try (InputStream in = SqlScript.class.getResourceAsStream(resource)) {
      if (in != null) {
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      for (String base : new String[] {System.getProperty("nurselink.repo"), System.getProperty("nurselink.home"), "."}) {
        if (base != null) {
          Path p = Path.of(base, "sql").resolve(relative);
          if (Files.isRegularFile(p)) {
            return parse(Files.readString(p));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read sql/" + relative, e);
    }
    throw new IllegalStateException("sql/" + relative + " not found on the classpath nor in the checkout");
  }

  /** Splits a script on the semicolons that end a line, dropping {@code --} comments. */
  public static SqlScript parse(String text) {
    StringBuilder clean = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      int c = line.indexOf("--");
      clean.append(c >= 0 ? line.substring(0, c) : line).append('\n');
    }
    List<Statement> out = new ArrayList<>();
    for (String s : clean.toString().split(";\\s*\n")) {
      String sql = s.strip();
      if (sql.endsWith(";")) {
        sql = sql.substring(0, sql.length() - 1).strip();
      }
      if (sql.isEmpty()) {
        continue;
      }
      Matcher m = TABLE_OF.matcher(sql);
      String table = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
      boolean creates = sql.regionMatches(true, 0, "CREATE TABLE", 0, 12);
      out.add(new Statement(table, sql, creates));
    }
    return new SqlScript(out);
  }

  public List<Statement> statements() {
    return statements;
  }

  /** The CREATE TABLE statements of the given tables. */
  public List<String> tables(List<String> tables) {
    return statements.stream().filter(s -> s.createsTable() && tables.contains(s.table())).map(Statement::sql).toList();
  }

  /** Everything else (constraints, indexes) about the given tables, in script order. */
  public List<String> afterLoad(List<String> tables) {
    return statements.stream().filter(s -> !s.createsTable() && tables.contains(s.table())).map(Statement::sql).toList();
  }

  /**
   * The same script for a merged export: PRIMARY KEY, UNIQUE and NOT NULL dropped, and a plain
   * index on each table's id (so null and repeated ids can be stored and still looked up).
   */
  public SqlScript relaxed() {
    List<Statement> out = new ArrayList<>();
    for (Statement s : statements) {
      out.add(new Statement(s.table(), RELAXED.matcher(s.sql()).replaceAll(""), s.createsTable()));
    }
    for (Statement s : statements) {
      if (s.createsTable()) {
        out.add(new Statement(s.table(), "CREATE INDEX " + s.table() + "_id ON " + s.table() + "(id)", false));
      }
    }
    return new SqlScript(out);
  }
}
