package com.nurselink.warehouse.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.faults.Runs;
import com.nurselink.warehouse.faults.SharedNightly;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly with its lake on HDFS: an in-process HDFS (Hadoop's {@code MiniDFSCluster}, one name
 * node and one data node on 127.0.0.1, of the Hadoop version Spark runs on) as {@code lake.path},
 * the {@code hadoop} catalog (HDFS renames atomically). The warehouse is the same as the one a run
 * on local disk builds from the same source.
 */
class HdfsLakeTest extends SparkTestBase {
  private static final String DATE = SharedNightly.D1;

  @TempDir static Path dir;
  private static MiniDFSCluster hdfs;
  private static String lakeUri;

  @BeforeAll
  static void startHdfs() throws Exception {
    spark();
    Configuration conf = new Configuration();
    // the local file system the cluster's directories are opened with, as the session's (Hadoop caches the
    // first class a JVM opens file: with)
    conf.set("fs.file.impl", LocalFileSystem.class.getName());
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).nameNodePort(0).build();
    hdfs.waitActive();
    lakeUri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/nurselink/lake";
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) {
      hdfs.shutdown(true);
    }
  }

  /**
   * The lake on HDFS, and a client setting passed through as users pass theirs: a closed file's
   * last block is confirmed by the name node after a first wait of 400 ms by default, which a
   * single small data node does not need (the lake writes many small metadata files).
   */
  private static String[] hdfsConf() {
    return new String[] {"--conf", "lake.path=" + lakeUri,
        "--conf", "spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms=10"};
  }

  @Test
  void theNightlyOnAnHdfsLakeGivesTheWarehouseOfALocalLake() throws Exception {
    // the same source's nightly on a local lake, shared with the other tests that compare with it
    SharedNightly local = SharedNightly.get(spark());
    Path remote = dir.resolve("remote");
    Runs.Result r = Runs.inProcess(Runs.runArgs(remote, local.source().toString(), DATE, hdfsConf()));
    assertEquals(0, r.code(), r.all());

    Map<String, List<String>> expected = local.warehouse();
    assertTrue(expected.containsKey("kpi_mission_daily") && expected.containsKey("clean_missions"), expected.keySet()
        .toString());
    Runs.assertSameContent(expected, Runs.duckContent(remote.resolve("wh.duckdb")), "the warehouse of the HDFS lake");

    // the tables are in HDFS, nothing of the lake on local disk; the run's lock is released
    FileSystem fs = hdfs.getFileSystem();
    assertTrue(fs.listStatus(new org.apache.hadoop.fs.Path("/nurselink/lake/warehouse/kpi_mission_daily/metadata"),
        p -> p.getName().endsWith(".metadata.json")).length > 0);
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/nurselink/lake/_sources.json")));
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/nurselink/lake/" + LakeLock.FILE)), "lock released");
    assertFalse(Files.exists(remote.resolve("lake")));
  }

  @Test
  void aRunOnAnHdfsLakeHeldByAnotherRunFailsAtOnceNamingIt() throws Exception {
    Lake lake = new Lake(lakeUri + "-held", Lake.CatalogSpec.hadoop());
    Runs.Result r;
    try (LakeLock held = LakeLock.acquire(lake, hdfs.getConfiguration(0), "run-elsewhere")) {
      r = Runs.inProcess(Runs.runArgs(dir.resolve("held"), dir.resolve("none.db").toString(), DATE,
          "--conf", "lake.path=" + lakeUri + "-held"));
    }
    assertEquals(1, r.code(), r.all());
    List<String> errors = r.err().lines().filter(x -> x.startsWith("nurselink: error:")).toList();
    assertEquals(1, errors.size(), r.err());
    assertTrue(errors.get(0).startsWith("nurselink: error: the lake " + lakeUri + "-held is in use by run run-elsewhere"),
        errors.get(0));
    assertTrue(errors.get(0).contains("if it is known dead, delete " + lakeUri + "-held/" + LakeLock.FILE), errors.get(0));
  }
}
