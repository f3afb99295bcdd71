package com.nurselink.warehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.serve.RedisServers;
import com.nurselink.warehouse.staging.CleanSchema;
import com.nurselink.warehouse.util.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The serve job on small inline data, against the local Redis (database 13): the exact keys and
 * values, rankings computed by hand. D = 2026-03-28, the day before Paris switches to summer time:
 * the cutoff D+1 00:00 local is 2026-03-28T23:00:00Z (CET, UTC+1).
 */
class ServeJobTest extends SparkTestBase {
  private static final int DB = 13;
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final LocalDate D = LocalDate.of(2026, 3, 28);
  private static final String CUTOFF = "2026-03-28T23:00:00Z";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final StructType FEATURES = new StructType()
      .add("nurse_id", DataTypes.LongType)
      .add("tenure_days", DataTypes.IntegerType)
      .add("applications_30d", DataTypes.LongType)
      .add("acceptance_rate_90d", DataTypes.DoubleType)
      .add("hours_worked_90d", DataTypes.DoubleType)
      .add("mean_accepted_rate", DataTypes.DoubleType)
      .add("rate_band", DataTypes.createDecimalType(10, 2))
      .add("city", DataTypes.StringType)
      .add("specialty", DataTypes.StringType);

  @TempDir Path dir;
  private String url;
  private Lake lake;
  private final List<Row> missions = new ArrayList<>();
  private final List<Row> applications = new ArrayList<>();

  @BeforeEach
  void setUp() {
    url = RedisServers.shared(DB);
    lake = new Lake(dir.resolve("lake"));
  }

  @AfterEach
  void clean() {
    ServeJob.hookForTests(null);
    RedisServers.clear(DB);
  }

  private static Instant ts(String iso) {
    return Instant.parse(iso);
  }

  private void mission(long id, String city, Double rate, String status, String startUtc) {
    Instant start = ts(startUtc);
    missions.add(RowFactory.create(id, 1L, "mission " + id, "icu", city, rate, status, start,
        start.plusSeconds(8 * 3600), ts("2026-03-01T08:00:00Z"), ts("2026-03-01T08:00:00Z"),
        start.atZone(PARIS).toLocalDate()));
  }

  private long nextApplication = 1;

  private void applications(long mission, int n, String appliedUtc) {
    for (int i = 0; i < n; i++) {
      long id = nextApplication++;
      Instant at = ts(appliedUtc);
      applications.add(RowFactory.create(id, mission, 1000 + id, id % 2 == 0 ? "withdrawn" : "pending", at, at,
          at.atZone(PARIS).toLocalDate()));
    }
  }

  /** The clean layer of the fixture. */
  private void writeClean() {
    lake.replaceTable(spark().createDataFrame(List.of(RowFactory.create(1L, "hmac-1", "establishment", "Paris", null,
        ts("2025-01-01T00:00:00Z"), ts("2025-01-01T00:00:00Z"))), CleanSchema.USERS), "clean", "users");
    lake.replaceTable(spark().createDataFrame(missions, CleanSchema.MISSIONS), "clean", "missions");
    lake.replaceTable(spark().createDataFrame(applications, CleanSchema.MISSION_APPLICATIONS), "clean",
        "mission_applications");
    lake.replaceTable(spark().createDataFrame(List.of(), CleanSchema.CONTRACTS), "clean", "contracts");
  }

  private void writeFeatures(LocalDate date, List<Row> rows) {
    lake.replacePartition(spark().createDataFrame(rows, FEATURES)
        .withColumn("as_of_date", org.apache.spark.sql.functions.lit(date)), "features", "features_nurse",
        Lake.Partitioning.identity("as_of_date"), date.toString(), Map.of());
  }

