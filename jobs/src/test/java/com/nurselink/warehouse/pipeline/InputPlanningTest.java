package com.nurselink.warehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import java.util.Map;
import org.apache.spark.sql.RuntimeConfig;
import org.junit.jupiter.api.Test;

/** The planning of a job for its input's size, and the session settings it sets and puts back. */
class InputPlanningTest extends SparkTestBase {
  private static final Map<String, String> SMALL = Map.of(InputPlanning.ADAPTIVE, "false",
      InputPlanning.BROADCAST_THRESHOLD, "-1", InputPlanning.SHUFFLE_PARTITIONS, "1",
      InputPlanning.WHOLE_STAGE_CODEGEN, "false", InputPlanning.CODEGEN_FACTORY_MODE, "NO_CODEGEN");

  @Test
  void anInputUpToTheThresholdIsSmallAndZeroNeverIs() {
    assertEquals(SMALL, InputPlanning.settings(0, 100_000));
    assertEquals(SMALL, InputPlanning.settings(100_000, 100_000));
    assertEquals(Map.of(), InputPlanning.settings(100_001, 100_000));
    assertEquals(Map.of(), InputPlanning.settings(0, 0));
    assertEquals(Map.of(), InputPlanning.settings(5, 0));
  }

  @Test
  void theSettingsOfAJobArePutBackAsTheyWere() {
    RuntimeConfig conf = spark().conf();
    String partitions = conf.get(InputPlanning.SHUFFLE_PARTITIONS);
    String adaptive = conf.get(InputPlanning.ADAPTIVE);
    conf.unset(InputPlanning.BROADCAST_THRESHOLD);
    try (InputPlanning.Applied a = InputPlanning.Applied.set(spark(), SMALL)) {
      assertTrue(a.changed());
      assertEquals("1", conf.get(InputPlanning.SHUFFLE_PARTITIONS));
      assertEquals("false", conf.get(InputPlanning.ADAPTIVE));
      assertEquals("-1", conf.get(InputPlanning.BROADCAST_THRESHOLD));
      assertEquals(1, spark().range(10).groupBy(org.apache.spark.sql.functions.expr("id % 3")).count().rdd()
          .getNumPartitions());
    }
    assertEquals(partitions, conf.get(InputPlanning.SHUFFLE_PARTITIONS));
    assertEquals(adaptive, conf.get(InputPlanning.ADAPTIVE));
    // unset before, unset after: Spark's default again
    assertFalse(conf.contains(InputPlanning.BROADCAST_THRESHOLD), conf.get(InputPlanning.BROADCAST_THRESHOLD));
    try (InputPlanning.Applied none = InputPlanning.Applied.set(spark(), Map.of())) {
      assertFalse(none.changed());
    }
  }
}
