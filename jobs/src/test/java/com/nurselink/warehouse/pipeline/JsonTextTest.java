package com.nurselink.warehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.sink.DuckDbWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's watermarks column and the extract marker are JSON that reads back exactly; so is the error text. */
class JsonTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String AWKWARD = "2024-03-31T10:00:00Z\",\"mode\":\"incremental\\\" , a:b\nline\r\t{} é";

  @Test
  void ledgerWatermarksRoundTrip() throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("missions", AWKWARD);
    m.put("we\"ird,key:", "x\\y");
    m.put("contracts", null);
    String text = Pipeline.json(m);
    assertEquals(m, JSON.readValue(text, new TypeReference<LinkedHashMap<String, String>>() { }));
    assertNull(Pipeline.json(Map.of()));
    assertNull(Pipeline.json(null));
  }

  @Test
  void aLedgerRowKeepsItsWatermarksAndErrorTextExactly(@TempDir Path dir) throws Exception {
    Ledger ledger = new DuckDbWarehouse(dir.resolve("wh.duckdb")).ledger();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("missions", AWKWARD);
    m.put("users", "2024-03-31T10:00:00Z");
    String error = "cannot read \"C:\\data\\app.db\": table users, column a:b \"x\",\"y\"\nsecond line";
    ledger.started("run-1", "extract", LocalDate.of(2024, 3, 31), Instant.parse("2024-04-01T00:00:00Z"));
    ledger.finished("run-1", "extract", Instant.parse("2024-04-01T00:00:05Z"), "failed", 1, 2, 3, Pipeline.json(m), error);
    Ledger.Entry e = ledger.last(1).get(0);
    assertEquals(m, JSON.readValue(e.watermarks(), new TypeReference<LinkedHashMap<String, String>>() { }));
    assertEquals(error, e.error());
  }

  @Test
  void markerOfAFullReadIsNotIncrementalWhateverTheText() throws Exception {
    String full = ExtractJob.marker(null, 300);
    assertEquals("{\"mode\":\"full\"}", full);
    assertFalse(ExtractJob.incremental(full));
  }

  @Test
  void markerOfAnIncrementalReadKeepsItsWatermarkExactly() throws Exception {
    String inc = ExtractJob.marker(AWKWARD, 300);
    assertTrue(ExtractJob.incremental(inc));
    JsonNode n = JSON.readTree(inc);
    assertEquals("incremental", n.get("mode").asText());
    assertEquals(AWKWARD, n.get("since").asText());
    assertEquals(300, n.get("overlap_seconds").asInt());
    assertEquals(3, n.size());
  }

  @Test
  void aWatermarkSayingIncrementalDoesNotMakeAFullRead() {
    // the former reader looked for the text "incremental" anywhere in the marker
    assertFalse(ExtractJob.incremental("{\"mode\":\"full\",\"note\":\"\\\"incremental\\\"\"}"));
  }

  @Test
  void aDamagedMarkerIsAnError() {
    assertThrows(java.io.UncheckedIOException.class, () -> ExtractJob.incremental("{\"mode\":\"incre"));
  }
}
