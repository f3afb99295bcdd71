package com.nurselink.warehouse.sink;

import java.util.List;

/** The gold tables of SPEC, where they live in the lake and how they are partitioned. */
public final class GoldTables {
  /** A gold table: lake layer, name, partition column (null: published as a whole). */
  public record Gold(String layer, String name, String partitionColumn) {
    public boolean partitioned() {
      return partitionColumn != null;
    }
  }

  public static final List<Gold> MODEL = List.of(
      new Gold("warehouse", "dim_date", null),
      new Gold("warehouse", "dim_location", null),
      new Gold("warehouse", "dim_establishment", null),
      new Gold("warehouse", "dim_nurse", null),
      new Gold("warehouse", "fact_mission", "service_month"),
      new Gold("warehouse", "fact_application", "applied_month"),
      new Gold("warehouse", "fact_contract", "start_month"));

  public static final List<Gold> KPIS = List.of(
      new Gold("warehouse", "kpi_mission_daily", "service_month"),
      new Gold("warehouse", "kpi_mission_monthly", "service_month"),
      new Gold("warehouse", "kpi_contract_monthly", "start_month"),
      new Gold("warehouse", "kpi_headline", "as_of_date"));

  public static final List<Gold> FEATURES = List.of(
      new Gold("features", "features_nurse", "as_of_date"),
      new Gold("features", "features_mission_fill", "as_of_date"));

  private GoldTables() {}

  public static List<Gold> all() {
    return java.util.stream.Stream.of(MODEL, KPIS, FEATURES).flatMap(List::stream).toList();
  }

  public static Gold byName(String name) {
    return all().stream().filter(g -> g.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown gold table " + name));
  }
}