  private String runServe(String runId) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Settings s = Settings.builder().noConfFile().environment(Map.of()).override("redis.url=" + url).build();
    RunContext ctx = new RunContext(spark(), s, lake, runId, D, PARIS, Map.of(), null,
        new Progress(new PrintStream(log, true, StandardCharsets.UTF_8)), false);
    JobResult r = new ServeJob().run(ctx);
    assertEquals(null, r.skipped());
    return log.toString(StandardCharsets.UTF_8);
  }

  /** The standard fixture: rankings computed by hand in the test below. */
  private void fixture() {
    mission(1, "Paris", 40.0, "open", CUTOFF);                 // starts exactly at D+1 00:00 local: in
    mission(2, "Paris", 40.0, "open", "2026-03-28T22:59:59Z"); // starts on D (23:59:59 local): out
    mission(3, "Paris", 40.0, "filled", "2026-04-02T06:00:00Z"); // not open: out
    mission(4, "Lyon", 52.5, "open", "2026-04-01T06:00:00Z");
    mission(5, "Lyon", 45.0, "open", "2026-04-03T06:00:00Z");
    mission(6, "Paris", null, "open", "2026-04-05T06:00:00Z");
    mission(7, "Marseille", 38.0, "open", "2026-04-10T06:00:00Z");
    mission(8, "Paris", 41.0, "open", "2026-03-30T06:00:00Z");
    for (long id = 100; id < 160; id++) { // 60 missions without any application in Nice
      mission(id, "Nice", 30.0, "open", "2026-04-20T06:00:00Z");
    }
    applications(1, 2, "2026-03-20T10:00:00Z");
    applications(1, 1, CUTOFF);                 // applied at D+1 00:00 local: not counted
    applications(1, 4, "2026-03-29T10:00:00Z"); // after D: not counted
    applications(2, 9, "2026-03-20T10:00:00Z"); // a mission that does not qualify
    applications(3, 9, "2026-03-20T10:00:00Z");
    applications(4, 2, "2026-03-21T10:00:00Z");
    applications(5, 3, "2026-03-22T10:00:00Z");
    applications(6, 1, "2026-03-28T22:59:59Z"); // the last second of D: counted
    applications(8, 2, "2026-03-01T10:00:00Z");
    applications(555, 5, "2026-03-01T10:00:00Z"); // unknown mission
    writeClean();
  }

  private static String m(long id, String city, String rate, String start, long apps) {
    return "{\"mission_id\":" + id + ",\"title\":\"mission " + id + "\",\"specialty\":\"icu\",\"city\":\"" + city
        + "\",\"hourly_rate\":" + rate + ",\"start_at\":\"" + start + "\",\"applications\":" + apps + "}";
  }

  @Test
  void popularMissionsAreRankedByApplicationsBeforeTheCutoffThenById() throws Exception {
    fixture();
    writeFeatures(D, List.of(RowFactory.create(1L, 10, 4L, 0.5, 7.5, 41.25, new java.math.BigDecimal("12.50"),
        "Paris", "icu")));
    try (Jedis j = RedisServers.connect(DB)) {
      j.set("missions:popular:Oldtown", "[]"); // a city no longer listed
      runServe("run-1");
      // overall: 5 (3), then 1, 4, 8 (2 each, by id), 6 (1), then the missions without applications by id:
      // 7 and Nice 100..143, 50 in all
      JsonNode all = JSON.readTree(j.get("missions:popular"));
      assertEquals(50, all.size());
      List<Long> ids = new ArrayList<>();
      all.forEach(n -> ids.add(n.get("mission_id").asLong()));
      List<Long> expected = new ArrayList<>(List.of(5L, 1L, 4L, 8L, 6L, 7L));
      for (long id = 100; id < 144; id++) {
        expected.add(id);
      }
      assertEquals(expected, ids);
      String top6 = "[" + String.join(",",
          m(5, "Lyon", "45.0", "2026-04-03T06:00:00Z", 3),
          m(1, "Paris", "40.0", "2026-03-28T23:00:00Z", 2),
          m(4, "Lyon", "52.5", "2026-04-01T06:00:00Z", 2),
          m(8, "Paris", "41.0", "2026-03-30T06:00:00Z", 2),
          m(6, "Paris", "null", "2026-04-05T06:00:00Z", 1),
          m(7, "Marseille", "38.0", "2026-04-10T06:00:00Z", 0));
      assertTrue(j.get("missions:popular").startsWith(top6 + ","), j.get("missions:popular"));
      assertEquals(List.of("mission_id", "title", "specialty", "city", "hourly_rate", "start_at", "applications"),
          fieldNames(all.get(0)));
      // per city: the top 20, a city with fewer missions has them all
      assertEquals("[" + m(1, "Paris", "40.0", "2026-03-28T23:00:00Z", 2) + ","
          + m(8, "Paris", "41.0", "2026-03-30T06:00:00Z", 2) + ","
          + m(6, "Paris", "null", "2026-04-05T06:00:00Z", 1) + "]", j.get("missions:popular:Paris"));
      assertEquals("[" + m(5, "Lyon", "45.0", "2026-04-03T06:00:00Z", 3) + ","
          + m(4, "Lyon", "52.5", "2026-04-01T06:00:00Z", 2) + "]", j.get("missions:popular:Lyon"));
      assertEquals("[" + m(7, "Marseille", "38.0", "2026-04-10T06:00:00Z", 0) + "]",
          j.get("missions:popular:Marseille"));
      JsonNode nice = JSON.readTree(j.get("missions:popular:Nice"));
      List<Long> niceIds = new ArrayList<>();
      nice.forEach(n -> niceIds.add(n.get("mission_id").asLong()));
      List<Long> first20 = new ArrayList<>();
      for (long id = 100; id < 120; id++) {
        first20.add(id);
      }
      assertEquals(first20, niceIds);
      assertEquals(new TreeSet<>(List.of("missions:popular", "missions:popular:Lyon", "missions:popular:Marseille",
          "missions:popular:Nice", "missions:popular:Paris")), new TreeSet<>(j.keys("missions:popular*")));
      for (String k : j.keys("missions:popular*")) {
        long ttl = j.ttl(k);
        assertTrue(ttl > 93_000 && ttl <= 93_600, k + " ttl " + ttl);
      }
      // no PII, no establishment
      assertFalse(j.get("missions:popular").contains("establishment"));
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void nurseFeaturesOfTheDateAreHashesAndARerunReplacesThemWhole() throws Exception {
    fixture();
    writeFeatures(D.minusDays(1), List.of(RowFactory.create(9L, 1, 0L, null, 0.0, null, null, "Lyon", "er")));
    writeFeatures(D, List.of(
        RowFactory.create(1L, 10, 4L, 0.5, 0.00001, null, new java.math.BigDecimal("12.50"), "Paris", "icu"),
        RowFactory.create(2L, 400, 0L, null, 1.0e7, 41.25, null, "Lyon", null),
        RowFactory.create(3L, 0, 12L, 1.0, 7.5, 30.0, new java.math.BigDecimal("0.00"), "Nice", "er")));
    try (Jedis j = RedisServers.connect(DB)) {
      j.hset("features:nurse:77", Map.of("as_of_date", "2026-03-01")); // a nurse no longer present
      String log = runServe("run-1");
      assertTrue(log.contains("3 nurse hashes (1 removed)"), log);
      Map<String, String> n1 = new TreeMap<>(Map.of("as_of_date", "2026-03-28", "tenure_days", "10",
          "applications_30d", "4", "acceptance_rate_90d", "0.5", "hours_worked_90d", "0.00001",
          "rate_band", "12.50", "city", "Paris", "specialty", "icu"));
      assertEquals(n1, new TreeMap<>(j.hgetAll("features:nurse:1")));
      assertEquals(new TreeMap<>(Map.of("as_of_date", "2026-03-28", "tenure_days", "400", "applications_30d", "0",
          "hours_worked_90d", "10000000", "mean_accepted_rate", "41.25", "city", "Lyon")),
          new TreeMap<>(j.hgetAll("features:nurse:2")));
      assertEquals(new TreeMap<>(Map.of("as_of_date", "2026-03-28", "tenure_days", "0", "applications_30d", "12",
          "acceptance_rate_90d", "1.0", "hours_worked_90d", "7.5", "mean_accepted_rate", "30.0", "rate_band", "0.00",
          "city", "Nice", "specialty", "er")), new TreeMap<>(j.hgetAll("features:nurse:3")));
      assertEquals(new TreeSet<>(List.of("features:nurse:1", "features:nurse:2", "features:nurse:3",
          "features:nurse:_fields", "features:nurse:_meta")), new TreeSet<>(j.keys("features:nurse:*")),
          "nurse 9 of another date, 77 removed");
      Map<String, String> meta = j.hgetAll("features:nurse:_meta");
      assertEquals("2026-03-28", meta.get("as_of_date"));
      assertEquals("run-1", meta.get("run_id"));
      assertEquals("3", meta.get("rows"));
      assertEquals("[{\"name\":\"tenure_days\",\"type\":\"int\"},{\"name\":\"applications_30d\",\"type\":\"bigint\"},"
          + "{\"name\":\"acceptance_rate_90d\",\"type\":\"double\"},{\"name\":\"hours_worked_90d\",\"type\":\"double\"},"
          + "{\"name\":\"mean_accepted_rate\",\"type\":\"double\"},{\"name\":\"rate_band\",\"type\":\"decimal(10,2)\"},"
          + "{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"specialty\",\"type\":\"string\"},"
          + "{\"name\":\"as_of_date\",\"type\":\"date\"}]", meta.get("schema"));
      assertEquals(-1, j.ttl("features:nurse:1"), "features do not expire");
      assertEquals(new TreeSet<>(List.of("as_of_date", "tenure_days", "applications_30d", "acceptance_rate_90d",
          "hours_worked_90d", "mean_accepted_rate", "rate_band", "city", "specialty")),
          new TreeSet<>(j.smembers("features:nurse:_fields")), "every field some hash holds");

      // the same date again: the same keys and values (the meta names the new run)
      Map<String, Map<String, String>> before = snapshot(j);
      String popular = j.get("missions:popular");
      runServe("run-2");
      assertEquals(before, snapshot(j));
      assertEquals(popular, j.get("missions:popular"));
      assertEquals("run-2", j.hget("features:nurse:_meta", "run_id"));

      // recomputed features: nurse 3 gone, nurse 1's acceptance rate now null, so absent from its hash
      writeFeatures(D, List.of(
          RowFactory.create(1L, 10, 5L, null, 0.00001, null, new java.math.BigDecimal("12.50"), "Paris", "icu"),
          RowFactory.create(2L, 400, 0L, null, 1.0e7, 41.25, null, "Lyon", null)));
      runServe("run-3");
      n1.remove("acceptance_rate_90d");
      n1.put("applications_30d", "5");
      assertEquals(n1, new TreeMap<>(j.hgetAll("features:nurse:1")));
      assertFalse(j.exists("features:nurse:3"));
      assertEquals("2", j.hget("features:nurse:_meta", "rows"));
    }
  }

  private static Map<String, Map<String, String>> snapshot(Jedis j) {
    Map<String, Map<String, String>> m = new TreeMap<>();
    for (String k : j.keys("features:nurse:*")) {
      if (!k.startsWith("features:nurse:_")) { // _meta, _fields
        m.put(k, new TreeMap<>(j.hgetAll(k)));
      }
    }
    return m;
  }

  @Test
  void withoutARedisUrlTheJobIsSkippedWithOneLine() {
    Settings s = Settings.builder().noConfFile().environment(Map.of()).build();
    RunContext ctx = new RunContext(spark(), s, lake, "run-x", D, PARIS, Map.of(), null,
        new Progress(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)), false);
    JobResult r = new ServeJob().run(ctx);
    assertEquals("redis.url is not set (NURSELINK_REDIS_URL): nothing published to Redis", r.skipped());
  }
}
