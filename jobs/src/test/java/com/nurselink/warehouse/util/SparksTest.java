package com.nurselink.warehouse.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeAndComment;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator$;
import org.junit.jupiter.api.Test;

/** The session's settings that a run's speed depends on. */
class SparksTest extends SparkTestBase {
  /** Compiles, through Spark's code generator and its cache, a generated class of its own. */
  private static void compile(int n) {
    String body = "public Object generate(Object[] references) { return Integer.valueOf(" + n + "); }";
    CodeGenerator$.MODULE$.compile(new CodeAndComment(body, scala.collection.immutable.Map$.MODULE$.empty()));
  }

  /**
   * A run generates about 350 classes; with Spark's default cache of 100 generated classes a second
   * run in the same JVM compiled every one of them again. 150 distinct classes, then the first 50
   * again: none compiled the second time.
   */
  @Test
  void generatedClassesOfEarlierQueriesAreReusedPastSparksDefaultOf100() {
    assertEquals(String.valueOf(Sparks.CODEGEN_CACHE_ENTRIES), spark().conf().get("spark.sql.codegen.cache.maxEntries"));
    for (int q = 1; q <= 150; q++) {
      compile(q);
    }
    long compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
    for (int q = 1; q <= 50; q++) {
      compile(q);
    }
    assertEquals(compiled, CodegenMetrics.METRIC_COMPILATION_TIME().getCount(), "classes compiled again");
    assertTrue(compiled >= 150, "each class compiled once: " + compiled);
  }
}
