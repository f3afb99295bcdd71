package com.nurselink.warehouse.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.spark.sql.Row;

/** The text and JSON forms of the values the serve job publishes. */
public final class ServeValues {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The fields of an element of the popular-mission arrays, in order. */
  public static final List<String> MISSION_FIELDS =
      List.of("mission_id", "title", "specialty", "city", "hourly_rate", "start_at", "applications");

  private ServeValues() {}

  /**
   * A value as the text of a hash field: integers as they are, decimals and doubles in plain
   * decimal notation (never an exponent: {@code 0.5}, {@code 40.0}, {@code 0.00001}), instants in
   * ISO-8601 UTC (Spark's and Iceberg's), dates as {@code YYYY-MM-DD}; null for a null, a NaN or an infinity (left out of
   * the hash).
   */
  public static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return null;
      }
      String s = Double.toString(d);
      return s.indexOf('E') >= 0 ? new BigDecimal(s).stripTrailingZeros().toPlainString() : s;
    }
    if (v instanceof BigDecimal b) {
      return b.toPlainString();
    }
    if (v instanceof Timestamp ts) {
      return ts.toInstant().toString();
    }
    if (v instanceof OffsetDateTime o) {
      return o.toInstant().toString();
    }
    return v.toString();
  }

  /** An instant read from Spark (java.time or java.sql). */
  static Instant instant(Object v) {
    return v == null ? null : v instanceof Timestamp ts ? ts.toInstant() : (Instant) v;
  }

  /** The JSON array of missions: one object per row, the fields of {@link #MISSION_FIELDS}. */
  public static String missionsJson(List<Row> rows) {
    ArrayNode array = JSON.createArrayNode();
    for (Row r : rows) {
      ObjectNode o = array.addObject();
      o.put("mission_id", r.<Long>getAs("mission_id"));
      o.put("title", r.<String>getAs("title"));
      o.put("specialty", r.<String>getAs("specialty"));
      o.put("city", r.<String>getAs("city"));
      Object rate = r.getAs("hourly_rate");
      if (rate == null) {
        o.putNull("hourly_rate");
      } else {
        o.put("hourly_rate", ((Number) rate).doubleValue());
      }
      Instant start = instant(r.getAs("start_at"));
      o.put("start_at", start == null ? null : start.toString());
      o.put("applications", r.<Long>getAs("applications"));
    }
    return write(array);
  }

  static String write(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
