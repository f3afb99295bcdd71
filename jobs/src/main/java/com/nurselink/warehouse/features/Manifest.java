package com.nurselink.warehouse.features;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * The {@code _manifest.json} of a feature set partition: schema, row count, label balance, null
 * rate per column, code version and the source watermarks (max {@code updated_at} per clean
 * table) it was built from. Keys are written in a fixed order, so the same inputs give the same
 * text.
 */
public final class Manifest {
  private Manifest() {}

  /** The figures of a feature set, computed in one pass. */
  public record Stats(long rowCount, Map<String, Long> nullCounts, Long labelTrue, Long labelFalse, Long labelNull) {}

  /** Row count, nulls per column and, when {@code labelColumn} is not null, the label counts. */
  public static Stats stats(Dataset<Row> features, String labelColumn) {
    String[] names = features.columns();
    List<Column> aggs = new ArrayList<>();
    aggs.add(functions.count(functions.lit(1)));
    for (String c : names) {
      aggs.add(functions.count(functions.when(functions.col(c).isNull(), 1)));
    }
    if (labelColumn != null) {
      Column label = functions.col(labelColumn);
      aggs.add(functions.count(functions.when(label.equalTo(true), 1)));
      aggs.add(functions.count(functions.when(label.equalTo(false), 1)));
    }
    Row r = features.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    Map<String, Long> nulls = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      nulls.put(names[i], r.getLong(i + 1));
    }
    if (labelColumn == null) {
      return new Stats(r.getLong(0), nulls, null, null, null);
    }
    return new Stats(r.getLong(0), nulls, r.getLong(names.length + 1), r.getLong(names.length + 2),
        nulls.get(labelColumn));
  }

  /** Max {@code updated_at} of each view (null when the view is empty). */
  public static Map<String, Instant> sourceWatermarks(SparkSession spark, List<String> views) {
    Map<String, Instant> out = new TreeMap<>();
    for (String v : views) {
      Row r = spark.table(v).agg(functions.max("updated_at")).first();
      out.put(v, r.isNullAt(0) ? null : (Instant) r.get(0));
    }
    return out;
  }

  /** Computes the stats of {@code features} and returns the manifest text. */
  public static String build(String featureSet, LocalDate asOf, Dataset<Row> features, String labelColumn,
      String codeVersion, Map<String, Instant> watermarks) {
    return toJson(featureSet, asOf, features.schema().fields(), stats(features, labelColumn), labelColumn,
        codeVersion, watermarks);
  }

  /** The manifest text from already computed figures. */
  public static String toJson(String featureSet, LocalDate asOf, StructField[] schema, Stats stats,
      String labelColumn, String codeVersion, Map<String, Instant> watermarks) {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"feature_set\": ").append(str(featureSet)).append(",\n");
    sb.append("  \"as_of_date\": ").append(str(asOf.toString())).append(",\n");
    sb.append("  \"code_version\": ").append(str(codeVersion)).append(",\n");
    sb.append("  \"row_count\": ").append(stats.rowCount()).append(",\n");
    sb.append("  \"schema\": [");
    for (int i = 0; i < schema.length; i++) {
      StructField f = schema[i];
      sb.append(i > 0 ? ",\n" : "\n").append("    {\"name\": ").append(str(f.name()))
          .append(", \"type\": ").append(str(f.dataType().simpleString()))
          .append(", \"nullable\": ").append(f.nullable()).append('}');
    }
    sb.append("\n  ],\n");
    sb.append("  \"null_rates\": {");
    boolean first = true;
    for (StructField f : schema) {
      long nulls = stats.nullCounts().getOrDefault(f.name(), 0L);
      sb.append(first ? "\n" : ",\n").append("    ").append(str(f.name())).append(": ")
          .append(num(stats.rowCount() == 0 ? null : (double) nulls / stats.rowCount()));
      first = false;
    }
    sb.append("\n  },\n");
    if (labelColumn == null) {
      sb.append("  \"label\": null,\n");
    } else {
      long decided = stats.labelTrue() + stats.labelFalse();
      sb.append("  \"label\": {\"column\": ").append(str(labelColumn))
          .append(", \"true\": ").append(stats.labelTrue())
          .append(", \"false\": ").append(stats.labelFalse())
          .append(", \"null\": ").append(stats.labelNull())
          .append(", \"positive_rate\": ").append(num(decided == 0 ? null : (double) stats.labelTrue() / decided))
          .append("},\n");
    }
    sb.append("  \"source_watermarks\": {");
    first = true;
    for (Map.Entry<String, Instant> e : new TreeMap<>(watermarks).entrySet()) {
      sb.append(first ? "\n" : ",\n").append("    ").append(str(e.getKey())).append(": ")
          .append(e.getValue() == null ? "null" : str(e.getValue().toString()));
      first = false;
    }
    sb.append(first ? "}\n" : "\n  }\n");
    return sb.append("}\n").toString();
  }

  private static String num(Double d) {
    if (d == null || d.isNaN() || d.isInfinite()) {
      return "null";
    }
    return String.format(Locale.ROOT, "%s", d);
  }

  private static String str(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** The version of the code (the jar's Implementation-Version), {@code "dev"} outside a jar. */
  public static String codeVersion() {
    String v = Manifest.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }
}
