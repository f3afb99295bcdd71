package com.nurselink.warehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.model.ModelRegistry.Kind;
import com.nurselink.warehouse.model.ModelRegistry.Model;
import com.nurselink.warehouse.model.ModelRegistry.Step;
import com.nurselink.warehouse.sink.GoldTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
  /** The SQL files of a folder of sql/, without .sql. */
  private static TreeSet<String> sqlFiles(String folder) throws Exception {
    Path dir = Path.of(ModelRegistryTest.class.getClassLoader().getResource("sql/" + folder).toURI());
    try (Stream<Path> s = Files.list(dir)) {
      TreeSet<String> out = new TreeSet<>();
      s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
          .forEach(n -> out.add(n.substring(0, n.length() - 4)));
      return out;
    }
  }

  @Test
  void everyShippedModelIsRegisteredInTheStepOfItsFolder() throws Exception {
    for (Step step : Step.values()) {
      TreeSet<String> files = sqlFiles(step.folder());
      files.remove(Models.EMPTY_PREVIOUS_DIM_NURSE.substring(Models.EMPTY_PREVIOUS_DIM_NURSE.indexOf('/') + 1));
      TreeSet<String> registered = new TreeSet<>();
      ModelRegistry.step(step).forEach(m -> registered.add(m.name()));
      assertEquals(files, registered, "sql/" + step.folder());
    }
    assertEquals(List.of("model/dim_date", "model/dim_location", "model/dim_establishment", "model/dim_nurse",
        "model/int_nurse_versions", "model/fact_mission", "model/fact_application", "model/fact_contract"),
        Models.MODEL);
    assertEquals(List.of("kpi/int_mission_kpis", "kpi/kpi_mission_daily", "kpi/kpi_mission_monthly",
        "kpi/kpi_contract_monthly", "kpi/kpi_headline"), Models.KPIS);
    assertEquals(List.of("features/features_nurse", "features/features_mission_fill"), Models.FEATURES);
  }

  /** SPEC, "Warehouse model" and "ML feature sets": the gold tables, named by their kind. */
  @Test
  void goldTablesAreTheSpecTablesNamedByTheirKind() {
    assertEquals(List.of("dim_date", "dim_location", "dim_establishment", "dim_nurse", "fact_mission",
        "fact_application", "fact_contract", "kpi_mission_daily", "kpi_mission_monthly", "kpi_contract_monthly",
        "kpi_headline", "features_nurse", "features_mission_fill"),
        ModelRegistry.gold().stream().map(Model::name).toList());
    Map<String, Kind> prefixes = new LinkedHashMap<>();
    prefixes.put("dim_", Kind.DIMENSION);
    prefixes.put("fact_", Kind.FACT);
    prefixes.put("int_", Kind.INTERMEDIATE);
    prefixes.put("kpi_", Kind.KPI);
    prefixes.put("features_", Kind.FEATURE);
    for (Model m : ModelRegistry.all()) {
      String prefix = m.name().substring(0, m.name().indexOf('_') + 1);
      assertEquals(prefixes.get(prefix), m.kind(), m.name());
      assertEquals(m.kind() == Kind.FEATURE ? "features" : m.gold() ? "warehouse" : null, m.namespace(), m.name());
    }
    // what the loaders load
    List<String> loaded = new ArrayList<>();
    for (GoldTables.Gold g : GoldTables.all()) {
      Model m = ModelRegistry.byName(g.name());
      assertEquals(m.namespace(), g.layer(), g.name());
      assertEquals(m.partitionColumn(), g.partitionColumn(), g.name());
      loaded.add(g.name());
    }
    assertEquals(ModelRegistry.gold().stream().map(Model::name).toList(), loaded);
    assertThrows(IllegalArgumentException.class, () -> GoldTables.byName("int_mission_kpis"));
    assertThrows(IllegalArgumentException.class, () -> ModelRegistry.byName("kpi_nothing"));
  }

  /** The partitioning of SPEC: facts by month, KPI marts by their month, one snapshot per run date. */
  @Test
  void partitioning() {
    Map<String, String> partitions = new LinkedHashMap<>();
    ModelRegistry.gold().forEach(m -> partitions.put(m.name(), m.partitionColumn()));
    Map<String, String> expected = new LinkedHashMap<>();
    for (String dim : List.of("dim_date", "dim_location", "dim_establishment", "dim_nurse")) {
      expected.put(dim, null);
    }
    expected.put("fact_mission", "service_month");
    expected.put("fact_application", "applied_month");
    expected.put("fact_contract", "start_month");
    expected.put("kpi_mission_daily", "service_month");
    expected.put("kpi_mission_monthly", "service_month");
    expected.put("kpi_contract_monthly", "start_month");
    expected.put("kpi_headline", "as_of_date");
    expected.put("features_nurse", "as_of_date");
    expected.put("features_mission_fill", "as_of_date");
    assertEquals(expected, partitions);
    assertEquals(List.of("kpi_headline", "features_nurse", "features_mission_fill"),
        ModelRegistry.gold().stream().filter(Model::partitionedByRunDate).map(Model::name).toList());
    assertEquals("filled", ModelRegistry.byName("features_mission_fill").labelColumn());
    assertEquals(null, ModelRegistry.byName("features_nurse").labelColumn());
  }

  /** The grain is the one the SQL file's header states. */
  @Test
  void grainIsReadFromTheHeaderOfTheSqlFile() {
    Map<String, String> grains = new LinkedHashMap<>();
    ModelRegistry.all().forEach(m -> grains.put(m.name(), m.grain()));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("dim_date", "one row per local calendar date (business time zone)");
    expected.put("dim_location", "one row per city (missions.location trimmed, and the users' cities)");
    expected.put("dim_establishment", "one row per user of role 'establishment' (establishment_key = user id)");
    expected.put("dim_nurse", "one row per version of a nurse (SCD type 2 on city and specialty)");
    expected.put("int_nurse_versions", "one row per dim_nurse version (unknown member excluded)");
    expected.put("fact_mission", "one row per mission");
    expected.put("fact_application", "one row per application");
    expected.put("fact_contract", "one row per contract");
    expected.put("int_mission_kpis", null); // two grains, stated further down
    expected.put("kpi_mission_daily",
        "one row per service_date x city x specialty (local service date of the missions, drafts excluded)");
    expected.put("kpi_mission_monthly", "one row per service_month ('YYYY-MM') x city x specialty");
    expected.put("kpi_contract_monthly", "one row per start_month ('YYYY-MM' of the contract's local start date)"
        + " x city x specialty of the contract's mission ('unknown' for an unknown mission)");
    expected.put("kpi_headline", "one row per run (its as_of_date; the run itself is in etl_runs)");
    expected.put("features_nurse",
        "one row per nurse (users.role = 'nurse') who signed up by the end of the local day ${as_of_date}");
    expected.put("features_mission_fill", "one row per mission posted and started by the end of the local day"
        + " ${as_of_date} (created_at and start_at before ${cutoff_utc})");
    assertEquals(expected, grains);
    for (Model m : ModelRegistry.gold()) {
      assertTrue(m.grain() != null, m.name() + ": a gold table states its grain");
    }
  }

  @Test
  void anIntermediateModelIsNeitherPublishedNorLabelled() {
    assertThrows(IllegalArgumentException.class,
        () -> new Model("int_x", Step.KPIS, Kind.INTERMEDIATE, "service_month", null));
    assertThrows(IllegalArgumentException.class, () -> new Model("kpi_x", Step.KPIS, Kind.KPI, null, "filled"));
  }
}
