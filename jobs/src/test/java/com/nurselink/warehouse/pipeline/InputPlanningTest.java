package com.nurselink.warehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.junit.jupiter.api.Test;

/** The planning of a job for its input's size, and the session settings it sets and puts back. */
class InputPlanningTest extends SparkTestBase {
  private static final Map<String, String> SMALL = Map.of(InputPlanning.ADAPTIVE, "false",
      InputPlanning.BROADCAST_THRESHOLD, "-1", InputPlanning.SHUFFLE_PARTITIONS, "1",
      InputPlanning.WHOLE_STAGE_CODEGEN, "false", InputPlanning.CODEGEN_FACTORY_MODE, "NO_CODEGEN",
      InputPlanning.CONSTRAINT_PROPAGATION, "false");

  @Test
  void anInputUpToTheThresholdIsSmallAndZeroNeverIs() {
    assertEquals(SMALL, InputPlanning.settings(0, 100_000));
    assertEquals(SMALL, InputPlanning.settings(100_000, 100_000));
    assertEquals(Map.of(), InputPlanning.settings(100_001, 100_000));
    assertEquals(Map.of(), InputPlanning.settings(0, 0));
    assertEquals(Map.of(), InputPlanning.settings(5, 0));
  }

  @Test
  void aSettingTheUserGaveIsLeftAloneAndTheCodeGenerationOnesGoTogether() {
    assertEquals(SMALL, InputPlanning.withoutUserKeys(SMALL, k -> false));
    assertEquals(Map.of(InputPlanning.BROADCAST_THRESHOLD, "-1", InputPlanning.SHUFFLE_PARTITIONS, "1",
            InputPlanning.WHOLE_STAGE_CODEGEN, "false", InputPlanning.CODEGEN_FACTORY_MODE, "NO_CODEGEN",
            InputPlanning.CONSTRAINT_PROPAGATION, "false"),
        InputPlanning.withoutUserKeys(SMALL, InputPlanning.ADAPTIVE::equals));
    Map<String, String> planning = Map.of(InputPlanning.ADAPTIVE, "false", InputPlanning.BROADCAST_THRESHOLD, "-1",
        InputPlanning.SHUFFLE_PARTITIONS, "1", InputPlanning.CONSTRAINT_PROPAGATION, "false");
    assertEquals(planning, InputPlanning.withoutUserKeys(SMALL, InputPlanning.WHOLE_STAGE_CODEGEN::equals));
    assertEquals(planning, InputPlanning.withoutUserKeys(SMALL, InputPlanning.CODEGEN_FACTORY_MODE::equals));
    assertEquals(Map.of(), InputPlanning.withoutUserKeys(SMALL, k -> true));
  }

  @Test
  void theSettingsOfAJobArePutBackAsTheyWere() {
    RuntimeConfig conf = spark().conf();
    conf.unset(InputPlanning.WHOLE_STAGE_CODEGEN);
    conf.unset(InputPlanning.CODEGEN_FACTORY_MODE);
    String partitions = conf.get(InputPlanning.SHUFFLE_PARTITIONS);
    String adaptive = conf.get(InputPlanning.ADAPTIVE);
    conf.unset(InputPlanning.BROADCAST_THRESHOLD);
    conf.unset(InputPlanning.CONSTRAINT_PROPAGATION);
    try (InputPlanning.Applied a = InputPlanning.Applied.set(spark(), SMALL)) {
      assertTrue(a.changed());
      assertEquals("1", conf.get(InputPlanning.SHUFFLE_PARTITIONS));
      assertEquals("false", conf.get(InputPlanning.ADAPTIVE));
      assertEquals("-1", conf.get(InputPlanning.BROADCAST_THRESHOLD));
      assertEquals("false", conf.get(InputPlanning.WHOLE_STAGE_CODEGEN));
      assertEquals("NO_CODEGEN", conf.get(InputPlanning.CODEGEN_FACTORY_MODE));
      assertEquals("false", conf.get(InputPlanning.CONSTRAINT_PROPAGATION));
      assertEquals(1, spark().range(10).groupBy(org.apache.spark.sql.functions.expr("id % 3")).count().rdd()
          .getNumPartitions());
    }
    assertEquals(partitions, conf.get(InputPlanning.SHUFFLE_PARTITIONS));
    assertEquals(adaptive, conf.get(InputPlanning.ADAPTIVE));
    // the next job, planned as usual, generates its code again
    assertFalse(conf.contains(InputPlanning.WHOLE_STAGE_CODEGEN), conf.get(InputPlanning.WHOLE_STAGE_CODEGEN));
    assertFalse(conf.contains(InputPlanning.CODEGEN_FACTORY_MODE), conf.get(InputPlanning.CODEGEN_FACTORY_MODE));
    // unset before, unset after: Spark's default again
    assertFalse(conf.contains(InputPlanning.BROADCAST_THRESHOLD), conf.get(InputPlanning.BROADCAST_THRESHOLD));
    assertFalse(conf.contains(InputPlanning.CONSTRAINT_PROPAGATION), conf.get(InputPlanning.CONSTRAINT_PROPAGATION));
    try (InputPlanning.Applied none = InputPlanning.Applied.set(spark(), Map.of())) {
      assertFalse(none.changed());
    }
  }

  @Test
  void aSmallInputsQueryCompilesNoClassWhereTheUsualPlanningDoes() {
    // a query of this test only (its constants are in the generated code): no cache of compiled
    // classes holds its code yet; no shuffle or aggregation, whose row joiners are always compiled
    String query = "select id * 13 + 17 as a, concat('p', cast(id as string), 'q') as b, id % 7 = 3 as c"
        + " from range(0, 60, 1, 3) where id % 5 <> 1";
    long before = classesCompiled();
    List<Row> interpreted;
    try (InputPlanning.Applied a = InputPlanning.Applied.set(spark(), SMALL)) {
      interpreted = sorted(spark().sql(query));
    }
    assertEquals(before, classesCompiled(), "classes compiled for a query over a small input");
    assertEquals(48, interpreted.size());
    // the same query planned as usual compiles its code (the count above can move): the same rows
    assertEquals(interpreted, sorted(spark().sql(query)));
    assertTrue(classesCompiled() > before, "the usual planning compiles the query's code");
  }

  /** Classes Spark compiled in this JVM so far (every compilation records its time). */
  private static long classesCompiled() {
    return CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
  }
}
