package com.nurselink.warehouse.util;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session of the jobs: UTC session time zone, micros Parquet timestamps, quiet logs. */
public final class Sparks {
  private Sparks() {}

  /** Generated classes kept for reuse ({@code spark.sql.codegen.cache.maxEntries}, Spark's default 100). */
  public static final int CODEGEN_CACHE_ENTRIES = 4096;

  /**
   * The session for the jobs. When launched by spark-submit a master is already set and kept;
   * otherwise {@code master} (e.g. {@code local[*]}) is used with the driver bound to loopback.
   */
  public static SparkSession session(String appName, String master, int shufflePartitions, boolean verbose) {
    return session(appName, master, shufflePartitions, verbose, java.util.Map.of());
  }

  /**
   * The session for the jobs, with {@code passthrough} (the {@code spark.<key>} settings of the
   * configuration, e.g. {@code spark.hadoop.fs.s3a.endpoint}) set last, as they are.
   */
  public static SparkSession session(String appName, String master, int shufflePartitions, boolean verbose,
      java.util.Map<String, String> passthrough) {
    quietLogs(verbose);
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    boolean submitted = System.getProperty("spark.master") != null;
    if (!submitted) {
      b.master(master)
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          // one process: every task is local, waiting for a better locality only delays it
          .config("spark.locality.wait", "0s");
    }
    b.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions))
        .config("spark.sql.adaptive.enabled", "true")
        // the generated classes kept for reuse: a nightly generates about 350 distinct ones, and
        // with Spark's default of 100 every later run in the same JVM (the tests, or any caller of
        // Main.execute running several) compiled them all again (BENCHMARKS.md)
        .config("spark.sql.codegen.cache.maxEntries", String.valueOf(CODEGEN_CACHE_ENTRIES))
        .config("spark.sql.sources.partitionOverwriteMode", "static")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
        .config("spark.hadoop.parquet.summary.metadata.level", "NONE")
        // file: permissions set in-process, not by a chmod process per file, and no checksum files (LocalFileSystem)
        .config("spark.hadoop.fs.file.impl", com.nurselink.warehouse.lake.LocalFileSystem.class.getName());
    passthrough.forEach(b::config);
    SparkSession spark = b.getOrCreate();
    // a session already running in this JVM (tests, notebooks) takes the runtime settings
    passthrough.forEach((k, v) -> {
      if (k.startsWith("spark.hadoop.")) {
        spark.sparkContext().hadoopConfiguration().set(k.substring("spark.hadoop.".length()), v);
      } else if (spark.conf().isModifiable(k)) {
        spark.conf().set(k, v);
      }
    });
    return spark;
  }

  /**
   * The libraries whose logs a quiet run leaves out but their errors (log4j2.properties names them too);
   * verbose, their INFO lines.
   */
  static final java.util.List<String> LIBRARIES = java.util.List.of("org.apache.spark", "org.apache.hadoop",
      "org.apache.parquet", "org.sparkproject", "org.apache.iceberg");

  /**
   * Quiet: warnings, and only the errors of {@link #LIBRARIES}. Verbose: INFO, theirs included (the
   * log configuration file sets them to ERROR: raising the root's level alone left Spark's INFO lines
   * out of a verbose run).
   */
  public static void quietLogs(boolean verbose) {
    Configurator.setRootLevel(verbose ? Level.INFO : Level.WARN);
    for (String library : LIBRARIES) {
      Configurator.setLevel(library, verbose ? Level.INFO : Level.ERROR);
    }
  }
}
