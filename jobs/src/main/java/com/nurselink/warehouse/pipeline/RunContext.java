package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.source.SourceTable;
import com.nurselink.warehouse.util.Progress;
import com.nurselink.warehouse.util.Pseudonyms;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Everything a job of one run needs: inputs resolved once, no clock (the logical date is given). */
public record RunContext(SparkSession spark, Settings settings, Lake lake, String runId, LocalDate date,
    ZoneId zone, Map<String, SourceTable> sources, Pseudonyms pseudonyms, Progress progress,
    boolean fullRefresh) {}
