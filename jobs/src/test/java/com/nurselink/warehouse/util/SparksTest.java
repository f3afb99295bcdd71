package com.nurselink.warehouse.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeAndComment;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator$;
import org.apache.spark.sql.catalyst.expressions.codegen.GeneratedClass;
import org.junit.jupiter.api.Test;

/** The session's settings that a run's speed depends on, and its logs' levels. */
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

  /**
   * A quiet run logs warnings, and of Spark, Hadoop, Parquet and Iceberg only their errors; a verbose
   * one their INFO lines too (the log configuration file's ERROR for them used to hold under
   * --verbose). The test's session is quiet, and is left so.
   */
  @Test
  void verboseLogsShowTheLibrariesInfoLinesAndQuietOnlyTheirErrors() {
    List<String> loggers = List.of("org.apache.spark.SparkContext", "org.apache.hadoop.fs.FileSystem",
        "org.apache.parquet.hadoop.ParquetWriter", "org.sparkproject.jetty.server.Server",
        "org.apache.iceberg.ManifestReader");
    try {
      Sparks.quietLogs(true);
      for (String name : loggers) {
        assertTrue(org.apache.logging.log4j.LogManager.getLogger(name).isInfoEnabled(), name + " verbose");
      }
      assertTrue(org.apache.logging.log4j.LogManager.getLogger("com.nurselink.warehouse.X").isInfoEnabled());
    } finally {
      Sparks.quietLogs(false);
    }
    for (String name : loggers) {
      var logger = org.apache.logging.log4j.LogManager.getLogger(name);
      assertFalse(logger.isWarnEnabled(), name + " quiet");
      assertTrue(logger.isErrorEnabled(), name + " quiet");
    }
    assertTrue(org.apache.logging.log4j.LogManager.getLogger("com.nurselink.warehouse.X").isWarnEnabled());
    assertFalse(org.apache.logging.log4j.LogManager.getLogger("com.nurselink.warehouse.X").isInfoEnabled());
  }

  /** The launcher's log configuration quiets the same libraries as {@link Sparks#quietLogs} does. */
  @Test
  void theLogConfigurationFileQuietsTheSameLibraries() throws Exception {
    java.util.Properties p = new java.util.Properties();
    try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(System.getProperty("nurselink.repo", "."), "jobs/src/main/resources/log4j2.properties"))) {
      p.load(in);
    }
    List<String> quieted = new ArrayList<>();
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith("logger.") && k.endsWith(".name")
          && "error".equals(p.getProperty(k.substring(0, k.length() - ".name".length()) + ".level"))) {
        quieted.add(p.getProperty(k));
      }
    }
    assertEquals(Sparks.LIBRARIES.stream().sorted().toList(), quieted.stream().sorted().toList());
  }
}
