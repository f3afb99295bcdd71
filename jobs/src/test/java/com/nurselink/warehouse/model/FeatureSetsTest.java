package com.nurselink.warehouse.model;

import static com.nurselink.warehouse.model.ModelFixture.date;
import static com.nurselink.warehouse.model.RowsAssert.assertRows;

import com.nurselink.warehouse.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The feature sets as of 2024-03-31 (Europe/Paris; cutoff 2024-03-31T22:00:00Z, the first instant of
 * April 1st local), every column against hand-computed values.
 */
class FeatureSetsTest extends SparkTestBase {
  private static final LocalDate D = date("2024-03-31");

  @Test
  void featuresNurse() {
    // nurse_id, as_of_date, tenure_days, applications_30d, applications_90d, acceptance_rate_90d,
    // contracts_completed, contracts_cancelled, hours_worked_90d, mean_accepted_rate,
    // days_since_last_contract, city, specialty
    assertRows("features_nurse", List.of(
        // signed up 2024-01-01 local: 90 days. Applications before the cutoff: 1 (03-01), 3 (03-02),
        // 5 (03-05), 6 (03-20), 9 (01-05), 10 (03-30); application 11 is after it. 30 days = 03-02..03-31
        // -> 3, 5, 6, 10; 90 days = 01-02..03-31 -> all 6. Accepted at D: 1 and 6 (10 accepted after
        // D) -> 2 / 6. Contracts: c1 completed (8 h, ended 03-10), c3 cancelled, c9 completed only
        // after D; signed before the cutoff: c1 40, c3 50, c5 32, c9 35 -> 39.25. Latest start: c5
        // at 2024-03-30 23:30Z = 03-31 local -> 0 days. City, specialty: the dim_nurse version valid at
        // the cutoff (Lyon, er until 2024-04-05), not the user's current Paris, icu.
        row(10, D, 90, 4, 6, 2.0 / 6, 1, 1, 8.0, 39.25, 0, "Lyon", "er"),
        // signed up 02-15: 45 days. Applications 2 (03-01), 4 (03-03), 7 (03-26): 30 days -> 4, 7;
        // accepted 4. c2 cancelled; c6 completed only after D; signed: c2 (mission rate 40), c4 45,
        // c6 50 -> 45. Latest start before the cutoff: 03-10 (c6 starts after it) -> 21 days.
        row(11, D, 45, 2, 3, 1.0 / 3, 0, 1, 0.0, 45.0, 21, "Lyon", "er"),
        // signed up 2024-03-31 23:59 local: tenure 0, nothing else; nurse 12 signed up after the cutoff
        row(13, D, 0, 0, 0, null, 0, 0, 0.0, null, null, "Marseille", "icu")),
        ModelFixture.built(spark()).rows("features_nurse"));
  }

  @Test
  void featuresMissionFill() {
    // mission_id, as_of_date, establishment_id, city, specialty, posted_date, hourly_rate,
    // rate_vs_city_specialty_median, lead_time_hours, start_weekday, start_hour, duration_hours,
    // establishment_prior_missions, establishment_prior_fill_rate, filled.
    // Not here: draft m103; m121, which starts after the cutoff (it still counts as a prior posting).
    // Medians of Paris x icu rates posted in the 30 days before the posting day: m101 {40};
    // m102 {40, 50}; m104 {40, 50, 45} (the draft m103 excluded); m120 {40, 50, 45, 35};
    // m122 {40, 50, 45, 35, 30, 50 (m121)}.
    // Establishment 1 postings and fills (first signature): m100 posted 03-01 10:00, filled 03-01 22:00;
    // m101 03-02 10:00 / 03-02 14:00; m102 03-03 00:00 / 03-03 06:00; m104 03-04 / 03-25; m120
    // 03-20 00:00 / 03-20 10:00 -> when m120 is posted, 4 prior missions, 3 filled.
    // Local start hours: 07:00Z = 08 CET; 23:30Z on 03-30 = 00 on 03-31; 08:00Z on 03-31 = 10 CEST.
    assertRows("features_mission_fill", List.of(
        row(100, D, 1, "Paris", "icu", date("2024-03-01"), 40.0, null, 213.0, 7, 8, 8.0, 0, null, true),
        // cancelled, but a contract was signed before the cutoff
        row(101, D, 1, "Paris", "icu", date("2024-03-02"), 50.0, 50.0 / 40, 189.0, 7, 8, 4.0, 1, 1.0, true),
        row(102, D, 1, "Paris", "icu", date("2024-03-03"), 45.0, 1.0, 181.0, 7, 14, 6.0, 2, 1.0, true),
        row(104, D, 1, "Paris", "icu", date("2024-03-04"), 35.0, 35.0 / 45, 151.0, 7, 8, 8.0, 3, 1.0, true),
        row(110, D, 2, "Lyon", "er", date("2024-03-05"), 60.0, null, 140.0, 1, 9, 12.0, 0, null, false),
        row(120, D, 1, "Paris", "icu", date("2024-03-20"), 30.0, 30.0 / 42.5, 263.5, 7, 0, 6.0, 4, 0.75, true),
        // establishment 999 has no other mission; open, contract never signed
        row(122, D, 999, "Paris", "icu", date("2024-03-25"), 40.0, 40.0 / 42.5, 152.0, 7, 10, 8.0, 0, null, false)),
        ModelFixture.built(spark()).rows("features_mission_fill"));
  }
}
