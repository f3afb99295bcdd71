package com.nurselink.warehouse.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.staging.CleanSchema;
import com.nurselink.warehouse.staging.Staging;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.util.Observations;
import com.nurselink.warehouse.util.SideBySide;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * stage: raw -> clean (typed, conformed, deduplicated) + quarantine (every rejected row with its
 * reason codes). Checks conservation: raw rows = clean rows + quarantined rows, per table, or fails.
 * An incremental extract is merged into the previous clean layer: an id present in the extract
 * takes its new version (or leaves clean when the new version is quarantined), exactly as a full
 * refresh would have it. Over a small input the tables are staged side by side ({@link SideBySide}).
 */
public final class StageJob implements PipelineJob {
  private static org.apache.spark.sql.Column[] columns(org.apache.spark.sql.types.StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  @Override
  public boolean writesSideBySide() {
    return true;
  }

  @Override
  public String id() {
    return "stage";
  }

  /**
   * The count {@code field} an observation of a write reported once the write is done; -1 when the
   * report does not come, or comes without metrics (the caller then computes it).
   */
  private static long observedCount(org.apache.spark.sql.Observation o, String field) {
    Row metrics = Observations.reported(o);
    return metrics == null ? -1 : metrics.getLong(metrics.fieldIndex(field));
  }

  /** One table's outcome: raw rows, rows into clean (the delta when merged), quarantined rows, watermark. */
  private record Staged(String table, long raw, long clean, long quarantined, String watermark) {}

  @Override
  public JobResult run(RunContext ctx) {
    long in = 0;
    long out = 0;
    long quarantined = 0;
    Map<String, String> watermarks = new LinkedHashMap<>();
    Map<String, long[]> perTable = new LinkedHashMap<>();
    List<java.util.concurrent.Callable<Staged>> writes = new java.util.ArrayList<>();
    for (String t : SourceContract.names()) {
      writes.add(() -> stage(ctx, t));
    }
    for (Staged st : SideBySide.run(id(), ctx.tableThreads(), writes)) {
      watermarks.put(st.table(), st.watermark());
      perTable.put(st.table(), new long[] {st.raw(), st.quarantined()});
      in += st.raw();
      out += st.clean();
      quarantined += st.quarantined();
    }
    return new JobResult(in, out, quarantined, watermarks, perTable);
  }

  private static Staged stage(RunContext ctx, String t) {
    String day = ctx.date().toString();
    boolean incremental = ExtractJob.incremental(ctx, t) && ctx.lake().exists(ctx.spark(), "clean", t);
    Dataset<Row> raw = ctx.lake().readPartition(ctx.spark(), "raw", t, Lake.Partitioning.identity(ExtractJob.EXTRACT_DATE), day)
        .select(columns(CleanSchema.rawSchema(t)));
    // Clean and quarantine are computed from the raw table each (one parsing for each output):
    // measured on 1M missions, that is faster than building an in-memory cache of the typed rows
    // for both (BENCHMARKS.md).
    // the raw rows of D from the raw commit's summary (no job), counted when that commit expired
    long nRaw = ctx.lake().latestSummary(ctx.spark(), "raw", t, m -> day.equals(m.get(ExtractJob.EXTRACT_DATE_PROPERTY)))
        .map(m -> Long.parseLong(m.getOrDefault("added-records", "0"))).orElseGet(raw::count);
    org.apache.spark.sql.Observation rejected = new org.apache.spark.sql.Observation("rejected_" + t);
    Staging.Result r = Staging.stage(t, raw, ctx.zone().getId(), rejected);
    // The ids carried by several raw rows come from the id column alone: each output finds them again
    // rather than caching them (one Spark job and one stage of tasks fewer per table; a second read of
    // one column only when the quarantine is not empty).
    long nDeltaClean = -1;
    Dataset<Row> clean = r.clean();
    // merged: the rows staged from the extract counted as the merge writes them (no job of their own)
    org.apache.spark.sql.Observation delta =
        incremental ? new org.apache.spark.sql.Observation("delta_" + t) : null;
    if (incremental) {
      Dataset<Row> prev = ctx.lake().read(ctx.spark(), "clean", t);
      Dataset<Row> touched = raw.select(org.apache.spark.sql.functions.expr("try_cast(trim(id) AS BIGINT)")
          .as("id")).where(col("id").isNotNull()).distinct();
      clean = prev.join(touched, prev.col("id").equalTo(touched.col("id")), "left_anti")
          .unionByName(r.clean().observe(delta, org.apache.spark.sql.functions.count(lit(1)).as("rows")));
    }
    Lake.Commit cleanCommit = ctx.lake().replaceTable(clean, "clean", t);
    if (incremental) {
      nDeltaClean = observedCount(delta, "rows");
      if (nDeltaClean < 0) {
        nDeltaClean = r.clean().count();
      }
    }
    // when the clean rows account for every raw row, the quarantine of D is empty: its files are
    // removed by a metadata commit, without parsing the raw rows again (about a third of the job on
    // clean sources) nor a Spark job
    Dataset<Row> q = r.quarantine();
    if (!List.of(q.columns()).contains(ExtractJob.EXTRACT_DATE)) {
      q = q.withColumn(ExtractJob.EXTRACT_DATE, lit(day));
    }
    Lake.Partitioning byDate = Lake.Partitioning.identity(ExtractJob.EXTRACT_DATE);
    Lake.Commit quarantineCommit = observedCount(rejected, Staging.REJECTED) == 0
        ? ctx.lake().emptyPartition(ctx.spark(), q.schema(), "quarantine", t, byDate, day)
        : ctx.lake().replacePartition(q, "quarantine", t, byDate, day, Map.of());
    // the counts of the commits (Iceberg's snapshot summaries): no job reads the tables back
    long nClean = cleanCommit.totalRows();
    long nQ = quarantineCommit.addedRows();
    long accounted = (incremental ? nDeltaClean : nClean) + nQ;
    if (nRaw != accounted) {
      throw new IllegalStateException("row conservation broken for " + t + ": " + nRaw + " raw rows but "
          + (incremental ? nDeltaClean : nClean) + " clean + " + nQ + " quarantined");
    }
    // the watermark from the column bounds of the committed files (no job)
    java.time.Instant wm = ctx.lake().maxTimestamp(ctx.spark(), "clean", t, "updated_at");
    ctx.progress().info("stage", String.format(Locale.ROOT, "%-28s %,14d rows -> %,d clean%s, %,d quarantined",
        t, nRaw, incremental ? nDeltaClean : nClean, incremental ? " (merged: " + nClean + " in clean)" : "", nQ));
    return new Staged(t, nRaw, incremental ? nDeltaClean : nClean, nQ, wm == null ? null : wm.toString());
  }
}
