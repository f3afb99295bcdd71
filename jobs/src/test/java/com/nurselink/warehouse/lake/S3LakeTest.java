package com.nurselink.warehouse.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.cli.Main;
import com.nurselink.warehouse.faults.Runs;
import com.nurselink.warehouse.faults.SharedNightly;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly on an S3 lake: {@code lake.path=s3a://<bucket>/lake} on a real S3-compatible server of
 * the test's own on 127.0.0.1 ({@link S3ProxyServer}), the {@code jdbc} catalog on a SQLite file,
 * S3A configured as a user does ({@code --conf spark.hadoop.fs.s3a.<key>=<value>}). Its warehouse
 * holds the same gold tables as the same nightly on a local lake; the objects are on the server; a
 * second night commits on top; the secret key is printed nowhere. Requests stay bounded: three
 * pipeline runs, no retry loop (two attempts per request at most).
 */
class S3LakeTest extends SparkTestBase {
  private static final String D1 = SharedNightly.D1;
  private static final String D2 = "2026-03-31";
  private static final String BUCKET = "nurselink-lake";

  @TempDir static Path dir;
  private static S3ProxyServer server;
  private static Path source;
  private static Path remote;
  private static final List<Runs.Result> s3Runs = new ArrayList<>();
  private static Map<String, List<String>> localContent;
  private static Map<String, List<String>> s3ContentAfterD1;

  @BeforeAll
  static void nightlies() throws Exception {
    spark();
    server = S3ProxyServer.start(Files.createDirectories(dir.resolve("s3proxy")));
    server.createBucket(BUCKET);
    // the same source's nightly on a local lake, shared with the other tests that compare with it
    SharedNightly nightly = SharedNightly.get(spark());
    source = nightly.source();
    localContent = nightly.warehouse();

    remote = dir.resolve("s3");
    Runs.Result first = Runs.inProcess(s3Args(D1));
    s3Runs.add(first);
    assertEquals(0, first.code(), first.all() + "\ns3proxy: " + server.log());
    s3ContentAfterD1 = Runs.duckContent(remote.resolve("wh.duckdb"));

    // the next night's first jobs: commits on top of existing tables of an S3 lake
    Runs.Result second = Runs.inProcess(s3Args(D2, "--jobs", "extract,stage"));
    s3Runs.add(second);
    assertEquals(0, second.code(), second.all() + "\ns3proxy: " + server.log());
  }

  /** The nightly of {@code date} into {@code remote}: its lake on S3, its warehouse and snapshots local. */
  private static List<String> s3Args(String date, String... more) {
    List<String> extra = new ArrayList<>(List.of(
        "--conf", "lake.path=" + s3Lake(),
        "--conf", "lake.catalog=jdbc",
        "--conf", "lake.catalog-url=" + catalogUrl()));
    extra.addAll(server.s3aConfArgs());
    extra.addAll(List.of(more));
    return Runs.runArgs(remote, source.toString(), date, extra.toArray(String[]::new));
  }

  private static String s3Lake() {
    return "s3a://" + BUCKET + "/lake";
  }

  private static String catalogUrl() {
    return "jdbc:sqlite:" + dir.resolve("catalog.db");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (server != null) {
        // the shared session forgets this server: its cached S3A client closed, its settings unset
        Configuration conf = spark().sparkContext().hadoopConfiguration();
        new org.apache.hadoop.fs.Path(s3Lake()).getFileSystem(conf).close();
        for (String k : server.s3aSettings().keySet()) {
          conf.unset(k);
          spark().conf().unset("spark.hadoop." + k);
        }
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void theWarehouseOfAnS3LakeHoldsTheSameTablesAsOfALocalLake() {
    assertFalse(localContent.isEmpty());
    assertTrue(localContent.containsKey("kpi_mission_daily"), localContent.keySet().toString());
    Runs.assertSameContent(localContent, s3ContentAfterD1, "the warehouse of the S3 lake");
  }

  @Test
  void theLakeIsOnTheServerAndNoLockIsLeft() throws Exception {
    Path lake = server.basedir().resolve(BUCKET).resolve("lake");
    Path metadata = lake.resolve("warehouse/kpi_mission_daily/metadata");
    try (Stream<Path> files = Files.list(metadata)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".metadata.json")), metadata.toString());
    }
    try (Stream<Path> files = Files.walk(lake.resolve("raw/missions/data"))) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet")));
    }
    assertFalse(Files.exists(lake.resolve(LakeLock.FILE)), "the lock is released");
    assertFalse(Files.exists(remote.resolve("lake")), "nothing of the lake on local disk");
    assertTrue(Files.isRegularFile(dir.resolve("catalog.db")), "the catalog");
  }

  @Test
  void theSecondNightCommitsOnTopOfTheFirst() {
    Lake lake = new Lake(s3Lake(), new Lake.CatalogSpec("jdbc", catalogUrl()));
    assertEquals(List.of(D1, D2), lake.partitions(spark(), "raw", "missions"));
    assertEquals(List.of(D1, D2), lake.partitions(spark(), "quarantine", "missions"));
  }

  @Test
  void theSecretKeyIsNeitherPrintedNorWritten() throws Exception {
    String secret = server.secretKey();
    for (Runs.Result r : s3Runs) {
      assertFalse(r.all().contains(secret), "the secret key in the run's output");
    }
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    List<Path> written = new ArrayList<>(List.of(dir.resolve("catalog.db")));
    try (Stream<Path> s = Stream.concat(Files.walk(remote), Files.walk(server.basedir()))) {
      s.filter(Files::isRegularFile).forEach(written::add);
    }
    for (Path f : written) {
      assertFalse(contains(Files.readAllBytes(f), needle), "the secret key in " + f);
    }
  }

  @Test
  void theHadoopCatalogOnS3IsRefusedInOneLine() {
    Runs.Result r = Runs.inProcess(Runs.runArgs(dir.resolve("refused"), source.toString(), D1,
        "--conf", "lake.path=s3a://" + BUCKET + "/refused", "--conf", "lake.catalog=hadoop"));
    assertEquals(Main.EXIT_USAGE, r.code(), r.all());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("nurselink: error:")).toList();
    assertEquals(List.of("nurselink: error: lake.catalog=hadoop cannot commit atomically on s3a:// (object stores"
        + " have no atomic rename): set lake.catalog to jdbc or rest"), errors, r.all());
    assertFalse(Files.exists(server.basedir().resolve(BUCKET).resolve("refused")), "nothing written");
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
