package com.nurselink.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.sink.GoldTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks in notebooks/ stay in step with the warehouse without running them (no Python
 * packages needed): each is an nbformat 4 document, the SQL in its code cells reads only tables
 * and views the warehouse has, no committed output is an error, and the query helper module
 * byte-compiles and converts JDBC URLs on the machine's python3.
 */
class NotebooksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path REPO = Path.of(System.getProperty("nurselink.repo", ".")).toAbsolutePath();
  private static final Path NOTEBOOKS = REPO.resolve("notebooks");

  private static final Pattern TRIPLE_QUOTED = Pattern.compile("(?s)(\"\"\"|''')(.*?)\\1");
  private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"|'((?:[^'\\\\\\n]|\\\\.)*)'");
  private static final Pattern SELECT = Pattern.compile("(?i)\\bselect\\b");
  private static final Pattern LINE_COMMENT = Pattern.compile("--[^\\n]*");
  private static final Pattern TABLE_REF = Pattern.compile("(?i)\\b(?:from|join)\\s+([A-Za-z_][A-Za-z0-9_.]*)");
  private static final Pattern CTE = Pattern.compile("(?i)(?:\\bwith|,)\\s*([A-Za-z_][A-Za-z0-9_]*)\\s+as\\s*\\(");

  /** Tables and views of the warehouse: the gold tables, the run ledger, the lake views. */
  static Set<String> warehouseTables() {
    Set<String> known = new TreeSet<>();
    GoldTables.all().forEach(g -> known.add(g.name()));
    known.add("etl_runs");
    for (String t : SourceContract.names()) {
      known.add("clean_" + t);
      known.add("quarantine_" + t);
    }
    return known;
  }

  /** The SQL texts of a code cell: its string literals that contain SELECT. */
  static List<String> sqlStrings(String code) {
    List<String> out = new ArrayList<>();
    Matcher m = TRIPLE_QUOTED.matcher(code);
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      out.add(m.group(2));
      m.appendReplacement(rest, "\"\"");
    }
    m.appendTail(rest);
    Matcher q = QUOTED.matcher(rest);
    while (q.find()) {
      out.add(q.group(1) != null ? q.group(1) : q.group(2));
    }
    out.removeIf(s -> !SELECT.matcher(s).find());
    return out;
  }

  /** Names read after FROM / JOIN, lower-cased, minus the query's own CTEs. */
  static Set<String> tablesRead(String sql) {
    String text = LINE_COMMENT.matcher(sql).replaceAll(" ");
    Set<String> ctes = new TreeSet<>();
    Matcher c = CTE.matcher(text);
    while (c.find()) {
      ctes.add(c.group(1).toLowerCase(Locale.ROOT));
    }
    Set<String> tables = new TreeSet<>();
    Matcher t = TABLE_REF.matcher(text);
    while (t.find()) {
      String name = t.group(1).toLowerCase(Locale.ROOT);
      if (!ctes.contains(name)) {
        tables.add(name);
      }
    }
    return tables;
  }

  private static String text(JsonNode source) {
    if (source == null || source.isNull()) {
      return "";
    }
    if (source.isArray()) {
      StringBuilder sb = new StringBuilder();
      source.forEach(line -> sb.append(line.asText()));
      return sb.toString();
    }
    return source.asText();
  }

  private static List<Path> notebooks() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  @Test
  void theNotebooksArePresent() throws IOException {
    List<String> names = notebooks().stream().map(p -> p.getFileName().toString()).toList();
    assertTrue(names.containsAll(List.of("kpi_overview.ipynb", "features_exploration.ipynb")), names.toString());
    assertTrue(Files.isRegularFile(NOTEBOOKS.resolve("README.md")));
  }

  @Test
  void notebooksAreNbformat4AndQueryOnlyWarehouseTables() throws IOException {
    Set<String> known = warehouseTables();
    for (Path nb : notebooks()) {
      JsonNode doc = JSON.readTree(nb.toFile());
      String name = nb.getFileName().toString();
      assertEquals(4, doc.path("nbformat").asInt(), name + ": nbformat");
      assertTrue(doc.path("cells").isArray() && !doc.path("cells").isEmpty(), name + ": cells");
      int queries = 0;
      Set<String> unknown = new TreeSet<>();
      for (JsonNode cell : doc.get("cells")) {
        assertTrue(cell.hasNonNull("cell_type"), name + ": a cell without cell_type");
        if (!"code".equals(cell.get("cell_type").asText())) {
          continue;
        }
        for (String sql : sqlStrings(text(cell.get("source")))) {
          Set<String> read = tablesRead(sql);
          if (!read.isEmpty()) {
            queries++;
          }
          read.stream().filter(t -> !known.contains(t)).forEach(t -> unknown.add(t));
        }
        for (JsonNode out : cell.path("outputs")) {
          assertFalse("error".equals(out.path("output_type").asText()),
              name + ": a committed output is an error: " + out.path("ename").asText() + " " + out.path("evalue").asText());
        }
      }
      assertTrue(queries > 0, name + ": no SQL query found in its code cells");
      assertEquals(Set.of(), unknown, name + ": tables that are not in the warehouse (known: " + known + ")");
    }
  }

  @Test
  void sqlExtractionSeesTablesAndSkipsCtesAndPython() {
    String code = "from pathlib import Path\nq = nq.sql(\"\"\"\n  WITH m AS (SELECT * FROM kpi_mission_monthly)\n"
        + "  SELECT * FROM m JOIN etl_runs r ON true -- FROM nowhere\n\"\"\")\nx = 'select 1 from dim_date'\n";
    List<String> sql = sqlStrings(code);
    assertEquals(2, sql.size(), sql.toString());
    assertEquals(Set.of("kpi_mission_monthly", "etl_runs"), tablesRead(sql.get(0)));
    assertEquals(Set.of("dim_date"), tablesRead(sql.get(1)));
  }

  private static Python.Result python3(Path tmp, String... args) throws IOException, InterruptedException {
    return Python.run("check notebooks/nurselink_query.py", REPO,
        Map.of("PYTHONPYCACHEPREFIX", tmp.resolve("pycache").toString(), "PYTHONPATH", NOTEBOOKS.toString()),
        List.of(args));
  }

  @Test
  void queryHelperCompiles(@TempDir Path tmp) throws Exception {
    Python.Result r = python3(tmp, "-m", "py_compile", "notebooks/nurselink_query.py");
    assertEquals(0, r.code(), "py_compile failed: " + r.err());
  }

  @Test
  void queryHelperConvertsJdbcUrls(@TempDir Path tmp) throws Exception {
    String script = String.join("\n",
        "import nurselink_query as q",
        "print(q.jdbc_to_libpq('jdbc:postgresql://dwh:5432/warehouse?user=etl&password=p%40ss&ssl=true"
            + "&currentSchema=marts&prepareThreshold=0'))",
        "print(q.jdbc_to_libpq('jdbc:postgresql:warehouse'))",
        "print(q.mask_url('postgresql://u:secret@h/db?password=secret'))");
    Python.Result r = python3(tmp, "-c", script);
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of(
        "postgresql://dwh:5432/warehouse?user=etl&password=p%40ss&sslmode=require&options=-c%20search_path%3Dmarts",
        "postgresql://localhost/warehouse",
        "postgresql://u:***@h/db?password=***"), r.out().lines().toList());
  }
}
