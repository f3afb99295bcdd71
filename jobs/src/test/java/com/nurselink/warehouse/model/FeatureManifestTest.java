package com.nurselink.warehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.features.Manifest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The feature set manifest: the exact JSON for a small feature set. */
class FeatureManifestTest extends SparkTestBase {
  @Test
  void manifestOfASmallFeatureSet() {
    StructType schema = new StructType()
        .add("mission_id", DataTypes.LongType, false)
        .add("rate", DataTypes.DoubleType, true)
        .add("filled", DataTypes.BooleanType, true);
    Dataset<Row> df = spark().createDataFrame(List.of(
        row(1L, 1.5, true), row(2L, null, false), row(3L, 2.0, true), row(4L, null, null)), schema);
    Map<String, Instant> watermarks = new LinkedHashMap<>();
    watermarks.put("clean_users", Instant.parse("2024-03-31T10:00:00Z"));
    watermarks.put("clean_contracts", null);
    String json = Manifest.build("features_mission_fill", LocalDate.of(2024, 3, 31), df, "filled", "1.2.3", watermarks);
    assertEquals("""
        {
          "feature_set": "features_mission_fill",
          "as_of_date": "2024-03-31",
          "code_version": "1.2.3",
          "row_count": 4,
          "schema": [
            {
              "name": "mission_id",
              "type": "bigint",
              "nullable": false
            },
            {
              "name": "rate",
              "type": "double",
              "nullable": true
            },
            {
              "name": "filled",
              "type": "boolean",
              "nullable": true
            }
          ],
          "null_rates": {
            "mission_id": 0.0,
            "rate": 0.5,
            "filled": 0.25
          },
          "label": {
            "column": "filled",
            "true": 2,
            "false": 1,
            "null": 1,
            "positive_rate": 0.6666666666666666
          },
          "source_watermarks": {
            "clean_contracts": null,
            "clean_users": "2024-03-31T10:00:00Z"
          }
        }
        """, json);
  }
}
