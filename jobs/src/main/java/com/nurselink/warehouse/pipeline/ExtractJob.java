package com.nurselink.warehouse.pipeline;

import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nurselink.warehouse.util.Errors;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.ops.Watermarks;
import com.nurselink.warehouse.sink.Warehouses;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.source.Extractor;
import com.nurselink.warehouse.source.Retry;
import com.nurselink.warehouse.source.SourceException;
import com.nurselink.warehouse.source.SourceTable;
import com.nurselink.warehouse.source.SqliteSnapshots;
import com.nurselink.warehouse.util.Secrets;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * extract: for each logical table, take a consistent snapshot of its SQLite source ({@link SqliteSnapshots#copy})
 * or read PostgreSQL directly, check its schema against the contract before writing anything, and
 * commit the partition {@code extract_date=D} of the Iceberg table {@code raw.<table>} (strings as
 * read, PII pseudonymised).
 *
 * <p>PostgreSQL sources are read incrementally once a watermark is committed: rows with
 * {@code updated_at >= watermark - overlap} ({@code extract.overlap-seconds}); the staging merges
 * them into the clean layer. {@code --full-refresh} ignores watermarks. SQLite sources are read
 * whole from their snapshot (their mixed text timestamps cannot be range-filtered in SQL). The
 * commit's snapshot summary says which mode produced the partition ({@value #MARKER}).
 */
public final class ExtractJob implements PipelineJob {
  /** Partition column of the raw layer (and of the quarantine): the logical date of the extract. */
  public static final String EXTRACT_DATE = "extract_date";
  /** Snapshot summary key of a raw commit: the extract date it replaced. */
  public static final String EXTRACT_DATE_PROPERTY = "nurselink.extract-date";
  /** Snapshot summary key of a raw commit: how the partition was read ({@link #marker}). */
  public static final String MARKER = "nurselink.extract";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String id() {
    return "extract";
  }

  @Override
  public JobResult run(RunContext ctx) {
    var s = ctx.settings();
    Path snapDir = Path.of(s.get(ConfigKey.SNAPSHOT_DIR));
    Extractor.Options opt = new Extractor.Options(s.getInt(ConfigKey.EXTRACT_PARTITIONS),
        s.getInt(ConfigKey.EXTRACT_FETCH_SIZE), s.get(ConfigKey.SCHEMA_DRIFT), ctx.pseudonyms(),
        s.get(ConfigKey.EXTRACT_SQLITE_READER).equals("pages"));
    Retry retry = new Retry(s.getInt(ConfigKey.EXTRACT_RETRIES), s.getInt(ConfigKey.EXTRACT_RETRY_BACKOFF_MS),
        line -> ctx.progress().info("extract", line));
    int busyTimeout = s.getInt(ConfigKey.EXTRACT_BUSY_TIMEOUT_MS);
    Watermarks watermarks = Warehouses.watermarks(s, ctx.lake().files(ctx.spark()));
    boolean anyPostgres = ctx.sources().values().stream().anyMatch(SourceTable::isPostgres);
    Map<String, String> committed = ctx.fullRefresh() || !anyPostgres ? Map.of() : watermarks.committed();
    // Resolve and check every source before any write.
    Map<String, Extractor.Extracted> reads = new LinkedHashMap<>();
    Map<String, String> modes = new LinkedHashMap<>();
    Map<String, String> wheres = new LinkedHashMap<>();
    for (String t : SourceContract.names()) {
      SourceTable src = ctx.sources().get(t);
      String where = src.isSqlite() ? src.sqlitePath() : Secrets.maskUrl(src.url());
      String since = src.isPostgres() ? committed.get(t) : null;
      Extractor.Extracted ex = retry.call(t + " from " + where, () -> {
        String jdbcUrl = src.isSqlite()
            ? "jdbc:sqlite:" + SqliteSnapshots.take(Path.of(src.sqlitePath()), snapDir, ctx.runId(), busyTimeout)
            : src.url();
        return Extractor.read(ctx.spark(), src, jdbcUrl, where, opt, since,
            s.getInt(ConfigKey.EXTRACT_OVERLAP_SECONDS));
      });
      if (ex.drift().any()) {
        ctx.progress().info("extract", t + ": schema drift tolerated: missing optional "
            + ex.drift().missingOptional() + ", new ignored " + ex.drift().newColumns());
      }
      modes.put(t, marker(since, s.getInt(ConfigKey.EXTRACT_OVERLAP_SECONDS)));
      reads.put(t, ex);
      wheres.put(t, where);
    }
    // Only sources that could be read get here: a broken one fails with its own reason first.
    boolean rebuild = LakeSources.check(ctx.lake(), ctx.spark(), ctx.sources(), ctx.fullRefresh());
    if (ctx.lake().holdsFormerFormat(ctx.spark())) {
      // only reached with --full-refresh (the pipeline refuses the former format otherwise); its
      // directories stand where the Iceberg tables go
      ctx.progress().info("extract", "the lake holds tables of the former format: rebuilding it as Iceberg tables");
      ctx.lake().removeFormerFormat(ctx.spark());
    }
    if (rebuild) {
      ctx.progress().info("extract", "the lake was built from other sources: rebuilding it from this run's"
          + " sources (--full-refresh)");
    }
    // Write every table's partition on a branch of its raw table; make them current only when all
    // four were read, so a source that fails half-way (a corrupt page, a dropped connection) leaves
    // the raw layer as it was.
    long total = 0;
    Map<String, String> pending = new LinkedHashMap<>();
    List<Lake.Staged> staged = new ArrayList<>();
    String branch = "extract_" + ctx.runId().replaceAll("[^A-Za-z0-9]", "_");
    for (Map.Entry<String, Extractor.Extracted> e : reads.entrySet()) {
      String t = e.getKey();
      String marker = modes.get(t);
      Dataset<Row> rows = e.getValue().raw().withColumn(EXTRACT_DATE, lit(ctx.date().toString()));
      Lake.Staged st;
      try {
        st = retry.call(t + " from " + wheres.get(t), () -> ctx.lake().stagePartition(rows, "raw", t,
            Lake.Partitioning.identity(EXTRACT_DATE), ctx.date().toString(),
            Map.of(EXTRACT_DATE_PROPERTY, ctx.date().toString(), MARKER, marker), branch, rebuild));
      } catch (Exception ex) { // SparkException is checked but thrown undeclared
        throw new SourceException("cannot read " + wheres.get(t) + " table " + ctx.sources().get(t).physicalTable()
            + ": " + Secrets.maskText(sourceReason(ex)), ex);
      }
      long n = st.commit().addedRows();
      ctx.progress().step("extract", t + (incremental(marker) ? " (incremental)" : ""), n);
      total += n;
      staged.add(st);
      if (e.getValue().maxUpdatedAt() != null) {
        pending.put(t, e.getValue().maxUpdatedAt());
      }
    }
    ctx.lake().publish(ctx.spark(), staged);
    if (rebuild) {
      // only now that the new sources are committed (raw holds them alone): a failure before
      // leaves the old lake whole; the jobs after this one rebuild the rest
      ctx.lake().clearTablesBut(ctx.spark(), "raw");
    }
    LakeSources.record(ctx.lake(), ctx.spark(), ctx.sources());
    watermarks.setPending(pending);
    int pruned = SqliteSnapshots.prune(snapDir, s.getInt(ConfigKey.SNAPSHOT_RETENTION_DAYS), Instant.now());
    if (pruned > 0) {
      ctx.progress().info("extract", "pruned " + pruned + " snapshot(s) older than "
          + s.get(ConfigKey.SNAPSHOT_RETENTION_DAYS) + " days");
    }
    return new JobResult(total, total, 0, pending);
  }

  /** The root cause of a failed read, SQLite codes in words. */
  private static String sourceReason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root instanceof java.sql.SQLException sql ? SqliteSnapshots.sqliteReason(sql) : Errors.oneLine(root);
  }

  /**
   * The marker of a partition: {@code {"mode":"full"}}, or for an incremental read
   * {@code {"mode":"incremental","since":<watermark>,"overlap_seconds":<n>}}.
   */
  static String marker(String since, int overlapSeconds) {
    ObjectNode n = JSON.createObjectNode();
    if (since == null) {
      n.put("mode", "full");
    } else {
      n.put("mode", "incremental");
      n.put("since", since);
      n.put("overlap_seconds", overlapSeconds);
    }
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when the marker text says the partition was read incrementally. */
  public static boolean incremental(String marker) {
    try {
      return JSON.readTree(marker).path("mode").asText("").equals("incremental");
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * True when the raw partition of the run's date was extracted incrementally: the summary of the
   * raw commit of that date says so. A partition whose commit is no longer in the table's history
   * (expired) or was committed without the marker was read whole. Throws when the table has no
   * partition of that date.
   */
  public static boolean incremental(RunContext ctx, String table) {
    String d = ctx.date().toString();
    var summary = ctx.lake().latestSummary(ctx.spark(), "raw", table, m -> d.equals(m.get(EXTRACT_DATE_PROPERTY)));
    if (summary.isEmpty()) {
      if (!ctx.lake().partitions(ctx.spark(), "raw", table).contains(d)) {
        throw new IllegalStateException("no raw extract for " + table + " on " + d + " in " + ctx.lake()
            + ": run the extract job first");
      }
      return false;
    }
    String marker = summary.get().get(MARKER);
    return marker != null && incremental(marker);
  }
}
