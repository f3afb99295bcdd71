package com.nurselink.warehouse.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The manifest is JSON whatever the names and versions hold (no Spark session needed). */
class ManifestJsonTest {
  static final String AWKWARD = "he said \"hi\", C:\\dir\\x: a,b\":\"c\nline 2\r\tend {x} \u0001 é";

  @Test
  void awkwardNamesAndVersionRoundTrip() throws Exception {
    StructField[] schema = new StructType()
        .add(AWKWARD, DataTypes.LongType, false)
        .add("plain", DataTypes.StringType, true).fields();
    Map<String, Long> nulls = new TreeMap<>(Map.of(AWKWARD, 0L, "plain", 1L));
    Map<String, Instant> watermarks = new LinkedHashMap<>();
    watermarks.put(AWKWARD, Instant.parse("2024-03-31T10:00:00Z"));
    String text = Manifest.toJson(AWKWARD, LocalDate.of(2024, 3, 31), schema,
        new Manifest.Stats(2, nulls, null, null, null), null, AWKWARD, watermarks);
    JsonNode m = new ObjectMapper().readTree(text);
    assertEquals(AWKWARD, m.get("feature_set").asText());
    assertEquals(AWKWARD, m.get("code_version").asText());
    assertEquals(AWKWARD, m.get("schema").get(0).get("name").asText());
    assertEquals("bigint", m.get("schema").get(0).get("type").asText());
    assertEquals(0.0, m.get("null_rates").get(AWKWARD).asDouble());
    assertEquals(0.5, m.get("null_rates").get("plain").asDouble());
    assertTrue(m.get("label").isNull());
    assertEquals("2024-03-31T10:00:00Z", m.get("source_watermarks").get(AWKWARD).asText());
    assertEquals(2, m.get("row_count").asLong());
  }

  @Test
  void emptyFeatureSetHasNullRatesAndEmptyObjects() {
    String text = Manifest.toJson("features_nurse", LocalDate.of(2024, 3, 31),
        new StructType().add("nurse_id", DataTypes.LongType, false).fields(),
        new Manifest.Stats(0, new TreeMap<>(), 0L, 0L, 0L), "filled", "dev", Map.of());
    assertEquals("""
        {
          "feature_set": "features_nurse",
          "as_of_date": "2024-03-31",
          "code_version": "dev",
          "row_count": 0,
          "schema": [
            {
              "name": "nurse_id",
              "type": "bigint",
              "nullable": false
            }
          ],
          "null_rates": {
            "nurse_id": null
          },
          "label": {
            "column": "filled",
            "true": 0,
            "false": 0,
            "null": 0,
            "positive_rate": null
          },
          "source_watermarks": {}
        }
        """, text);
  }
}
