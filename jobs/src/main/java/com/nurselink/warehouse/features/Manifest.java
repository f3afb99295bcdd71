package com.nurselink.warehouse.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * The {@code _manifest.json} of a feature set partition: schema, row count, label balance, null
 * rate per column, code version and the source watermarks (max {@code updated_at} per clean
 * table) it was built from. Keys are written in a fixed order, so the same inputs give the same
 * text.
 */
public final class Manifest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Two-space indents, {@code "key": value}, one value per line, {@code \n} line ends whatever the platform. */
  private static final DefaultPrettyPrinter PRETTY;

  static {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    PRETTY = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator(""))
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
  }

  private Manifest() {}

  /** The figures of a feature set, computed in one pass. */
  public record Stats(long rowCount, Map<String, Long> nullCounts, Long labelTrue, Long labelFalse, Long labelNull) {}

  /** Row count, nulls per column and, when {@code labelColumn} is not null, the label counts. */
  public static Stats stats(Dataset<Row> features, String labelColumn) {
    Column[] aggs = statsColumns(features.columns(), labelColumn);
    Row r = features.agg(aggs[0], java.util.Arrays.copyOfRange(aggs, 1, aggs.length)).first();
    return stats(r, features.columns(), labelColumn);
  }

  /**
   * The aggregates of {@link #stats(Dataset, String)} over rows with the columns {@code names}: an
   * aggregation, or an observation of the rows as they are written (the features job).
   */
  public static Column[] statsColumns(String[] names, String labelColumn) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(functions.count(functions.lit(1)).as("row_count"));
    for (int i = 0; i < names.length; i++) {
      aggs.add(functions.count(functions.when(functions.col(names[i]).isNull(), 1)).as("nulls_" + i));
    }
    if (labelColumn != null) {
      Column label = functions.col(labelColumn);
      aggs.add(functions.count(functions.when(label.equalTo(true), 1)).as("label_true"));
      aggs.add(functions.count(functions.when(label.equalTo(false), 1)).as("label_false"));
    }
    return aggs.toArray(new Column[0]);
  }

  /** The figures from the row of {@link #statsColumns}'s aggregates. */
  public static Stats stats(Row r, String[] names, String labelColumn) {
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

  /** Computes the stats of {@code features} and returns the manifest text. */
  public static String build(String featureSet, LocalDate asOf, Dataset<Row> features, String labelColumn,
      String codeVersion, Map<String, Instant> watermarks) {
    return toJson(featureSet, asOf, features.schema().fields(), stats(features, labelColumn), labelColumn,
        codeVersion, watermarks);
  }

  /** The manifest text from already computed figures. */
  public static String toJson(String featureSet, LocalDate asOf, StructField[] schema, Stats stats,
      String labelColumn, String codeVersion, Map<String, Instant> watermarks) {
    ObjectNode root = JSON.createObjectNode();
    root.put("feature_set", featureSet);
    root.put("as_of_date", asOf.toString());
    root.put("code_version", codeVersion);
    root.put("row_count", stats.rowCount());
    ArrayNode fields = root.putArray("schema");
    for (StructField f : schema) {
      fields.addObject().put("name", f.name()).put("type", f.dataType().simpleString()).put("nullable", f.nullable());
    }
    ObjectNode nullRates = root.putObject("null_rates");
    for (StructField f : schema) {
      long nulls = stats.nullCounts().getOrDefault(f.name(), 0L);
      putRate(nullRates, f.name(), stats.rowCount() == 0 ? null : (double) nulls / stats.rowCount());
    }
    if (labelColumn == null) {
      root.putNull("label");
    } else {
      long decided = stats.labelTrue() + stats.labelFalse();
      ObjectNode label = root.putObject("label");
      label.put("column", labelColumn);
      label.put("true", stats.labelTrue());
      label.put("false", stats.labelFalse());
      label.put("null", stats.labelNull());
      putRate(label, "positive_rate", decided == 0 ? null : (double) stats.labelTrue() / decided);
    }
    ObjectNode sources = root.putObject("source_watermarks");
    for (Map.Entry<String, Instant> e : new TreeMap<>(watermarks).entrySet()) {
      sources.put(e.getKey(), e.getValue() == null ? null : e.getValue().toString());
    }
    try {
      return JSON.writer(PRETTY).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A rate, null when it is not a number. */
  private static void putRate(ObjectNode n, String field, Double d) {
    if (d == null || d.isNaN() || d.isInfinite()) {
      n.putNull(field);
    } else {
      n.put(field, d.doubleValue());
    }
  }

  /** The version of the code (the jar's Implementation-Version), {@code "dev"} outside a jar. */
  public static String codeVersion() {
    String v = Manifest.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }
}
