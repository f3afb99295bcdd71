package com.nurselink.warehouse.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.model.SqlModel;
import com.nurselink.warehouse.model.SqlParams;
import com.nurselink.warehouse.serve.RedisConnections;
import com.nurselink.warehouse.serve.ServePublisher;
import com.nurselink.warehouse.serve.ServeValues;
import com.nurselink.warehouse.util.ReadAhead;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * serve: publishes to Redis (redis.url) what the apps read on every request: the most popular open
 * missions as of D ({@code missions:popular}, {@code missions:popular:<city>}, JSON with a TTL;
 * sql/serve/*.sql) and the nurse features of D ({@code features:nurse:<id>} hashes, then
 * {@code features:nurse:_meta}), each key replaced atomically ({@link ServePublisher}). Reads the
 * lake only: the warehouse load is already committed, and {@code run --jobs serve} publishes a date
 * again. Without redis.url the job is skipped.
 */
public final class ServeJob implements PipelineJob {
  /** The models of sql/serve/, in dependency order. */
  static final List<String> MODELS =
      List.of("serve/int_mission_popularity", "serve/missions_popular", "serve/missions_popular_city");
  /** The nurse key's column of features_nurse (the source users.id); not repeated in the hash. */
  static final String NURSE_ID = "nurse_id";
  /**
   * Nurse hashes read ahead of the publication, at most (about 600 bytes each on the heap once encoded:
   * some 80 MB); the rest are read as the publication takes them.
   */
  static final int READ_AHEAD = 131_072;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile Consumer<String> testHook;

  @Override
  public String id() {
    return "serve";
  }

  /** Installs a hook on the publications of this JVM (see {@link ServePublisher#hook}); null: none. */
  static void hookForTests(Consumer<String> hook) {
    testHook = hook;
  }

  @Override
  public JobResult run(RunContext ctx) {
    String url = ctx.settings().get(ConfigKey.REDIS_URL);
    if (url == null || url.isBlank()) {
      return JobResult.skipped("redis.url is not set (NURSELINK_REDIS_URL): nothing published to Redis");
    }
    ServePublisher.Stats stats;
    long in;
    // the nurse hashes are read and encoded on a thread of their own while Spark ranks the missions
    try (NurseFeatures features = NurseFeatures.open(ctx);
        ReadAhead<ServePublisher.Nurse> nurses = new ReadAhead<>("serve-features", features.nurses(),
            READ_AHEAD, 1024)) {
      ServePublisher.Publication publication = build(ctx, features, nurses);
      in = ctx.spark().table("clean_missions").count();
      stats = publish(ctx, url, publication);
    }
    ctx.progress().info("serve", String.format(java.util.Locale.ROOT,
        "published to %s: missions:popular and %d cities, %,d nurse hashes (%,d removed), %,d of them replaced"
            + " in a transaction, in %.2f s",
        RedisConnections.masked(url), stats.cities(), stats.nurses(), stats.nursesRemoved(),
        stats.nursesInTransactions(), stats.seconds()));
    return JobResult.of(in, 1 + stats.cities() + stats.nurses());
  }

  private static ServePublisher.Stats publish(RunContext ctx, String url, ServePublisher.Publication publication) {
    try (Jedis jedis = RedisConnections.open(url)) {
      ServePublisher publisher = new ServePublisher(jedis, ctx.settings().getInt(ConfigKey.SERVE_POPULAR_TTL_SECONDS),
          ServePublisher.DEFAULT_BATCH);
      Consumer<String> hook = testHook;
      if (hook != null) {
        publisher.hook(hook);
      }
      return publisher.publish(publication);
    } catch (JedisException e) {
      throw RedisConnections.failure(url, e);
    }
  }

  /** What the run publishes, computed from the lake (clean layer and features_nurse of D). */
  static ServePublisher.Publication build(RunContext ctx, NurseFeatures features,
      Iterator<ServePublisher.Nurse> nurses) {
    ModelInputs.registerClean(ctx);
    SqlParams params = ModelInputs.params(ctx);
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (String path : MODELS) {
      SqlModel model = SqlModel.load(path);
      Dataset<Row> df = model.apply(ctx.spark(), params);
      df.createOrReplaceTempView(model.name());
      out.put(model.name(), df);
    }
    String popular = ServeValues.missionsJson(out.get("missions_popular").collectAsList());
    Map<String, List<Row>> rowsByCity = new LinkedHashMap<>();
    for (Row r : out.get("missions_popular_city").collectAsList()) {
      rowsByCity.computeIfAbsent(r.<String>getAs("city"), c -> new ArrayList<>()).add(r);
    }
    Map<String, String> byCity = new LinkedHashMap<>();
    rowsByCity.forEach((city, rows) -> byCity.put(city, ServeValues.missionsJson(rows)));

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("as_of_date", ctx.date().toString());
    meta.put("run_id", ctx.runId());
    meta.put("schema", features.schema.toString());
    return new ServePublisher.Publication(popular, byCity, nurses, meta);
  }

  /**
   * The rows of features_nurse as of D, read from the partition's data files in this process
   * ({@link com.nurselink.warehouse.lake.Lake#records}: no Spark job), one nurse at a time.
   */
  static final class NurseFeatures implements AutoCloseable {
    private static final String TABLE = "features_nurse";
    /** The columns published as hash fields: every column but the nurse id. */
    private final List<String> fields = new ArrayList<>();
    /** The names and Spark types of those columns (the meta's schema). */
    private final ArrayNode schema = JSON.createArrayNode();
    private final CloseableIterable<Record> records;

    private NurseFeatures(RunContext ctx) {
      com.nurselink.warehouse.lake.Lake lake = ctx.lake();
      if (!lake.exists(ctx.spark(), ModelRegistry.FEATURES, TABLE)) {
        throw new IllegalStateException("no features/" + TABLE + " in " + lake + ": run the features job first");
      }
      List<String> files = lake.partitionFiles(ctx.spark(), ModelRegistry.FEATURES, TABLE).get(ctx.date().toString());
      if (files == null) {
        throw new IllegalStateException("no features/" + TABLE + " as of " + ctx.date() + " in " + lake
            + ": run the features job for that date first");
      }
      for (StructField f : lake.schema(ctx.spark(), ModelRegistry.FEATURES, TABLE).fields()) {
        if (!f.name().equals(NURSE_ID)) {
          fields.add(f.name());
          schema.addObject().put("name", f.name()).put("type", f.dataType().simpleString());
        }
      }
      records = lake.records(ctx.spark(), ModelRegistry.FEATURES, TABLE, files);
    }

    static NurseFeatures open(RunContext ctx) {
      return new NurseFeatures(ctx);
    }

    /** The nurses, their hashes encoded (one iterator per instance, read on one thread). */
    Iterator<ServePublisher.Nurse> nurses() {
      Iterator<Record> rows = records.iterator();
      ServePublisher.Encoder encoder = new ServePublisher.Encoder(fields);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public ServePublisher.Nurse next() {
          Record r = rows.next();
          String[] values = new String[fields.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = ServeValues.text(r.getField(fields.get(i)));
          }
          return encoder.encode(ServeValues.text(r.getField(NURSE_ID)), values);
        }
      };
    }

    @Override
    public void close() {
      try {
        records.close();
      } catch (java.io.IOException e) {
        // files read to the end (or the publication failed first): nothing lost, nothing to report
      }
    }
  }
}
