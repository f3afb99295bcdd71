package com.nurselink.warehouse.model;

import static com.nurselink.warehouse.model.ModelFixture.date;
import static com.nurselink.warehouse.model.RowsAssert.assertRows;

import com.nurselink.warehouse.SparkTestBase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The KPI marts against hand-computed rows, every column (ModelFixture data).
 *
 * <p>Time to fill (hours, created_at -> first signed_at): m100 12 (earliest of two signatures),
 * m101 4, m102 6, m104 516, m120 10, m121 20; m110, m122 none; the draft m103 never counts.
 * Applications per mission: m100 2, m101 1, m102 1, m103 1 (draft), m120 1, m122 3.
 */
class KpiMissionTest extends SparkTestBase {
  private static final double THIRD = 1.0 / 3;

  @Test
  void daily() {
    assertRows("kpi_mission_daily", List.of(
        // m100 completed, m101 cancelled, m102 filled, m104 open (draft m103 excluded): fill 2 / (4 - 1);
        // median of 4 times {4, 6, 12, 516} = (6 + 12) / 2
        row(date("2024-03-10"), "Paris", "icu", 4, 1, 1, 2, 42.5, 0.25, 2 * THIRD, 4, 1.0, 9.0, "2024-03"),
        // one cancelled mission: fill-rate divisor 0 -> null; no signature -> null median
        row(date("2024-03-11"), "Lyon", "er", 1, 0, 1, 0, 60.0, 0.0, null, 0, 0.0, null, "2024-03"),
        // m120 starts 2024-03-30 23:30Z = 2024-03-31 00:30 local; m122 open: fill 1 / 2; odd median {10}
        row(date("2024-03-31"), "Paris", "icu", 2, 0, 0, 1, 35.0, 0.0, 0.5, 4, 2.0, 10.0, "2024-03"),
        // m121 starts 2024-03-31 22:30Z = 2024-04-01 00:30 local (after the DST change)
        row(date("2024-04-01"), "Paris", "icu", 1, 1, 0, 1, 50.0, 1.0, 1.0, 0, 0.0, 20.0, "2024-04")),
        ModelFixture.built(spark()).rows("kpi_mission_daily"));
  }

  @Test
  void monthlyIsRecomputedFromTheMissions() {
    assertRows("kpi_mission_monthly", List.of(
        // 6 missions: rate 240 / 6; fill 3 / (6 - 1); median of {4, 6, 10, 12, 516} = 10 (not the
        // mean of the daily medians 9 and 10); 8 applications
        row("2024-03", "Paris", "icu", 6, 1, 1, 3, 40.0, 1.0 / 6, 0.6, 8, 8.0 / 6, 10.0),
        row("2024-03", "Lyon", "er", 1, 0, 1, 0, 60.0, 0.0, null, 0, 0.0, null),
        row("2024-04", "Paris", "icu", 1, 1, 0, 1, 50.0, 1.0, 1.0, 0, 0.0, 20.0)),
        ModelFixture.built(spark()).rows("kpi_mission_monthly"));
  }

  @Test
  void headlineIsTheDashboardQueryOverNonDraftMissions() {
    // 8 non-draft missions, rates 40+50+45+35+60+30+50+40 = 350; completed m100, m121;
    // filled m100, m102, m120, m121 over 8 - 2 cancelled
    assertRows("kpi_headline", List.of(
        row(date("2024-03-31"), 8, 43.75, 2, 0.25, 4.0 / 6)),
        ModelFixture.built(spark()).rows("kpi_headline"));
  }

  @Test
  void contractMonthly() {
    assertRows("kpi_contract_monthly", List.of(
        // c1 completed, c2 cancelled, c3 cancelled, c4 signed, c5 active (starts 03-31 local), c7 pending,
        // c9 completed; hours 8 + 4 + 8; gross 320 + 128 + 280; rates 40, 40 (c2: the mission's), 50, 45,
        // 32, 40, 35; nurses 10, 11, 99 (unknown in users but a nurse id); establishments 1, 999
        row("2024-03", "Paris", "icu", 7, 1, 1, 1, 2, 2, 0, 20.0, 728.0, 282.0 / 7, 3, 2),
        // c8 of the unknown mission 555
        row("2024-03", "unknown", "unknown", 1, 0, 0, 0, 0, 0, 1, 3.0, 60.0, 20.0, 1, 0),
        // c6 starts 2024-03-31 22:30Z = 2024-04-01 local
        row("2024-04", "Paris", "icu", 1, 0, 0, 0, 1, 0, 0, 7.5, 375.0, 50.0, 1, 1)),
        ModelFixture.built(spark()).rows("kpi_contract_monthly"));
  }
}
