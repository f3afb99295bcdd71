package com.nurselink.warehouse.model;

import static com.nurselink.warehouse.model.ModelFixture.nurseVersion;
import static com.nurselink.warehouse.model.ModelFixture.ts;
import static com.nurselink.warehouse.model.RowsAssert.assertRows;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.staging.CleanSchema;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** dim_nurse as SCD type 2 over successive runs, each reading the previous run's output. */
class ModelDimNurseTest extends SparkTestBase {
  @AfterAll
  static void restoreViews() {
    new ModelFixture().register(spark());
  }

  private static Row user(long id, String hmac, String role, String city, String specialty, String created,
      String updated) {
    return RowFactory.create(id, hmac, role, city, specialty, ts(created), ts(updated));
  }

  private static List<Row> run(List<Row> previous, List<Row> users) {
    SqlParams params = ModelFixture.PARAMS;
    Dataset<Row> empty = SqlModel.load(Models.EMPTY_PREVIOUS_DIM_NURSE).apply(spark(), params);
    spark().createDataFrame(previous, empty.schema()).createOrReplaceTempView(Models.PREVIOUS_DIM_NURSE);
    spark().createDataFrame(users, CleanSchema.USERS).createOrReplaceTempView("clean_users");
    return SqlModel.load("model/dim_nurse").apply(spark(), params).collectAsList();
  }

  @Test
  void versionsAcrossRuns() {
    // run 1, empty history: one version per nurse from created_at; the establishment is no nurse
    List<Row> run1 = run(List.of(), List.of(
        user(1, "hmac-1", "establishment", "Paris", null, "2023-01-01 00:00", "2023-01-01 00:00"),
        user(10, "hmac-10", "nurse", "Paris", "icu", "2024-01-01 00:00", "2024-01-01 00:00"),
        user(11, "hmac-11", "nurse", "Lyon", "er", "2024-02-15 10:00", "2024-02-15 10:00")));
    List<Row> expected1 = List.of(
        nurseVersion(-1, null, "unknown", "unknown", "1970-01-01 00:00", null, true),
        nurseVersion(1, 10L, "Paris", "icu", "2024-01-01 00:00", null, true),
        nurseVersion(2, 11L, "Lyon", "er", "2024-02-15 10:00", null, true));
    assertRows("dim_nurse run 1", expected1, run1);

    // run 2: nurse 10 moves to Lyon on 03-05 (version closed, new one opened at updated_at);
    // nurse 11 only gets a new pseudonym (type 1, same row); nurse 15 appears
    List<Row> users2 = List.of(
        user(10, "hmac-10", "nurse", "Lyon", "icu", "2024-01-01 00:00", "2024-03-05 00:00"),
        user(11, "hmac-11b", "nurse", "Lyon", "er", "2024-02-15 10:00", "2024-03-06 00:00"),
        user(15, "hmac-15", "nurse", "Nice", "icu", "2024-03-01 00:00", "2024-03-01 00:00"));
    List<Row> run2 = run(run1, users2);
    List<Row> expected2 = List.of(
        nurseVersion(-1, null, "unknown", "unknown", "1970-01-01 00:00", null, true),
        nurseVersion(1, 10L, "Paris", "icu", "2024-01-01 00:00", "2024-03-05 00:00", false),
        RowFactory.create(2L, 11L, "hmac-11b", "Lyon", "er", ts("2024-02-15 10:00"), null, true),
        nurseVersion(3, 10L, "Lyon", "icu", "2024-03-05 00:00", null, true),
        nurseVersion(4, 15L, "Nice", "icu", "2024-03-01 00:00", null, true));
    assertRows("dim_nurse run 2", expected2, run2);

    // run 3 with the same users: nothing changes (idempotent)
    assertRows("dim_nurse run 3", expected2, run(run2, users2));

    // run 4: nurse 10 changes specialty; nurse 15 is gone from the users (history kept as is)
    List<Row> run4 = run(run2, List.of(
        user(10, "hmac-10", "nurse", "Lyon", "er", "2024-01-01 00:00", "2024-03-20 12:00"),
        user(11, "hmac-11b", "nurse", "Lyon", "er", "2024-02-15 10:00", "2024-03-06 00:00")));
    assertRows("dim_nurse run 4", List.of(
        nurseVersion(-1, null, "unknown", "unknown", "1970-01-01 00:00", null, true),
        nurseVersion(1, 10L, "Paris", "icu", "2024-01-01 00:00", "2024-03-05 00:00", false),
        RowFactory.create(2L, 11L, "hmac-11b", "Lyon", "er", ts("2024-02-15 10:00"), null, true),
        nurseVersion(3, 10L, "Lyon", "icu", "2024-03-05 00:00", "2024-03-20 12:00", false),
        nurseVersion(4, 15L, "Nice", "icu", "2024-03-01 00:00", null, true),
        nurseVersion(5, 10L, "Lyon", "er", "2024-03-20 12:00", null, true)), run4);
  }
}
