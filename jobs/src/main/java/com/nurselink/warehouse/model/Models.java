package com.nurselink.warehouse.model;

import com.nurselink.warehouse.util.SideBySide;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The gold layer on Spark, as pure functions of the session's temp views: each step runs its SQL
 * models in order ({@link ModelRegistry}: {@link #MODEL}, {@link #KPIS}, {@link #FEATURES}),
 * registers every output as a temp view of its name for the models that follow, and returns the
 * gold outputs by name (intermediate models are registered but not returned). No I/O, no clock: the caller reads the
 * inputs, writes the outputs, and decides what to cache.
 *
 * <p>Inputs: the clean views {@code clean_users}, {@code clean_missions},
 * {@code clean_mission_applications}, {@code clean_contracts} (schemas of
 * {@code staging.CleanSchema}), and for {@link #buildModel} the previous run's dim_nurse.
 */
public final class Models {
  /** The clean views every step reads. */
  public static final List<String> CLEAN_VIEWS =
      List.of("clean_users", "clean_missions", "clean_mission_applications", "clean_contracts");

  /** The view holding the previous run's dim_nurse. */
  public static final String PREVIOUS_DIM_NURSE = "prev_dim_nurse";

  /** Star schema, in dependency order: the SQL files of {@link ModelRegistry.Step#MODEL}. */
  public static final List<String> MODEL = ModelRegistry.sqlFiles(ModelRegistry.Step.MODEL);

  /** KPI marts, in dependency order (needs the model's views): the SQL files of {@link ModelRegistry.Step#KPIS}. */
  public static final List<String> KPIS = ModelRegistry.sqlFiles(ModelRegistry.Step.KPIS);

  /** Feature sets (need the model's views): the SQL files of {@link ModelRegistry.Step#FEATURES}. */
  public static final List<String> FEATURES = ModelRegistry.sqlFiles(ModelRegistry.Step.FEATURES);

  /** The model that yields an empty previous dim_nurse (first run). */
  static final String EMPTY_PREVIOUS_DIM_NURSE = "model/prev_dim_nurse_empty";

  private Models() {}

  /**
   * Builds dim_* and fact_* from the clean views, with {@code previousDimNurse} (the last run's
   * dim_nurse, or null on the first run) as the SCD2 state.
   */
  public static Map<String, Dataset<Row>> buildModel(SparkSession spark, SqlParams params,
      Dataset<Row> previousDimNurse) {
    registerPreviousDimNurse(spark, params, previousDimNurse);
    return run(spark, params, MODEL);
  }

  private static void registerPreviousDimNurse(SparkSession spark, SqlParams params, Dataset<Row> previousDimNurse) {
    Dataset<Row> previous = previousDimNurse != null ? previousDimNurse
        : SqlModel.load(EMPTY_PREVIOUS_DIM_NURSE).apply(spark, params);
    previous.createOrReplaceTempView(PREVIOUS_DIM_NURSE);
  }

  /**
   * Builds and publishes the model one table at a time, in dependency order: each output is handed
   * to {@code publish} (which writes it and returns the published table), and the published table,
   * not the plan that computed it, becomes the view the later models read. A fact that reads
   * another fact or a dimension then scans its files instead of computing it again. Only the gold
   * models of {@link ModelRegistry} are published; intermediate ones are views only.
   */
  public static void buildAndPublishModel(SparkSession spark, SqlParams params, Dataset<Row> previousDimNurse,
      BiFunction<String, Dataset<Row>, Dataset<Row>> publish) {
    buildAndPublishModel(spark, params, previousDimNurse, publish, calls -> SideBySide.run("model", 1, calls));
  }

  /**
   * As {@link #buildAndPublishModel(SparkSession, SqlParams, Dataset, BiFunction)}, the gold models
   * taken in groups, in the registry's order, that read none of each other (by
   * {@link SqlModel#reads()}): {@code sideBySide} runs a group's publications (at once or one after
   * the other) and returns their tables in the group's order; the next group starts once they are
   * all views. A group's views are dropped before it starts, so that a read the grouping missed fails
   * as an unknown table instead of reading an earlier run's view.
   */
  public static void buildAndPublishModel(SparkSession spark, SqlParams params, Dataset<Row> previousDimNurse,
      BiFunction<String, Dataset<Row>, Dataset<Row>> publish,
      Function<List<Callable<Dataset<Row>>>, List<Dataset<Row>>> sideBySide) {
    registerPreviousDimNurse(spark, params, previousDimNurse);
    List<ModelRegistry.Model> group = new ArrayList<>();
    for (ModelRegistry.Model m : ModelRegistry.step(ModelRegistry.Step.MODEL)) {
      SqlModel sql = SqlModel.load(m.sql());
      boolean readsGroup = group.stream().anyMatch(g -> sql.reads().contains(g.name()));
      if (!m.gold() || readsGroup) {
        publishGroup(spark, params, group, publish, sideBySide);
        group.clear();
      }
      if (m.gold()) {
        group.add(m);
      } else {
        sql.apply(spark, params).createOrReplaceTempView(m.name());
      }
    }
    publishGroup(spark, params, group, publish, sideBySide);
  }

  private static void publishGroup(SparkSession spark, SqlParams params, List<ModelRegistry.Model> group,
      BiFunction<String, Dataset<Row>, Dataset<Row>> publish,
      Function<List<Callable<Dataset<Row>>>, List<Dataset<Row>>> sideBySide) {
    if (group.isEmpty()) {
      return;
    }
    List<Callable<Dataset<Row>>> publications = new ArrayList<>();
    for (ModelRegistry.Model m : group) {
      spark.catalog().dropTempView(m.name());
      publications.add(() -> publish.apply(m.name(), SqlModel.load(m.sql()).apply(spark, params)));
    }
    List<Dataset<Row>> tables = sideBySide.apply(publications);
    for (int i = 0; i < group.size(); i++) {
      tables.get(i).createOrReplaceTempView(group.get(i).name());
    }
  }

  /** Builds the model with the {@code prev_dim_nurse} view already registered (empty when absent). */
  public static Map<String, Dataset<Row>> buildModel(SparkSession spark, SqlParams params) {
    Dataset<Row> previous = spark.catalog().tableExists(PREVIOUS_DIM_NURSE) ? spark.table(PREVIOUS_DIM_NURSE) : null;
    return buildModel(spark, params, previous);
  }

  /** Builds the KPI marts from the model's views. */
  public static Map<String, Dataset<Row>> buildKpis(SparkSession spark, SqlParams params) {
    return run(spark, params, KPIS);
  }

  /** Builds the feature sets as of {@code params.asOfDate()} from the clean and model views. */
  public static Map<String, Dataset<Row>> buildFeatures(SparkSession spark, SqlParams params) {
    return run(spark, params, FEATURES);
  }

  /** Builds the feature sets as of {@code asOf}, the local day in {@code zone}. */
  public static Map<String, Dataset<Row>> buildFeatures(SparkSession spark, LocalDate asOf, ZoneId zone) {
    return buildFeatures(spark, new SqlParams(asOf, zone, "features-" + asOf));
  }

  /**
   * Runs the models (SQL files of {@link ModelRegistry}) in order, registering each output as a
   * temp view of its name; returns the gold ones.
   */
  public static Map<String, Dataset<Row>> run(SparkSession spark, SqlParams params, List<String> models) {
    return run(spark, params, models, UnaryOperator.identity());
  }

  /**
   * As {@link #run(SparkSession, SqlParams, List)}, each gold output passed through {@code eachGold}
   * before it becomes the view the later models read (the tests: its rows computed once, as the
   * published table is read by the later jobs; intermediate models stay inside the later plans).
   */
  static Map<String, Dataset<Row>> run(SparkSession spark, SqlParams params, List<String> models,
      UnaryOperator<Dataset<Row>> eachGold) {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (String path : models) {
      SqlModel model = SqlModel.load(path);
      boolean gold = ModelRegistry.byName(model.name()).gold();
      Dataset<Row> df = gold ? eachGold.apply(model.apply(spark, params)) : model.apply(spark, params);
      df.createOrReplaceTempView(model.name());
      if (gold) {
        out.put(model.name(), df);
      }
    }
    return out;
  }
}
