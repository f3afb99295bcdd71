package com.nurselink.warehouse.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.faults.Runs;
import com.nurselink.warehouse.faults.SharedNightly;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.model.SqlModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The data dictionary describes every column of the warehouse a nightly builds, its column
 * blocks name exactly the columns of their tables, its lineage is the SQL's, and the committed
 * {@code docs/} is what {@code nurselink docs} writes today.
 */
class DataDictionaryTest extends SparkTestBase {
  private static final DataDictionary.Dictionary DICT = DataDictionary.build();

  @Test
  void everyColumnOfEveryTableHasADescription() {
    List<String> missing = new ArrayList<>();
    for (DataDictionary.Table t : DICT.tables()) {
      for (DataDictionary.Column c : t.columns()) {
        if (c.description() == null || c.description().isBlank()) {
          missing.add(t.name() + "." + c.name());
        }
      }
      assertTrue(t.grain() != null && !t.grain().isBlank(), t.name() + " states no grain");
    }
    assertEquals(List.of(), missing, "columns without a description (the Columns block of the model's header,"
        + " CleanSchema or Ledger)");
  }

  @Test
  void eachColumnBlockNamesExactlyTheColumnsOfItsTableInThePostgresMarts() {
    Map<String, List<String[]>> marts = DataDictionary.marts();
    for (ModelRegistry.Model m : ModelRegistry.gold()) {
      java.util.Set<String> described = new java.util.TreeSet<>(SqlModel.load(m.sql()).columns().keySet());
      java.util.Set<String> declared = new java.util.TreeSet<>(marts.get(m.name()).stream().map(c -> c[0]).toList());
      assertEquals(declared, described, m.sql() + ": its Columns block against sql/warehouse/V1__marts.sql");
    }
  }

  /** The tables, views and columns of a warehouse a nightly built, as DuckDB lists them. */
  @Test
  void theDictionaryListsTheTablesAndColumnsOfAWarehouseANightlyBuilt() throws Exception {
    SharedNightly n = SharedNightly.get(spark());
    Map<String, List<String>> actual = new TreeMap<>();
    try (Connection c = Runs.duck(n.dir().resolve("wh.duckdb"))) {
      for (String row : Runs.rows(c, "SELECT table_name || '|' || string_agg(column_name, ',' ORDER BY ordinal_position)"
          + " FROM information_schema.columns WHERE table_schema = 'main' GROUP BY table_name")) {
        String[] p = row.split("\\|");
        actual.put(p[0], List.of(p[1].split(",")));
      }
    }
    Map<String, List<String>> documented = new TreeMap<>();
    for (DataDictionary.Table t : DICT.tables()) {
      documented.put(t.name(), t.columns().stream().map(DataDictionary.Column::name).toList());
    }
    assertEquals(actual, documented);
  }

  @Test
  void theLineageIsWhatTheSqlReadsThroughTheIntermediateModels() {
    // kpi_mission_daily reads int_mission_kpis, which reads fact_mission
    assertEquals(List.of("fact_mission"), DICT.table("kpi_mission_daily").upstream());
    // dim_nurse reads the previous run's dim_nurse (prev_dim_nurse): not an edge to itself
    assertEquals(List.of("clean_users"), DICT.table("dim_nurse").upstream());
    // fact_application finds the nurse's version through int_nurse_versions (dim_nurse)
    assertTrue(DICT.table("fact_application").upstream().contains("dim_nurse"), DICT.table("fact_application").toString());
    assertTrue(DICT.table("fact_mission").downstream().containsAll(List.of("kpi_mission_daily", "kpi_mission_monthly",
        "kpi_headline", "features_mission_fill")), DICT.table("fact_mission").downstream().toString());
    assertEquals(List.of("source.missions"), DICT.table("quarantine_missions").upstream());
    for (DataDictionary.Table t : DICT.tables()) {
      if (!t.kind().equals("run ledger")) {
        assertTrue(!t.upstream().isEmpty(), t.name() + " reads nothing");
      }
      for (String u : t.upstream()) {
        assertTrue(u.startsWith("source.") || DICT.tables().stream().anyMatch(x -> x.name().equals(u)), u);
        if (!u.startsWith("source.")) {
          assertTrue(DICT.table(u).downstream().contains(t.name()), u + " -> " + t.name());
        }
      }
    }
  }

  @Test
  void theCommittedDocsAreWhatTheCommandWritesToday() throws Exception {
    Path docs = Runs.repo().resolve("docs");
    Map<String, String> expected = DictionaryPages.render(DICT);
    Map<String, String> committed = new LinkedHashMap<>();
    if (Files.isDirectory(docs)) {
      try (var s = Files.list(docs)) {
        for (Path p : s.sorted().toList()) {
          String name = p.getFileName().toString();
          if (name.endsWith(".md") || name.endsWith(".html")) {
            committed.put(name, Files.readString(p));
          }
        }
      }
    }
    List<String> stale = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(union(expected, committed))) {
      if (!expected.getOrDefault(name, "").equals(committed.getOrDefault(name, ""))) {
        stale.add(name);
      }
    }
    assertEquals(List.of(), stale, "docs/ is stale: run bin/nurselink docs and commit docs/");
  }

  @Test
  void writingRemovesOnlyThePagesItWroteBefore(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("README.md"), "# notes of the team\n");
    Files.writeString(dir.resolve("dropped_table.md"), DictionaryPages.render(DICT).get("dim_date.md"));
    DictionaryPages.write(DICT, dir);
    assertEquals("# notes of the team\n", Files.readString(dir.resolve("README.md")));
    assertTrue(!Files.exists(dir.resolve("dropped_table.md")), "a page of a table no longer there is removed");
    assertTrue(Files.exists(dir.resolve("dim_date.md")) && Files.exists(dir.resolve("index.html")));
  }

  private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
    java.util.Set<String> s = new java.util.TreeSet<>(a.keySet());
    s.addAll(b.keySet());
    return s;
  }
}
