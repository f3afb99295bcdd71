package com.nurselink.warehouse.source;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.staging.CleanSchema;
import com.nurselink.warehouse.util.Pseudonyms;
import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads one logical table from a JDBC source as strings (parsing is the staging's job: SQLite's
 * dynamic typing means a REAL column may hold text, an INTEGER an epoch in milliseconds, and a
 * DATETIME column ISO text that a typed JDBC read would reject). Reads run in parallel ranges of
 * the row id (SQLite rowid, or the PostgreSQL id), with a fetch size. Personal data (email, full
 * name) is replaced by keyed pseudonyms here: it never leaves this stage.
 */
public final class Extractor {
  private Extractor() {}

  /** What a source table looks like compared with the contract. */
  public record Drift(List<String> missingOptional, List<String> newColumns) {
    public boolean any() {
      return !missingOptional.isEmpty() || !newColumns.isEmpty();
    }
  }

  /**
   * Options of one read; {@code pages}: read a SQLite table from its file's pages when it can be
   * ({@link SqlitePages}), else through SQLite.
   */
  public record Options(int partitions, int fetchSize, String driftPolicy, Pseudonyms pseudonyms, boolean pages) {
    public Options(int partitions, int fetchSize, String driftPolicy, Pseudonyms pseudonyms) {
      this(partitions, fetchSize, driftPolicy, pseudonyms, true);
    }
  }

  /**
   * The result: the raw dataset (raw schema of {@link CleanSchema}), the drift found, and for
   * PostgreSQL sources the highest updated_at present before the read began (the next watermark;
   * null for SQLite, whose mixed text timestamps cannot be compared in SQL).
   */
  public record Extracted(Dataset<Row> raw, Drift drift, String maxUpdatedAt) {}

  private static final java.util.regex.Pattern ISO_INSTANT =
      java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

  /** Values of {@code extract.schema-drift}. */
  public static final String FAIL = "fail";
  public static final String IGNORE_NEW_COLUMNS = "ignore-new-columns";
  public static final String TOLERATE = "tolerate";

  /**
   * Checks the source table against the contract, before anything is written. A missing table or
   * a missing required column always fails. Under {@code fail} any other difference fails too; under
   * {@code ignore-new-columns} new columns are ignored but a dropped optional column still fails (a
   * column the warehouse uses went away); under {@code tolerate} new columns are ignored and
   * dropped optional columns are read as NULL. Whatever is tolerated is returned, to be reported.
   */
  public static Drift checkSchema(Connection c, SourceTable src, String where, String driftPolicy)
      throws SQLException {
    List<String> physicalCols = columnsOf(c, src.physicalTable());
    if (physicalCols.isEmpty()) {
      throw new SourceException("table " + src.physicalTable() + " not found in " + where
          + " (logical table " + src.logical() + ")");
    }
    Set<String> present = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    present.addAll(physicalCols);
    List<String> missingRequired = new ArrayList<>();
    List<String> missingOptional = new ArrayList<>();
    Set<String> expectedPhysical = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (var column : SourceContract.of(src.logical()).columns()) {
      String phys = src.physical(column.name());
      expectedPhysical.add(phys);
      if (!present.contains(phys)) {
        (column.presence().columnRequired() ? missingRequired : missingOptional).add(phys);
      }
    }
    String prefix = "schema drift in " + where + " table " + src.physicalTable() + ": ";
    if (!missingRequired.isEmpty()) {
      throw new SourceException(prefix + "required column(s) missing: " + String.join(", ", missingRequired));
    }
    List<String> extra = new ArrayList<>();
    for (String p : physicalCols) {
      if (!expectedPhysical.contains(p)) {
        extra.add(p);
      }
    }
    List<String> refused = new ArrayList<>();
    if (!extra.isEmpty() && driftPolicy.equals(FAIL)) {
      refused.add("new column(s) " + String.join(", ", extra));
    }
    if (!missingOptional.isEmpty() && !driftPolicy.equals(TOLERATE)) {
      refused.add("optional column(s) missing: " + String.join(", ", missingOptional));
    }
    if (!refused.isEmpty()) {
      String hint = missingOptional.isEmpty()
          ? "set extract.schema-drift=" + IGNORE_NEW_COLUMNS + " to accept"
          : "set extract.schema-drift=" + TOLERATE + " to read missing optional columns as NULL";
      throw new SourceException(prefix + String.join("; ", refused) + " (" + hint + ")");
    }
    return new Drift(missingOptional, extra);
  }

