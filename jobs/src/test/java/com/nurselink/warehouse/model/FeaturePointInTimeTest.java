package com.nurselink.warehouse.model;

import static com.nurselink.warehouse.model.RowsAssert.assertRows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Features as of D do not change when the sources gain rows or status changes after D: the same
 * feature rows for D before and after a batch of later events, and a later nightly run (its previous
 * dim_nurse being D's) is what computes them.
 */
class FeaturePointInTimeTest extends SparkTestBase {
  @AfterAll
  static void restoreViews() {
    new ModelFixture().register(spark());
  }

  @Test
  void laterEventsLeaveTheFeaturesOfDUnchanged() {
    ModelFixture.Built before = ModelFixture.built(spark());

    ModelFixture later = new ModelFixture();
    // nurse 11 moves to Paris after D; a nurse signs up after D
    later.tables.get("users").put(11L, RowFactory.create(11L, "hmac-11", "nurse", "Paris", "er",
        ModelFixture.ts("2024-02-15 10:00"), ModelFixture.ts("2024-04-03 00:00")));
    later.user(14, "nurse", "Paris", "icu", "2024-04-01 08:00", "2024-04-01 08:00");
    // a pending application is accepted after D; a new application after D
    later.application(7, 122, 11, "accepted", "2024-03-26 10:00", "2024-04-02 00:00");
    later.application(12, 122, 10, "pending", "2024-04-01 08:00", "2024-04-01 08:00");
    // an active contract completes after D; a new contract is signed after D
    later.contract(5, 120, 10, 6L, "completed", "2024-03-30 23:30", "2024-03-31 05:30", 32.0, 6.0,
        "2024-03-20 10:00", "2024-03-20 09:00", "2024-04-02 00:00");
    later.contract(10, 122, 11, 7L, "signed", "2024-04-03 08:00", "2024-04-03 16:00", 40.0, null,
        "2024-04-02 09:00", "2024-04-02 08:00", "2024-04-02 09:00");
    // missions change status after D; a mission is posted after D
    later.mission(122, 999L, "icu", "Paris", 40.0, "filled", "2024-03-31 08:00", "2024-03-31 16:00",
        "2024-03-25 00:00", "2024-04-02 09:00", "2024-03-31");
    later.mission(104, 1L, "icu", "Paris", 35.0, "completed", "2024-03-10 07:00", "2024-03-10 15:00",
        "2024-03-04 00:00", "2024-04-02 00:00", "2024-03-10");
    later.mission(130, 1L, "icu", "Paris", 20.0, "open", "2024-04-05 07:00", "2024-04-05 15:00",
        "2024-04-01 10:00", "2024-04-01 10:00", "2024-04-05");
    later.register(spark());

    Dataset<Row> previous = spark().createDataFrame(before.rows("dim_nurse"),
        SqlModel.load(Models.EMPTY_PREVIOUS_DIM_NURSE).apply(spark(), ModelFixture.PARAMS).schema());
    Map<String, Dataset<Row>> model = Models.buildModel(spark(), ModelFixture.PARAMS, previous);
    Map<String, Dataset<Row>> features = Models.buildFeatures(spark(), ModelFixture.PARAMS);

    // the later events did reach the model: nurse 11 has a second version
    assertTrue(model.get("dim_nurse").filter("nurse_id = 11").count() == 2, "nurse 11 versioned");
    assertRows("features_nurse after later events", before.rows("features_nurse"), features.get("features_nurse"));
    assertRows("features_mission_fill after later events", before.rows("features_mission_fill"),
        features.get("features_mission_fill"));
  }
}
