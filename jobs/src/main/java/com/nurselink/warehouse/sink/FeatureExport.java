package com.nurselink.warehouse.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.pipeline.FeaturesJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * {@code nurselink features export}: one feature set as of a date, exactly the rows of the lake's
 * partition {@code as_of_date=D} (its data files, in the table's column order), as one Parquet or
 * CSV file, with the partition's {@code _manifest.json} next to it (one export per directory: a
 * directory holding another export's manifest is refused). DuckDB reads the data files and
 * writes the file (a temporary name, then renamed: a reader never sees half a file); the rows
 * written are counted back and checked against the manifest's {@code row_count}.
 */
public final class FeatureExport {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The name of the manifest written beside the exported file. */
  public static final String MANIFEST = "_manifest.json";

  private FeatureExport() {}

  /** The output formats, chosen by the file's extension. */
  public enum Format {
    PARQUET("(FORMAT parquet)"), CSV("(FORMAT csv, HEADER true)");

    private final String copyOptions;

    Format(String copyOptions) {
      this.copyOptions = copyOptions;
    }

    static Format of(Path out) {
      String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".parquet")) {
        return PARQUET;
      }
      if (name.endsWith(".csv")) {
        return CSV;
      }
      throw new ConfigException("--out " + out + ": the file must end in .parquet or .csv");
    }

    String reader(String file) {
      return this == PARQUET ? "read_parquet(" + DuckDbWarehouse.literal(file) + ")"
          : "read_csv(" + DuckDbWarehouse.literal(file) + ", header = true)";
    }
  }

  /** What an export wrote. */
  public record Result(String table, long rows, Path file, Path manifest) {}

  /** The feature sets, by the name the CLI takes: {@code nurse}, {@code mission_fill}. */
  public static List<String> sets() {
    return ModelRegistry.all().stream().filter(m -> m.kind() == ModelRegistry.Kind.FEATURE)
        .map(m -> m.name().substring("features_".length())).toList();
  }

  /** Refuses a set that is not one of {@link #sets()}, and an output that is neither Parquet nor CSV. */
  public static void check(String set, Path out) {
    if (!sets().contains(set)) {
      throw new ConfigException("--set " + set + ": unknown feature set (known: " + String.join(", ", sets()) + ")");
    }
    Format.of(out);
  }

  public static Result export(SparkSession spark, Lake lake, String set, LocalDate asOf, Path out) {
    check(set, out);
    Format format = Format.of(out);
    String table = "features_" + set;
    String where = ModelRegistry.FEATURES + "." + table + " in " + lake;
    if (!lake.exists(spark, ModelRegistry.FEATURES, table)) {
      throw new IllegalStateException("no " + where + ": run the features job first");
    }
    Map<String, List<String>> partitions = lake.partitionFiles(spark, ModelRegistry.FEATURES, table);
    List<String> files = partitions.get(asOf.toString());
    if (files == null) {
      throw new IllegalStateException(where + " was never built as of " + asOf + "; it was as of: "
          + (partitions.isEmpty() ? "no date" : String.join(", ", partitions.keySet())));
    }
    String manifestText = lake.files(spark).read(FeaturesJob.manifestFile(table, asOf)).orElseThrow(() ->
        new IllegalStateException(where + " has rows as of " + asOf + " but no "
            + FeaturesJob.manifestFile(table, asOf) + ": run the features job for that date again"));
    long expected = manifestRows(manifestText, table, asOf);

    Path file = out.toAbsolutePath();
    Path dir = file.getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    Path manifest = dir.resolve(MANIFEST);
    if (Files.exists(manifest) && !sameExport(read(manifest), manifestText)) {
      throw new IllegalStateException(manifest + " is the manifest of another export: export " + table + " as of "
          + asOf + " into another directory");
    }
    StringBuilder cols = new StringBuilder();
    for (StructField f : lake.schema(spark, ModelRegistry.FEATURES, table).fields()) {
      cols.append(cols.length() == 0 ? "" : ", ").append('"').append(f.name().replace("\"", "\"\"")).append('"');
    }
    long rows;
    try {
      Files.createDirectories(dir);
      try (DuckDbWarehouse.Fetched fetched = new DuckDbWarehouse.Fetched(dir.resolve("." + file.getFileName()
          + ".fetch"), spark.sparkContext().hadoopConfiguration());
          Connection c = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = c.createStatement()) {
        st.execute("SET TimeZone = 'UTC'");
        StringBuilder list = new StringBuilder();
        for (String f : files) {
          list.append(list.length() == 0 ? "" : ", ").append(DuckDbWarehouse.literal(fetched.local(f)));
        }
        st.execute("COPY (SELECT " + cols + " FROM read_parquet([" + list + "], union_by_name = true, "
            + "hive_partitioning = false)) TO " + DuckDbWarehouse.literal(tmp.toString()) + " " + format.copyOptions);
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + format.reader(tmp.toString()))) {
          rs.next();
          rows = rs.getLong(1);
        }
      }
      if (rows != expected) {
        Files.deleteIfExists(tmp);
        throw new IllegalStateException("exporting " + table + " as of " + asOf + ": " + rows
            + " rows written, but its manifest counts " + expected);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(manifest, manifestText);
      return new Result(table, rows, file, manifest);
    } catch (SQLException e) {
      throw new IllegalStateException("exporting " + table + " as of " + asOf + " to " + file + ": "
          + e.getMessage().lines().findFirst().orElse(""), e);
    } catch (IOException e) {
      throw new UncheckedIOException("exporting " + table + " as of " + asOf + " to " + file, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the export's own error says more
      }
    }
  }

  /** Whether two manifests are of the same feature set and date (a rebuild of it may differ in the rest). */
  private static boolean sameExport(String a, String b) {
    try {
      JsonNode x = JSON.readTree(a);
      JsonNode y = JSON.readTree(b);
      return x.path("feature_set").equals(y.path("feature_set")) && x.path("as_of_date").equals(y.path("as_of_date"));
    } catch (IOException e) {
      return false; // not a manifest: not ours to overwrite
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + p, e);
    }
  }

  private static long manifestRows(String text, String table, LocalDate asOf) {
    try {
      JsonNode n = JSON.readTree(text).get("row_count");
      if (n == null || !n.canConvertToLong()) {
        throw new IllegalStateException("the manifest of " + table + " as of " + asOf + " has no row_count");
      }
      return n.asLong();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the manifest of " + table + " as of " + asOf, e);
    }
  }
}
