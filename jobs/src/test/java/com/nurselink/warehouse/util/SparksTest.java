package com.nurselink.warehouse.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.nurselink.warehouse.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeAndComment;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator$;
import org.apache.spark.sql.catalyst.expressions.codegen.GeneratedClass;
import org.junit.jupiter.api.Test;

/** The session's settings that a run's speed depends on. */
class SparksTest extends SparkTestBase {
  /** Compiles, through Spark's code generator and its cache, a generated class of its own. */
  private static GeneratedClass compile(int n) {
    String body = "public Object generate(Object[] references) { return Integer.valueOf(" + n + "); }";
    return CodeGenerator$.MODULE$.compile(new CodeAndComment(body, scala.collection.immutable.Map$.MODULE$.empty()))._1();
  }

  /**
   * A run generates about 350 classes; with Spark's default cache of 100 generated classes a second
   * run in the same JVM compiled every one of them again. 150 distinct classes, then the first 50
   * again: each is the class compiled the first time.
   */
  @Test
  void generatedClassesOfEarlierQueriesAreReusedPastSparksDefaultOf100() {
    assertEquals(String.valueOf(Sparks.CODEGEN_CACHE_ENTRIES),
        spark().conf().get("spark.sql.codegen.cache.maxEntries"));
    List<GeneratedClass> first = new ArrayList<>();
    for (int q = 1; q <= 150; q++) {
      first.add(compile(q));
    }
    for (int q = 1; q <= 50; q++) {
      assertSame(first.get(q - 1), compile(q), "class " + q + " compiled again");
    }
  }
}
