package com.nurselink.warehouse.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.nurselink.warehouse.sink.DuckDbWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import com.nurselink.warehouse.lake.LakeFiles;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pending watermarks survive the lake file and the warehouse table exactly, whatever they hold. */
class WatermarksTest {
  static final String AWKWARD = "2024-03-31T10:00:00Z\", \"users\":\"x, y: \\\"z\\\"\\\\\nnext\r\t{}";

  private static Map<String, String> awkward() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("missions", "2024-03-31T10:00:00.123456Z");
    m.put("users", AWKWARD);
    m.put("odd\",\"key:", "a\":\"b,c");
    m.put("contracts", null);
    return m;
  }

  /**
   * The session's configuration of the local file system (LocalFileSystem): the first configuration
   * that opens {@code file:} in a JVM decides the class every later one gets from Hadoop's cache.
   */
  private static Configuration conf() {
    Configuration c = new Configuration();
    c.set("fs.file.impl", com.nurselink.warehouse.lake.LocalFileSystem.class.getName());
    return c;
  }

  @Test
  void pendingRoundTripsQuotesBackslashesCommasColonsAndNewlines(@TempDir Path dir) {
    Watermarks w = new Watermarks(null, LakeFiles.at(dir.resolve("lake").toString(), conf()));
    w.setPending(awkward());
    Map<String, String> expected = new LinkedHashMap<>(awkward());
    expected.remove("contracts");
    assertEquals(expected, w.pending());
    assertEquals(Map.of(), new Watermarks(null, LakeFiles.at(dir.resolve("other").toString(), conf())).pending());
  }

  @Test
  void committedWatermarksAreThePendingOnes(@TempDir Path dir) throws Exception {
    DuckDbWarehouse wh = new DuckDbWarehouse(dir.resolve("wh.duckdb"));
    Watermarks w = new Watermarks(wh::open, LakeFiles.at(dir.resolve("lake").toString(), conf()));
    w.setPending(awkward());
    Map<String, String> expected = new LinkedHashMap<>(awkward());
    expected.remove("contracts");
    assertEquals(expected, w.commitPending("run-1"));
    assertEquals(expected, w.committed());
    assertFalse(Files.exists(dir.resolve("lake/_state/pending_watermarks.json")));
    assertEquals(Map.of(), w.pending());
  }
}
