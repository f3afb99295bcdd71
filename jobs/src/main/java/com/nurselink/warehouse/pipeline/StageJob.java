package com.nurselink.warehouse.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.staging.CleanSchema;
import com.nurselink.warehouse.staging.Staging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * stage: raw -> clean (typed, conformed, deduplicated) + quarantine (every rejected row with its
 * reason codes). Checks conservation: raw rows = clean rows + quarantined rows, per table, or fails.
 * An incremental extract is merged into the previous clean layer: an id present in the extract
 * takes its new version (or leaves clean when the new version is quarantined), exactly as a full
 * refresh would have it.
 */
public final class StageJob implements PipelineJob {
  @Override
  public String id() {
    return "stage";
  }

  @Override
  public JobResult run(RunContext ctx) {
    long in = 0;
    long out = 0;
    long quarantined = 0;
    Map<String, String> watermarks = new LinkedHashMap<>();
    Map<String, long[]> perTable = new LinkedHashMap<>();
    for (String t : SourceContract.names()) {
      Path rawPath = ctx.lake().table("raw", t).resolve(ctx.extractPartition());
      if (!Files.exists(rawPath)) {
        throw new IllegalStateException("no raw extract for " + t + " on " + ctx.date()
            + " (" + rawPath + "): run the extract job first");
      }
      boolean incremental = ExtractJob.incremental(rawPath) && ctx.lake().exists("clean", t);
      Dataset<Row> raw = ctx.spark().read().schema(CleanSchema.rawSchema(t)).parquet(rawPath.toString());
      // Clean and quarantine are computed from the raw Parquet each (one parsing for each output):
      // measured on 1M missions, that is faster than building an in-memory cache of the typed rows
      // for both (BENCHMARKS.md). Only the duplicate ids they share are cached, below.
      long nRaw = raw.count();
      Staging.Result r = Staging.stage(t, raw, ctx.zone().getId());
      // The ids carried by several valid rows (a few longs) are computed once, for clean and quarantine
      // (15 % off the stage job on 1M missions, BENCHMARKS.md).
      Dataset<Row> duplicateIds = r.duplicateIds().persist(StorageLevel.MEMORY_AND_DISK());
      long nDeltaClean = -1;
      try {
        Dataset<Row> clean = r.clean();
        if (incremental) {
          Dataset<Row> prev = ctx.spark().read().schema(CleanSchema.clean(t))
              .parquet(ctx.lake().table("clean", t).toString());
          Dataset<Row> touched = raw.select(org.apache.spark.sql.functions.expr("try_cast(trim(id) AS BIGINT)")
              .as("id")).where(col("id").isNotNull()).distinct();
          clean = prev.join(touched, prev.col("id").equalTo(touched.col("id")), "left_anti").unionByName(r.clean());
          nDeltaClean = r.clean().count();
        }
        ctx.lake().writeTable(clean, "clean", t, ctx.runId());
        ctx.lake().writeSinglePartition(r.quarantine(), "quarantine", t, ctx.extractPartition(), ctx.runId(), null);
      } finally {
        duplicateIds.unpersist();
      }
      Dataset<Row> published = ctx.spark().read().parquet(ctx.lake().table("clean", t).toString());
      long nClean = published.count();
      long nQ = ctx.spark().read().parquet(ctx.lake().table("quarantine", t).resolve(ctx.extractPartition())
          .toString()).count();
      long accounted = (incremental ? nDeltaClean : nClean) + nQ;
      if (nRaw != accounted) {
        throw new IllegalStateException("row conservation broken for " + t + ": " + nRaw + " raw rows but "
            + (incremental ? nDeltaClean : nClean) + " clean + " + nQ + " quarantined");
      }
      Row wm = published.agg(max("updated_at")).first();
      watermarks.put(t, wm.isNullAt(0) ? null : wm.get(0).toString());
      ctx.progress().info("stage", String.format(Locale.ROOT, "%-28s %,14d rows -> %,d clean%s, %,d quarantined",
          t, nRaw, incremental ? nDeltaClean : nClean, incremental ? " (merged: " + nClean + " in clean)" : "", nQ));
      perTable.put(t, new long[] {nRaw, nQ});
      in += nRaw;
      out += incremental ? nDeltaClean : nClean;
      quarantined += nQ;
    }
    return new JobResult(in, out, quarantined, watermarks, perTable);
  }
}
