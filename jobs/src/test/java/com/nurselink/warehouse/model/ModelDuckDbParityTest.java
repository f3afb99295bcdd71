package com.nurselink.warehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.nurselink.warehouse.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every SQL file under sql/ (model, KPIs, features) runs on Spark and on DuckDB over the same
 * inputs (the fixture written to Parquet for DuckDB), and both engines give the same rows: same
 * columns in the same order, same values, doubles within a relative 1e-9.
 */
class ModelDuckDbParityTest extends SparkTestBase {
  private static Path dir;

  @BeforeAll
  static void writeParquet() throws Exception {
    ModelFixture fixture = new ModelFixture();
    dir = Files.createTempDirectory("parity");
    for (String t : fixture.tables.keySet()) {
      fixture.dataset(spark(), t).write().parquet(dir.resolve("clean_" + t).toString());
    }
    StructType dimNurse = SqlModel.load(Models.EMPTY_PREVIOUS_DIM_NURSE).apply(spark(), ModelFixture.PARAMS).schema();
    spark().createDataFrame(ModelFixture.previousDimNurseWithHistory(), dimNurse).write()
        .parquet(dir.resolve(Models.PREVIOUS_DIM_NURSE).toString());
  }

  @AfterAll
  static void restoreViews() {
    new ModelFixture().register(spark());
  }

  private static DuckDbModels duckOverParquet(boolean withHistory) throws Exception {
    DuckDbModels duck = DuckDbModels.open(null);
    for (String view : Models.CLEAN_VIEWS) {
      duck.registerParquet(view, dir.resolve(view).toString());
    }
    if (withHistory) {
      duck.registerParquet(Models.PREVIOUS_DIM_NURSE, dir.resolve(Models.PREVIOUS_DIM_NURSE).toString());
    } else {
      duck.registerEmptyPreviousDimNurse(ModelFixture.PARAMS);
    }
    return duck;
  }

  @Test
  void everyOutputIsIdenticalOnBothEngines() throws Exception {
    ModelFixture.Built spark = ModelFixture.built(spark());
    List<String> expected = new ArrayList<>();
    for (List<String> step : List.of(Models.MODEL, Models.KPIS, Models.FEATURES)) {
      for (String path : step) {
        String name = path.substring(path.indexOf('/') + 1);
        if (!name.startsWith("int_")) {
          expected.add(name);
        }
      }
    }
    assertEquals(expected, new ArrayList<>(spark.rows().keySet()), "outputs of the Spark build");
    try (DuckDbModels duck = duckOverParquet(true)) {
      List<String> built = new ArrayList<>(duck.buildModel(ModelFixture.PARAMS));
      built.addAll(duck.buildKpis(ModelFixture.PARAMS));
      built.addAll(duck.buildFeatures(ModelFixture.PARAMS));
      assertEquals(13 + 2, built.size(), "DuckDB tables (with the two int_ models): " + built);
      for (String name : expected) {
        assertEquals(spark.columns().get(name), duck.columns("select * from " + name), name + ": columns");
        assertFalse(spark.rows(name).isEmpty(), name + " has rows");
        RowsAssert.assertSameRows(name + ": Spark vs DuckDB", RowsAssert.values(spark.rows(name)),
            duck.rows("select * from " + name));
      }
    }
  }

  @Test
  void firstRunWithoutHistoryMatchesToo() throws Exception {
    for (String view : Models.CLEAN_VIEWS) {
      spark().read().parquet(dir.resolve(view).toString()).createOrReplaceTempView(view);
    }
    Map<String, Dataset<Row>> model = Models.buildModel(spark(), ModelFixture.PARAMS, null);
    try (DuckDbModels duck = duckOverParquet(false)) {
      duck.buildModel(ModelFixture.PARAMS);
      for (String name : List.of("dim_nurse", "fact_contract")) {
        RowsAssert.assertSameRows(name + " (first run): Spark vs DuckDB", RowsAssert.values(model.get(name)),
            duck.rows("select * from " + name));
      }
    }
  }
}
