package com.nurselink.warehouse.model;

import java.util.List;

/**
 * Every SQL model of {@code sql/}, declared once, in dependency order: its file, the job step that
 * builds it, its kind, and for a gold table its lake namespace and partitioning. Its grain is the
 * one its SQL file states in its header ({@link SqlModel#grain()}).
 *
 * <p>The jobs build and publish from here ({@link Models}, {@code pipeline.ModelJob},
 * {@code KpisJob}, {@code FeaturesJob}); the warehouse loads (DuckDB and PostgreSQL) load the gold
 * tables listed here ({@code sink.GoldTables}); {@code sql/warehouse/V1__marts.sql} declares one
 * table per gold model, with its columns.
 */
public final class ModelRegistry {
  private ModelRegistry() {}

  /** The job step that builds a model, and the folder of {@code sql/} that holds its file. */
  public enum Step {
    MODEL("model"),
    KPIS("kpi"),
    FEATURES("features");

    private final String folder;

    Step(String folder) {
      this.folder = folder;
    }

    public String folder() {
      return folder;
    }
  }

  /** What a model's output is. Intermediate models are views for the later models only. */
  public enum Kind { DIMENSION, FACT, INTERMEDIATE, KPI, FEATURE }

  /** Lake namespace of the star schema and the KPI marts. */
  public static final String WAREHOUSE = "warehouse";
  /** Lake namespace of the feature sets. */
  public static final String FEATURES = "features";
  /** Partition column of the tables published as one partition per logical date (the run's date). */
  public static final String AS_OF_DATE = "as_of_date";

  /**
   * One model.
   *
   * @param name the model's name: its file name and the name of its output (view, lake table,
   *     warehouse table)
   * @param step the job step that builds it
   * @param kind what its output is
   * @param partitionColumn the lake partition column of a gold table; null when it is published as
   *     a whole (or is intermediate)
   * @param labelColumn the label of a feature set (counted in its manifest); null when none
   * @param monthOf the date column whose month {@code partitionColumn} holds ({@code YYYY-MM}): the lake
   *     table is then partitioned by Iceberg's {@code months(monthOf)}; null when the partitions are the
   *     values of {@code partitionColumn}
   */
  public record Model(String name, Step step, Kind kind, String partitionColumn, String labelColumn, String monthOf) {
    public Model(String name, Step step, Kind kind, String partitionColumn, String labelColumn) {
      this(name, step, kind, partitionColumn, labelColumn, null);
    }

    public Model {
      if (monthOf != null && partitionColumn == null) {
        throw new IllegalArgumentException(name + ": a month partition needs its partition column");
      }
      if (kind == Kind.INTERMEDIATE && partitionColumn != null) {
        throw new IllegalArgumentException(name + ": an intermediate model is not published");
      }
      if (labelColumn != null && kind != Kind.FEATURE) {
        throw new IllegalArgumentException(name + ": only a feature set has a label");
      }
    }

    /** The SQL file, relative to {@code sql/} and without {@code .sql}, e.g. {@code model/fact_mission}. */
    public String sql() {
      return step.folder() + "/" + name;
    }

    /** Whether the model is a gold table: published in the lake and loaded into the warehouse. */
    public boolean gold() {
      return kind != Kind.INTERMEDIATE;
    }

    /** The lake namespace of a gold table ({@link #WAREHOUSE} or {@link #FEATURES}); null for an intermediate model. */
    public String namespace() {
      return !gold() ? null : kind == Kind.FEATURE ? FEATURES : WAREHOUSE;
    }

    public boolean partitioned() {
      return partitionColumn != null;
    }

    /** How its lake table is partitioned; null when it is not. */
    public com.nurselink.warehouse.lake.Lake.Partitioning partitioning() {
      return partitionColumn == null ? null : monthOf == null
          ? com.nurselink.warehouse.lake.Lake.Partitioning.identity(partitionColumn)
          : com.nurselink.warehouse.lake.Lake.Partitioning.monthsOf(monthOf, partitionColumn);
    }

    /**
     * Whether the table is published as one partition per logical date ({@code as_of_date=D}),
     * holding what the run for D computed; the other partitioned tables publish every partition
     * of their output whose content changed.
     */
    public boolean partitionedByRunDate() {
      return AS_OF_DATE.equals(partitionColumn);
    }

    /** The grain stated by the SQL file's header, e.g. {@code one row per mission}; null when it states none. */
    public String grain() {
      return SqlModel.load(sql()).grain();
    }
  }

  private static Model model(String name, Step step, Kind kind, String partitionColumn) {
    return new Model(name, step, kind, partitionColumn, null);
  }

  /** A table partitioned by the month of {@code dateColumn}, named by {@code monthColumn} ({@code YYYY-MM}). */
  private static Model byMonth(String name, Step step, Kind kind, String monthColumn, String dateColumn) {
    return new Model(name, step, kind, monthColumn, null, dateColumn);
  }

  private static final List<Model> MODELS = List.of(
      model("dim_date", Step.MODEL, Kind.DIMENSION, null),
      model("dim_location", Step.MODEL, Kind.DIMENSION, null),
      model("dim_establishment", Step.MODEL, Kind.DIMENSION, null),
      model("dim_nurse", Step.MODEL, Kind.DIMENSION, null),
      model("int_nurse_versions", Step.MODEL, Kind.INTERMEDIATE, null),
      byMonth("fact_mission", Step.MODEL, Kind.FACT, "service_month", "service_date"),
      byMonth("fact_application", Step.MODEL, Kind.FACT, "applied_month", "applied_date"),
      byMonth("fact_contract", Step.MODEL, Kind.FACT, "start_month", "start_local_date"),
      model("int_mission_kpis", Step.KPIS, Kind.INTERMEDIATE, null),
      byMonth("kpi_mission_daily", Step.KPIS, Kind.KPI, "service_month", "service_date"),
      model("kpi_mission_monthly", Step.KPIS, Kind.KPI, "service_month"),
      model("kpi_contract_monthly", Step.KPIS, Kind.KPI, "start_month"),
      model("kpi_headline", Step.KPIS, Kind.KPI, AS_OF_DATE),
      model("features_nurse", Step.FEATURES, Kind.FEATURE, AS_OF_DATE),
      new Model("features_mission_fill", Step.FEATURES, Kind.FEATURE, AS_OF_DATE, "filled"));

  /** Every model, in dependency order. */
  public static List<Model> all() {
    return MODELS;
  }

  /** The models of a step, in dependency order. */
  public static List<Model> step(Step step) {
    return MODELS.stream().filter(m -> m.step() == step).toList();
  }

  /** The SQL files of a step, in dependency order (see {@link Model#sql()}). */
  public static List<String> sqlFiles(Step step) {
    return step(step).stream().map(Model::sql).toList();
  }

  /** The gold tables, in dependency order. */
  public static List<Model> gold() {
    return MODELS.stream().filter(Model::gold).toList();
  }

  /** The gold tables of a step, in dependency order. */
  public static List<Model> gold(Step step) {
    return step(step).stream().filter(Model::gold).toList();
  }

  /** The model of that name. */
  public static Model byName(String name) {
    return MODELS.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown model " + name));
  }
}