  static List<String> columnsOf(Connection c, String table) throws SQLException {
    String schema = null;
    String name = table;
    if (table.contains(".")) {
      schema = table.substring(0, table.indexOf('.'));
      name = table.substring(table.indexOf('.') + 1);
    }
    List<String> cols = new ArrayList<>();
    DatabaseMetaData md = c.getMetaData();
    boolean pg = md.getURL() != null && md.getURL().startsWith("jdbc:postgresql:");
    String[] candidates = pg ? new String[] {name, name.toLowerCase(Locale.ROOT)} : new String[] {name};
    for (String n : candidates) {
      try (ResultSet rs = md.getColumns(null, schema, n, null)) {
        while (rs.next()) {
          cols.add(rs.getString("COLUMN_NAME"));
        }
      }
      if (!cols.isEmpty()) {
        break;
      }
    }
    return cols;
  }

  /**
   * Builds the raw dataset of {@code src} read through {@code jdbcUrl} (a SQLite snapshot or the
   * PostgreSQL source). {@code where} names the source in messages (masked).
   */
  public static Extracted read(SparkSession spark, SourceTable src, String jdbcUrl, String where,
      Options opt) {
    return read(spark, src, jdbcUrl, where, opt, null, 0);
  }

  /**
   * As {@link #read(SparkSession, SourceTable, String, String, Options)}; with {@code sinceIso} (a
   * PostgreSQL source and a committed watermark) only rows with
   * {@code updated_at >= since - overlapSeconds} are read.
   */
  public static Extracted read(SparkSession spark, SourceTable src, String jdbcUrl, String where,
      Options opt, String sinceIso, int overlapSeconds) {
    Drift drift;
    long lo;
    long hi;
    boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
    String keyExpr = sqlite ? "rowid" : "CAST(" + SourceTable.quote(src.physical(SourceContract.ID)) + " AS BIGINT)";
    String updated = SourceTable.quote(src.physical(SourceContract.UPDATED_AT));
    String maxUpdated = null;
    String filter = "";
    Path file = sqlite ? Path.of(jdbcUrl.substring("jdbc:sqlite:".length())) : null;
    boolean pages = false;
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      drift = checkSchema(c, src, where, opt.driftPolicy());
      boolean hasUpdated = !drift.missingOptional().contains(src.physical(SourceContract.UPDATED_AT));
      if (!sqlite && hasUpdated) {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT to_char(max(" + updated + ") AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM " + SourceTable.quote(src.physicalTable()))) {
          rs.next();
          maxUpdated = rs.getString(1);
        }
        if (sinceIso != null) {
          if (!ISO_INSTANT.matcher(sinceIso).matches()) {
            throw new SourceException("bad watermark '" + Secrets.clip(sinceIso) + "' for " + src.logical());
          }
          filter = " WHERE " + updated + " >= TIMESTAMPTZ '" + sinceIso + "' - INTERVAL '" + overlapSeconds
              + " seconds'";
        }
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT min(" + keyExpr + "), max(" + keyExpr + ") FROM "
              + SourceTable.quote(src.physicalTable()))) {
        rs.next();
        lo = rs.getLong(1);
        hi = rs.getLong(2);
      }
      pages = sqlite && opt.pages() && Files.isRegularFile(file) && SqlitePages.readable(file, c, src.physicalTable());
    } catch (IOException e) {
      throw new SourceException("cannot read " + where + " table " + src.physicalTable() + ": " + e.getMessage(), e);
    } catch (SQLException e) {
      throw new SourceException("cannot read " + where + " table " + src.physicalTable() + ": "
          + Secrets.maskText(SqliteSnapshots.sqliteReason(e)), e);
    }
    Set<String> missing = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    missing.addAll(drift.missingOptional());
    SourceContract contract = SourceContract.of(src.logical());
    Dataset<Row> df = pages ? readPages(spark, src, file, contract, missing, lo, hi, opt)
        : readJdbc(spark, src, jdbcUrl, contract, missing, keyExpr, filter, lo, hi, opt);
    UDF1<String, String> pseudo = opt.pseudonyms()::of;
    String udfName = "nl_pseudonym";
    spark.udf().register(udfName, pseudo, DataTypes.StringType);
    // the raw columns (CleanSchema.rawColumns): personal data replaced by its pseudonym
    List<Column> out = new ArrayList<>();
    for (var c : contract.columns()) {
      out.add(c.personal() ? callUDF(udfName, col(c.name())).as(CleanSchema.pseudonymColumn(c.name())) : col(c.name()));
    }
    out.add(lit(where).as("_source"));
    out.add(col("_row"));
    return new Extracted(df.select(out.toArray(new Column[0])), drift, maxUpdated);
  }

  /** The columns of the contract as text, then {@code _row}, from the pages of a SQLite file. */
  private static Dataset<Row> readPages(SparkSession spark, SourceTable src, Path file, SourceContract contract,
      Set<String> missing, long lo, long hi, Options opt) {
    List<String> physical = new ArrayList<>();
    for (String logical : contract.columnNames()) {
      String phys = src.physical(logical);
      physical.add(missing.contains(phys) ? null : phys);
    }
    return SqlitePages.read(spark, file, src.physicalTable(), contract.columnNames(), physical, lo, hi,
        hi > lo ? opt.partitions() : 1);
  }

  /**
   * The columns of the contract as text, then {@code _row} and {@code _pk}, through Spark's JDBC
   * source: {@code opt.partitions()} ranges of the key between {@code lo} and {@code hi}.
   */
  private static Dataset<Row> readJdbc(SparkSession spark, SourceTable src, String jdbcUrl, SourceContract contract,
      Set<String> missing, String keyExpr, String filter, long lo, long hi, Options opt) {
    boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
    StringBuilder select = new StringBuilder("SELECT ");
    StringBuilder customSchema = new StringBuilder();
    for (String logical : contract.columnNames()) {
      String phys = src.physical(logical);
      String expr = missing.contains(phys) ? "CAST(NULL AS TEXT)"
          : "CAST(" + SourceTable.quote(phys) + " AS TEXT)";
      select.append(expr).append(" AS ").append(SourceTable.quote(logical)).append(", ");
      customSchema.append(logical).append(" STRING, ");
    }
    select.append(sqlite ? "rowid" : "CAST(NULL AS BIGINT)").append(" AS _row, ")
        .append(keyExpr).append(" AS _pk FROM ").append(SourceTable.quote(src.physicalTable())).append(filter);
    customSchema.append("_row BIGINT, _pk BIGINT");
    DataFrameReader reader = spark.read().format("jdbc")
        .option("url", jdbcUrl)
        .option("dbtable", "(" + select + ") src")
        .option("fetchsize", String.valueOf(opt.fetchSize()))
        .option("customSchema", customSchema.toString());
    if (sqlite) {
      reader = reader.option("driver", "org.sqlite.JDBC");
    } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      // timestamptz as text in UTC ('2026-06-30 08:00:00+00'), whatever the server's or the JVM's
      // time zone: no historical offsets with seconds, the same text on every executor
      reader = reader.option("driver", "org.postgresql.Driver")
          .option("sessionInitStatement", "SET TIME ZONE 'UTC'");
    }
    if (hi > lo && opt.partitions() > 1) {
      reader = reader.option("partitionColumn", "_pk").option("lowerBound", String.valueOf(lo))
          .option("upperBound", String.valueOf(hi == Long.MAX_VALUE ? hi : hi + 1))
          .option("numPartitions", String.valueOf(opt.partitions()));
    }
    return reader.load();
  }
}
