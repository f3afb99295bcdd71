package com.nurselink.warehouse.pipeline;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * extract: for each logical table, take a consistent snapshot of its SQLite source (online backup)
 * or read PostgreSQL directly, check its schema against the contract before writing anything, and
 * publish {@code raw/<table>/extract_date=D/} (strings as read, PII pseudonymised).
 *
 * <p>PostgreSQL sources are read incrementally once a watermark is committed: rows with
 * {@code updated_at >= watermark - overlap} ({@code extract.overlap-seconds}); the staging merges
 * them into the clean layer. {@code --full-refresh} ignores watermarks. SQLite sources are read
 * whole from their snapshot (their mixed text timestamps cannot be range-filtered in SQL). The
 * partition carries {@code _extract.json} saying which mode produced it.
 */
public final class ExtractJob implements PipelineJob {
  /** Name of the marker file inside a raw partition. */
  public static final String MARKER = "_extract.json";
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
        s.getInt(ConfigKey.EXTRACT_FETCH_SIZE), s.get(ConfigKey.SCHEMA_DRIFT), ctx.pseudonyms());
    Retry retry = new Retry(s.getInt(ConfigKey.EXTRACT_RETRIES), s.getInt(ConfigKey.EXTRACT_RETRY_BACKOFF_MS),
        line -> ctx.progress().info("extract", line));
    int busyTimeout = s.getInt(ConfigKey.EXTRACT_BUSY_TIMEOUT_MS);
    Watermarks watermarks = Warehouses.watermarks(s, ctx.lake().root());
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
    boolean rebuild = LakeSources.check(ctx.lake(), ctx.sources(), ctx.fullRefresh());
    // Read every table into the staging area; publish only when all four were read, so a source
    // that fails half-way (a corrupt page, a dropped connection) leaves the raw layer as it was.
    long total = 0;
    Map<String, String> pending = new LinkedHashMap<>();
    List<Lake.Staged> staged = new ArrayList<>();
    for (Map.Entry<String, Extractor.Extracted> e : reads.entrySet()) {
      String t = e.getKey();
      String marker = modes.get(t);
      Lake.Staged st;
      try {
        st = retry.call(t + " from " + wheres.get(t), () -> ctx.lake().stage(e.getValue().raw(), "raw", t,
            ctx.extractPartition(), ctx.runId(), dir -> writeMarker(dir, marker)));
      } catch (Exception ex) { // SparkException is checked but thrown undeclared
        throw new SourceException("cannot read " + wheres.get(t) + " table " + ctx.sources().get(t).physicalTable()
            + ": " + Secrets.maskText(sourceReason(ex)), ex);
      }
      long n = ctx.spark().read().parquet(st.dir().toString()).count();
      ctx.progress().step("extract", t + (incremental(marker) ? " (incremental)" : ""), n);
      total += n;
      staged.add(st);
      if (e.getValue().maxUpdatedAt() != null) {
        pending.put(t, e.getValue().maxUpdatedAt());
      }
    }
    if (rebuild) {
      // only now that the new sources are staged: a failure before leaves the old lake whole
      ctx.progress().info("extract", "the lake was built from other sources: rebuilding it from this run's"
          + " sources (--full-refresh)");
      ctx.lake().clearTables();
    }
    for (Lake.Staged st : staged) {
      ctx.lake().publish(st);
    }
    LakeSources.record(ctx.lake(), ctx.sources());
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
      return JSON.writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when the marker text says the partition was read incrementally. */
  static boolean incremental(String marker) {
    try {
      return JSON.readTree(marker).path("mode").asText("").equals("incremental");
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeMarker(Path dir, String marker) {
    try {
      Files.writeString(dir.resolve(MARKER), marker);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** True when the raw partition was extracted incrementally; a partition without marker was read whole. */
  public static boolean incremental(Path rawPartition) {
    Path m = rawPartition.resolve(MARKER);
    try {
      return Files.exists(m) && incremental(Files.readString(m));
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("cannot read the extract marker " + m + ": " + Errors.oneLine(e), e);
    }
  }
}
