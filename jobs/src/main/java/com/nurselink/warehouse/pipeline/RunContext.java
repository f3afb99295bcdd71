package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.source.SourceTable;
import com.nurselink.warehouse.util.Progress;
import com.nurselink.warehouse.util.Pseudonyms;
import com.nurselink.warehouse.util.SideBySide;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a job of one run needs: inputs resolved once, no clock (the logical date is given).
 * {@code tableThreads}: the driver threads the job may write its independent tables from
 * ({@link SideBySide}); set for each job by the pipeline, from its input's size.
 */
public record RunContext(SparkSession spark, Settings settings, Lake lake, String runId, LocalDate date,
    ZoneId zone, Map<String, SourceTable> sources, Pseudonyms pseudonyms, Progress progress,
    boolean fullRefresh, int tableThreads) {
  /** A run's context, its tables written one at a time until {@link #withTableThreads} says otherwise. */
  public RunContext(SparkSession spark, Settings settings, Lake lake, String runId, LocalDate date,
      ZoneId zone, Map<String, SourceTable> sources, Pseudonyms pseudonyms, Progress progress,
      boolean fullRefresh) {
    this(spark, settings, lake, runId, date, zone, sources, pseudonyms, progress, fullRefresh, 1);
  }

  /** The same context, for a job that may write {@code threads} tables at once. */
  public RunContext withTableThreads(int threads) {
    return new RunContext(spark, settings, lake, runId, date, zone, sources, pseudonyms, progress, fullRefresh,
        Math.max(1, threads));
  }
}
