package com.nurselink.warehouse.model;

import static com.nurselink.warehouse.model.ModelFixture.date;
import static com.nurselink.warehouse.model.ModelFixture.ts;
import static com.nurselink.warehouse.model.RowsAssert.assertRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Dimensions and facts of the star schema: keys, unknown members, derived columns. */
class ModelFactsTest extends SparkTestBase {
  private static List<Row> rows(String name) {
    return ModelFixture.built(spark()).rows(name);
  }

  private static List<Row> select(String name, int... columns) {
    return rows(name).stream().map(r -> {
      Object[] v = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        v[i] = r.get(columns[i]);
      }
      return row(v);
    }).collect(Collectors.toList());
  }

  @Test
  void dimLocationAndEstablishmentHaveTheirUnknownMember() {
    assertRows("dim_location", List.of(row(-1, "unknown"), row(1, "Lyon"), row(2, "Marseille"), row(3, "Paris")),
        rows("dim_location"));
    // establishment_key, establishment_id, email_hmac, city, location_key, created_at, updated_at
    assertRows("dim_establishment", List.of(
        row(-1, null, null, "unknown", -1, null, null),
        row(1, 1, "hmac-1", "Paris", 3, ts("2023-01-01 00:00"), ts("2023-01-01 00:00")),
        row(2, 2, "hmac-2", "Lyon", 1, ts("2023-01-01 00:00"), ts("2023-01-01 00:00"))),
        rows("dim_establishment"));
  }

  @Test
  void factMissionKeepsDraftsAndResolvesKeys() {
    // mission_key, establishment_key, location_key, city, status, service_date, service_month,
    // duration_hours, applications_count, first_signed_at, time_to_fill_hours
    assertRows("fact_mission", List.of(
        row(100, 1, 3, "Paris", "completed", date("2024-03-10"), "2024-03", 8.0, 2, ts("2024-03-01 22:00"), 12.0),
        row(101, 1, 3, "Paris", "cancelled", date("2024-03-10"), "2024-03", 4.0, 1, ts("2024-03-02 14:00"), 4.0),
        row(102, 1, 3, "Paris", "filled", date("2024-03-10"), "2024-03", 6.0, 1, ts("2024-03-03 06:00"), 6.0),
        row(103, 1, 3, "Paris", "draft", date("2024-03-10"), "2024-03", 8.0, 1, null, null),
        row(104, 1, 3, "Paris", "open", date("2024-03-10"), "2024-03", 8.0, 0, ts("2024-03-25 12:00"), 516.0),
        row(110, 2, 1, "Lyon", "cancelled", date("2024-03-11"), "2024-03", 12.0, 0, null, null),
        row(120, 1, 3, "Paris", "in_progress", date("2024-03-31"), "2024-03", 6.0, 1, ts("2024-03-20 10:00"), 10.0),
        row(121, 1, 3, "Paris", "completed", date("2024-04-01"), "2024-04", 7.5, 0, ts("2024-03-21 20:00"), 20.0),
        // establishment 999 is not a user: unknown member
        row(122, -1, 3, "Paris", "open", date("2024-03-31"), "2024-03", 8.0, 3, null, null)),
        select("fact_mission", 0, 2, 4, 5, 8, 13, 14, 15, 16, 17, 18));
  }

  @Test
  void factApplicationPointsUnknownKeysToMinusOne() {
    // application_key, mission_key, nurse_key, applied_date, applied_month. Nurse keys: nurse 10's
    // Lyon version (1) covers March; nurses 11, 12, 13 opened versions 3, 4, 5.
    assertRows("fact_application", List.of(
        row(1, 100, 1, date("2024-03-01"), "2024-03"),
        row(2, 100, 3, date("2024-03-01"), "2024-03"),
        row(3, 101, 1, date("2024-03-02"), "2024-03"),
        row(4, 102, 3, date("2024-03-03"), "2024-03"),
        row(5, 103, 1, date("2024-03-05"), "2024-03"),
        row(6, 120, 1, date("2024-03-20"), "2024-03"),
        row(7, 122, 3, date("2024-03-26"), "2024-03"),
        row(8, 122, -1, date("2024-03-26"), "2024-03"), // unknown nurse 77
        row(9, -1, 1, date("2024-01-05"), "2024-01"), // unknown mission 555
        row(10, 122, 1, date("2024-03-30"), "2024-03"),
        row(11, -1, 1, date("2024-04-01"), "2024-04")), // 2024-03-31 22:10Z is April 1st local
        select("fact_application", 0, 2, 4, 9, 10));
  }

  @Test
  void factContractAmountsKeysAndMonths() {
    // contract_key, mission_key, nurse_key, establishment_key, city, specialty, start_month,
    // hourly_rate, gross_amount
    assertRows("fact_contract", List.of(
        row(1, 100, 1, 1, "Paris", "icu", "2024-03", 40.0, 320.0),
        row(2, 100, 3, 1, "Paris", "icu", "2024-03", 40.0, null), // the mission's rate; no hours
        row(3, 101, 1, 1, "Paris", "icu", "2024-03", 50.0, null),
        row(4, 102, 3, 1, "Paris", "icu", "2024-03", 45.0, null),
        row(5, 120, 1, 1, "Paris", "icu", "2024-03", 32.0, 128.0), // starts 03-31 00:30 local
        row(6, 121, 3, 1, "Paris", "icu", "2024-04", 50.0, 375.0), // starts 04-01 00:30 local
        row(7, 122, -1, -1, "Paris", "icu", "2024-03", 40.0, null), // unknown nurse 99, establishment 999
        row(8, -1, 1, -1, "unknown", "unknown", "2024-03", 20.0, 60.0), // unknown mission 555
        row(9, 104, 1, 1, "Paris", "icu", "2024-03", 35.0, 280.0)),
        select("fact_contract", 0, 2, 4, 6, 10, 11, 16, 17, 19));
  }

  @Test
  void dimDateCoversEveryFactDateContiguously() {
    List<Row> dates = rows("dim_date");
    Set<LocalDate> keys = new HashSet<>();
    for (Row r : dates) {
      keys.add((LocalDate) r.get(0));
    }
    assertEquals(dates.size(), keys.size(), "one row per date");
    // from the earliest used date (application 9, 2024-01-05) to the latest (2024-04-01)
    assertEquals(LocalDate.of(2024, 1, 5).datesUntil(LocalDate.of(2024, 4, 2)).collect(Collectors.toSet()), keys);
    for (String name : List.of("fact_mission", "fact_application", "fact_contract")) {
      for (Row r : rows(name)) {
        for (int i = 0; i < r.length(); i++) {
          if (r.get(i) instanceof LocalDate d) {
            assertTrue(keys.contains(d), name + " date " + d + " in dim_date");
          }
        }
      }
    }
    // date_key, year, month, day, weekday (ISO), iso_week, is_weekend, year_month
    List<Row> sample = dates.stream()
        .filter(r -> Set.of(date("2024-03-31"), date("2024-04-01"), date("2024-01-05")).contains(r.get(0)))
        .collect(Collectors.toList());
    assertRows("dim_date sample", List.of(
        row(date("2024-01-05"), 2024, 1, 5, 5, 1, false, "2024-01"), // Friday
        row(date("2024-03-31"), 2024, 3, 31, 7, 13, true, "2024-03"), // Sunday
        row(date("2024-04-01"), 2024, 4, 1, 1, 14, false, "2024-04")), // Monday
        sample);
  }

  /** The fixture's clean views registered; the previous run's dim_nurse (with its history). */
  private static Dataset<Row> registerFixtureAndPreviousDimNurse() {
    new ModelFixture().register(spark());
    return spark().createDataFrame(ModelFixture.previousDimNurseWithHistory(),
        SqlModel.load(Models.EMPTY_PREVIOUS_DIM_NURSE).apply(spark(), ModelFixture.PARAMS).schema());
  }

  /** The model as one chain of plans: each table computed again inside the plans of those reading it. */
  private static Map<String, List<Row>> chainOfPlans(Dataset<Row> previous) {
    Map<String, List<Row>> expected = new HashMap<>();
    Models.buildModel(spark(), ModelFixture.PARAMS, previous).forEach((name, df) -> expected.put(name, df.collectAsList()));
    return expected;
  }

  @Test
  void publishedTableByTableTheModelIsTheSameAndLaterModelsReadWhatWasPublished() {
    Dataset<Row> previous = registerFixtureAndPreviousDimNurse();
    Map<String, List<Row>> expected = chainOfPlans(previous);
    List<String> order = new ArrayList<>();
    Map<String, String> plans = new HashMap<>();
    Models.buildAndPublishModel(spark(), ModelFixture.PARAMS, previous, (name, df) -> {
      order.add(name);
      plans.put(name, df.queryExecution().analyzed().toString());
      List<Row> built = df.collectAsList();
      assertRows(name, expected.get(name), built);
      // "published": a copy of the rows, as the job's read of the written files is
      return spark().createDataFrame(built, df.schema());
    });
    assertEquals(List.of("dim_date", "dim_location", "dim_establishment", "dim_nurse", "fact_mission",
        "fact_application", "fact_contract"), order);
    // fact_mission is computed from the clean missions; the later facts read its published rows
    assertTrue(plans.get("fact_mission").contains("clean_missions"), plans.get("fact_mission"));
    assertFalse(plans.get("fact_application").contains("clean_missions"), plans.get("fact_application"));
    assertFalse(plans.get("fact_contract").contains("clean_missions"), plans.get("fact_contract"));
  }

  @Test
  void theModelsThatReadNoneOfEachOtherArePublishedInGroupsAndTheSameTablesComeOut() {
    Dataset<Row> previous = registerFixtureAndPreviousDimNurse();
    Map<String, List<Row>> expected = chainOfPlans(previous);
    List<List<String>> groups = new ArrayList<>();
    List<String> current = new ArrayList<>();
    Models.buildAndPublishModel(spark(), ModelFixture.PARAMS, previous, (name, df) -> {
      current.add(name);
      List<Row> built = df.collectAsList();
      assertRows(name, expected.get(name), built);
      return spark().createDataFrame(built, df.schema());
    }, publications -> {
      // the group's publications, run here one after the other in reverse; a model of the group that read
      // another of it would fail (the group's views are dropped before it starts: the chain of plans
      // above left them all)
      List<Dataset<Row>> out = new ArrayList<>(java.util.Collections.nCopies(publications.size(), null));
      for (int i = publications.size() - 1; i >= 0; i--) {
        try {
          out.set(i, publications.get(i).call());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
      java.util.Collections.reverse(current);
      groups.add(List.copyOf(current));
      current.clear();
      return out;
    });
    assertEquals(List.of(List.of("dim_date", "dim_location"), List.of("dim_establishment", "dim_nurse"),
        List.of("fact_mission"), List.of("fact_application", "fact_contract")), groups);
  }
}
