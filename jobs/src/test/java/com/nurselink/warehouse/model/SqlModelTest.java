package com.nurselink.warehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Loading, parameter substitution and the refusals of {@link SqlModel}; the parameters' literals. */
class SqlModelTest extends SparkTestBase {
  private static final SqlParams PARAMS = new SqlParams(LocalDate.of(2024, 3, 31), ZoneId.of("Europe/Paris"), "r'1");

  @Test
  void cutoffIsTheNextLocalMidnightInUtc() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    // the day before the spring change: next midnight is CET (+01:00)
    assertEquals(Instant.parse("2024-03-30T23:00:00Z"), new SqlParams(LocalDate.of(2024, 3, 30), paris, "r").cutoffUtc());
    // the day of the change: next midnight is CEST (+02:00)
    assertEquals(Instant.parse("2024-03-31T22:00:00Z"), PARAMS.cutoffUtc());
    assertEquals(Map.of("as_of_date", "DATE '2024-03-31'", "cutoff_utc", "TIMESTAMP '2024-03-31 22:00:00.000000'",
        "business_zone", "'Europe/Paris'", "run_id", "'r''1'"), PARAMS.literals());
  }

  @Test
  void substitutesEveryParameterAndRunsOnSpark() {
    SqlModel model = SqlModel.load("test/params");
    assertEquals("params", model.name());
    assertEquals("sql/test/params.sql", model.resource());
    List<Row> rows = model.apply(spark(), PARAMS).collectAsList();
    assertEquals(List.of(row(LocalDate.of(2024, 3, 31), Instant.parse("2024-03-31T22:00:00Z"), "Europe/Paris", "r'1")),
        rows);
  }

  @Test
  void refusesAnUnknownPlaceholderNamingTheFile() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SqlModel.load("test/unknown_param.sql").render(PARAMS.literals()));
    assertTrue(e.getMessage().contains("sql/test/unknown_param.sql") && e.getMessage().contains("${nope}"),
        e.getMessage());
  }

  @Test
  void refusesAnUnsetParameterNamingTheFile() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SqlModel.load("test/params").render(Map.of("as_of_date", "DATE '2024-01-01'")));
    assertEquals("sql/test/params.sql: parameter ${business_zone} is not set", e.getMessage());
  }

  @Test
  void refusesAMissingFileSeveralStatementsAndNonQueries() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> SqlModel.load("test/nope"));
    assertEquals("SQL file not found on the classpath: sql/test/nope.sql", missing.getMessage());
    IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
        () -> SqlModel.load("test/two_statements").render(Map.of()));
    assertEquals("sql/test/two_statements.sql: more than one statement", two.getMessage());
    IllegalArgumentException drop = assertThrows(IllegalArgumentException.class,
        () -> SqlModel.load("test/not_a_query").render(Map.of()));
    assertTrue(drop.getMessage().startsWith("sql/test/not_a_query.sql: not a query"), drop.getMessage());
  }

  @Test
  void semicolonsInLiteralsAndCommentsAreNotStatements() {
    assertEquals(List.of(row("a;b")), SqlModel.load("test/literal_semicolon").apply(spark(), PARAMS).collectAsList());
  }

  @Test
  void badSqlFailsNamingTheFile() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SqlModel.load("test/missing_view").apply(spark(), PARAMS));
    assertTrue(e.getMessage().startsWith("sql/test/missing_view.sql: ") && e.getMessage().contains("no_such_view"),
        e.getMessage());
  }

  @Test
  void everyShippedModelStatesItsGrainAndUsesKnownParametersOnly() {
    List<String> all = new ArrayList<>(Models.MODEL);
    all.addAll(Models.KPIS);
    all.addAll(Models.FEATURES);
    all.add(Models.EMPTY_PREVIOUS_DIM_NURSE);
    for (String path : all) {
      SqlModel model = SqlModel.load(path);
      String text = SqlModel.readResource(model.resource());
      assertTrue(text.startsWith("-- " + model.name() + ": "), model.resource() + " starts with its grain comment");
      assertTrue(text.strip().endsWith("select * from final"), model.resource() + " ends with select * from final");
      assertTrue(SqlModel.PARAMETERS.containsAll(model.placeholders()), model.resource() + " " + model.placeholders());
      model.render(PARAMS.literals());
    }
  }

  @Test
  void theColumnBlockOfTheHeaderGivesEachColumnItsDescriptionAndTheReadsLeaveOutCtes() {
    SqlModel m = SqlModel.load("test/columns_block");
    assertEquals(Map.of("thing_id", "the thing's id", "label", "what the thing is called, continued on a second line"),
        m.columns());
    assertEquals(java.util.List.of("thing_id", "label"), java.util.List.copyOf(m.columns().keySet()));
    assertEquals(java.util.List.of("columns_block: one row per thing. A header with a column block,",
        "a continued description and a CTE named like a table."), m.description());
    assertEquals(java.util.Set.of("clean_missions", "dim_location"), m.reads());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SqlModel.load("test/columns_bad_line").columns());
    assertEquals("sql/test/columns_bad_line.sql line 4: not a column line of the Columns block"
        + " ('--   <name>  <description>'): label: not in the block's form", e.getMessage());
  }
}
