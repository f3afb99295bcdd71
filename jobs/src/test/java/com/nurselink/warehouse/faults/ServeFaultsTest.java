package com.nurselink.warehouse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.serve.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The serve job when Redis fails: down (a closed port), a wrong password, a read-only replica. The
 * job fails with one line naming the URL with its password masked, a failed ledger row and an
 * alert; what the run published in the lake and the warehouse stays; {@code run --jobs serve}
 * alone publishes the date later. Without redis.url the job is skipped and says so.
 */
class ServeFaultsTest extends SparkTestBase {
  private static final int DB = 14;
  private static final String DATE = "2026-03-31";
  private static Path dir;
  private static Path source;
  private static Runs.Result firstRun;
  private static String downUrl;

  @BeforeAll
  static void runWithRedisDown() throws Exception {
    RedisServers.shared(DB);
    dir = Files.createTempDirectory("serve-faults");
    source = dir.resolve("src.db");
    Generator.create().missions(60).seed(7).writeSqlite(source);
    downUrl = "redis://:Down-Pw-4417@127.0.0.1:" + RedisServers.freePort() + "/" + DB;
    firstRun = Runs.inProcess(Runs.runArgs(dir, source.toString(), DATE, "--conf", "redis.url=" + downUrl));
  }

  @AfterAll
  static void clean() throws Exception {
    RedisServers.clear(DB);
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Runs.Result serve(String url) {
    List<String> extra = new ArrayList<>(List.of("--jobs", "serve"));
    if (url != null) {
      extra.addAll(List.of("--conf", "redis.url=" + url));
    }
    return Runs.inProcess(Runs.runArgs(dir, null, DATE, extra.toArray(String[]::new)));
  }

  private static String lastServeRow() throws Exception {
    List<String> rows = Runs.ledger(dir.resolve("wh.duckdb"));
    String last = null;
    for (String r : rows) {
      if (r.contains("|serve|")) {
        last = r;
      }
    }
    return last;
  }

  private static String errorLine(Runs.Result r) {
    return r.err().lines().filter(l -> l.startsWith("nurselink: error: ")).findFirst().orElse("");
  }

  @Test
  void redisDownFailsTheJobOnlyWithOneMaskedLineALedgerRowAndAnAlert() throws Exception {
    assertEquals(1, firstRun.code(), firstRun.all());
    String line = errorLine(firstRun);
    String masked = downUrl.replace("Down-Pw-4417", "***");
    assertTrue(line.startsWith("nurselink: error: job serve failed: Redis " + masked + ": "), line);
    assertFalse(firstRun.all().contains("Down-Pw-4417"), firstRun.all());
    String row = Runs.ledger(dir.resolve("wh.duckdb")).stream().filter(r -> r.contains("|serve|")).findFirst()
        .orElse("none");
    assertTrue(row.contains("|serve|failed|Redis " + masked + ": "), row);
    assertFalse(row.contains("Down-Pw-4417"));
    List<String> ledger = Runs.ledger(dir.resolve("wh.duckdb"));
    for (String job : List.of("extract", "stage", "model", "kpis", "features", "load")) {
      assertTrue(ledger.stream().anyMatch(r -> r.contains("|" + job + "|success|")), job + " committed: " + ledger);
    }
    try (Connection c = Runs.duck(dir.resolve("wh.duckdb"))) {
      List<String> alerts = Runs.rows(c, "SELECT job, message FROM etl_alerts WHERE job = 'serve'").stream()
          .filter(a -> a.contains("Redis " + masked + ": Failed to connect")).toList();
      assertEquals(1, alerts.size(), "one alert for the failed serve job of the first run: " + alerts);
      assertEquals(List.of("1"), Runs.rows(c, "SELECT count(*) FROM kpi_headline"), "the warehouse is loaded");
    }
    assertTrue(new com.nurselink.warehouse.lake.Lake(dir.resolve("lake"))
        .partitions(spark(), "features", "features_nurse").contains(DATE));
  }

  @Test
  void aWrongPasswordFailsWithOneMaskedLine() throws Exception {
    try (RedisServers.Own own = RedisServers.start("Right-Pw-2290", "--requirepass", "Right-Pw-2290")) {
      String url = "redis://:Wrong-Pw-8812@127.0.0.1:" + own.port() + "/0";
      Runs.Result r = serve(url);
      assertEquals(1, r.code(), r.all());
      String line = errorLine(r);
      assertTrue(line.startsWith("nurselink: error: job serve failed: Redis redis://:***@127.0.0.1:" + own.port()
          + "/0: WRONGPASS"), line);
      assertFalse(r.all().contains("Wrong-Pw-8812"), r.all());
      assertTrue(lastServeRow().contains("|serve|failed|Redis redis://:***@"), lastServeRow());
      try (Jedis j = new Jedis(RedisServers.HOST, own.port())) {
        j.auth("Right-Pw-2290");
        assertEquals(0, j.dbSize(), "nothing written");
      }
    }
  }

  @Test
  void aReadOnlyReplicaFailsWithOneLine() throws Exception {
    try (RedisServers.Own own = RedisServers.start(null, "--replicaof", RedisServers.HOST,
        String.valueOf(RedisServers.PORT))) {
      String url = "redis://127.0.0.1:" + own.port() + "/" + DB;
      Runs.Result r = serve(url);
      assertEquals(1, r.code(), r.all());
      String line = errorLine(r);
      assertTrue(line.startsWith("nurselink: error: job serve failed: Redis " + url + ": ")
          && line.contains("READONLY"), line);
      assertTrue(lastServeRow().contains("|serve|failed|"), lastServeRow());
    }
  }

  @Test
  void runningServeAloneLaterPublishesTheDateAndARerunGivesTheSameKeys() throws Exception {
    Map<String, String> lake = Runs.lakeTree(dir.resolve("lake"));
    String url = "redis://127.0.0.1:" + RedisServers.PORT + "/" + DB;
    Runs.Result r = serve(url);
    assertEquals(0, r.code(), r.all());
    assertTrue(lastServeRow().contains("|serve|success|"), lastServeRow());
    Map<String, String> first;
    try (Jedis j = RedisServers.connect(DB)) {
      first = content(j);
      assertTrue(first.containsKey("missions:popular"), first.keySet().toString());
      assertTrue(first.containsKey("features:nurse:_meta"), first.keySet().toString());
      assertTrue(first.keySet().stream().anyMatch(k -> k.matches("features:nurse:\\d+")), first.keySet().toString());
      assertEquals(DATE, j.hget("features:nurse:_meta", "as_of_date"));
    }
    Runs.Result again = serve(url);
    assertEquals(0, again.code(), again.all());
    try (Jedis j = RedisServers.connect(DB)) {
      Map<String, String> second = content(j);
      first.remove("features:nurse:_meta");
      second.remove("features:nurse:_meta");
      assertEquals(first, second);
    }
    assertEquals(lake, Runs.lakeTree(dir.resolve("lake")), "the serve job writes nothing in the lake");
  }

  @Test
  void withoutARedisUrlServeIsSkippedWithOneLine() throws Exception {
    Runs.Result r = serve(null);
    assertEquals(0, r.code(), r.all());
    assertTrue(r.err().contains("skipped: redis.url is not set (NURSELINK_REDIS_URL): nothing published to Redis"),
        r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("serve     skipped")), r.out());
    assertTrue(lastServeRow().contains("|serve|skipped|redis.url is not set"), lastServeRow());
  }

  /** Every key of the database with its value (strings as they are, hashes and sets sorted). */
  private static Map<String, String> content(Jedis j) {
    Map<String, String> m = new TreeMap<>();
    for (String k : j.keys("*")) {
      m.put(k, switch (j.type(k)) {
        case "hash" -> new TreeMap<>(j.hgetAll(k)).toString();
        case "set" -> new java.util.TreeSet<>(j.smembers(k)).toString();
        default -> j.get(k);
      });
    }
    return m;
  }
}
