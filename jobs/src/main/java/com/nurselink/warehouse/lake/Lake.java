package com.nurselink.warehouse.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.util.FaultPoints;
import com.nurselink.warehouse.util.Observations;
import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.SparkCatalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * The lake as Apache Iceberg tables (format v2): {@code <namespace>.<table>} at
 * {@code <location>/<namespace>/<table>/} with Iceberg's {@code data/} and {@code metadata/}
 * inside, through a catalog of type {@code hadoop} (the lake directory holds everything),
 * {@code jdbc} (a JDBC database holds the table pointers) or {@code rest}.
 *
 * <p>Every write is one Iceberg commit, so a reader sees the previous snapshot or the new one,
 * never half, and a process killed before the commit leaves the previous snapshot current. Three
 * kinds of write cover the jobs:
 * <ul>
 *   <li>{@link #replaceTable}: the whole table (dimensions, the clean layer);</li>
 *   <li>{@link #replaceChangedPartitions}: only the partitions whose content changed, and the
 *       partitions no longer present removed, in one commit (facts and KPIs: a late update to an old
 *       mission rewrites the months it touches). The rows are computed once, written on a branch of
 *       the table, and fingerprinted while they are written (row count and an order-independent sum
 *       of row hashes per partition); the branch becomes the table when every partition changed,
 *       otherwise the changed partitions are copied from it. The fingerprints are kept with the
 *       snapshot they describe, so deciding what changed reads no table data;</li>
 *   <li>{@link #replacePartition}: one partition, even with no row (raw and quarantine of an
 *       extract date, a feature set as of a date).</li>
 * </ul>
 * Reads are pinned to the snapshot current when the read is made ({@link #read}), so a job that
 * reads a table and then rewrites it (dim_nurse, SCD type 2) keeps reading what it read.
 */
public final class Lake {
  /** Snapshot summary key of the partition fingerprints (JSON object: partition value to fingerprint). */
  public static final String FINGERPRINTS = "nurselink.fingerprints";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a table is partitioned: by a column's value, or by the month of a date column. */
  public record Partitioning(String column, String monthOf) {
    /** Partitioned by the value of {@code column} (a string such as {@code 2026-03}). */
    public static Partitioning identity(String column) {
      return new Partitioning(column, null);
    }

    /**
     * Partitioned by Iceberg's {@code months(dateColumn)}; {@code monthColumn} holds the same month
     * as {@code YYYY-MM} text, and names the partitions.
     */
    public static Partitioning monthsOf(String dateColumn, String monthColumn) {
      return new Partitioning(monthColumn, dateColumn);
    }

    PartitionSpec spec(Schema schema) {
      return monthOf == null ? PartitionSpec.builderFor(schema).identity(column).build()
          : PartitionSpec.builderFor(schema).month(monthOf).build();
    }

    /** The rows of the given partitions ({@code column} values), as a filter Iceberg can prove whole-file. */
    Column rowsOf(List<String> values, org.apache.spark.sql.types.StructType schema) {
      if (monthOf == null) {
        boolean date = java.util.Arrays.stream(schema.fields()).anyMatch(f -> f.name().equals(column)
            && f.dataType() instanceof org.apache.spark.sql.types.DateType);
        // a literal of the column's type, so that Iceberg receives the filter as it is
        return col(column).isin(values.stream().map(v -> date ? (Object) java.time.LocalDate.parse(v) : v).toArray());
      }
      Column any = lit(false);
      for (String v : values) {
        YearMonth m = YearMonth.parse(v);
        any = any.or(col(monthOf).geq(lit(java.sql.Date.valueOf(m.atDay(1))))
            .and(col(monthOf).lt(lit(java.sql.Date.valueOf(m.plusMonths(1).atDay(1))))));
      }
      return any;
    }
  }

  /** What one commit did, from its snapshot summary (no count job). */
  public record Commit(String namespace, String table, long snapshotId, long addedRows, long deletedRows,
      long totalRows, List<String> replaced, List<String> removed) {}

  /** The catalog: its type ({@code hadoop}, {@code jdbc}, {@code rest}) and, but for hadoop, its URI. */
  public record CatalogSpec(String type, String uri) {
    public static CatalogSpec hadoop() {
      return new CatalogSpec("hadoop", null);
    }

    @Override
    public String toString() {
      return uri == null ? type : type + " " + Secrets.maskUrl(uri);
    }
  }

  private final String location;
  private final CatalogSpec catalog;
  private final String name;
  /** The commits made through this instance not yet taken by {@link #takeCommits()}. */
  private final List<Commit> commits = java.util.Collections.synchronizedList(new ArrayList<>());

  /**
   * A lake at {@code location} (a local path or any Hadoop-compatible URI). The {@code hadoop}
   * catalog commits by renaming files, which object stores cannot do atomically: it is refused there.
   */
  public Lake(String location, CatalogSpec catalog) {
    if (location == null || location.isBlank()) {
      throw new ConfigException("lake.path is empty");
    }
    String scheme = location.contains("://") ? location.substring(0, location.indexOf("://")).toLowerCase(Locale.ROOT)
        : "file";
    if (catalog.type().equals("hadoop") && List.of("s3", "s3a", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss")
        .contains(scheme)) {
      throw new ConfigException("lake.catalog=hadoop cannot commit atomically on " + scheme + "://"
          + " (object stores have no atomic rename): set lake.catalog to jdbc or rest");
    }
    if (!catalog.type().equals("hadoop") && (catalog.uri() == null || catalog.uri().isBlank())) {
      throw new ConfigException("lake.catalog=" + catalog.type() + " needs lake.catalog-url (NURSELINK_LAKE_CATALOG_URL)");
    }
    if (!List.of("hadoop", "jdbc", "rest").contains(catalog.type())) {
      throw new ConfigException("lake.catalog must be hadoop, jdbc or rest, got '" + Secrets.clip(catalog.type()) + "'");
    }
    this.location = scheme.equals("file") && !location.startsWith("file:")
        ? java.nio.file.Path.of(location).toAbsolutePath().normalize().toString() : location;
    this.catalog = catalog;
    this.name = "lake_" + digest(catalog.type() + "|" + catalog.uri() + "|" + this.location);
  }

  /** A lake on a local directory, with the {@code hadoop} catalog (the directory holds everything). */
  public Lake(java.nio.file.Path root) {
    this(root.toString(), CatalogSpec.hadoop());
  }

  /** The lake the settings describe: {@code lake.path}, {@code lake.catalog}, {@code lake.catalog-url}. */
  public static Lake of(com.nurselink.warehouse.config.Settings s) {
    String type = s.get(com.nurselink.warehouse.config.ConfigKey.LAKE_CATALOG);
    String url = s.get(com.nurselink.warehouse.config.ConfigKey.LAKE_CATALOG_URL);
    if ((url == null || url.isBlank()) && type.equals("jdbc")
        && s.get(com.nurselink.warehouse.config.ConfigKey.WAREHOUSE_TYPE).equals("postgres")) {
      // the JDBC catalog's tables live in the PostgreSQL warehouse database unless told otherwise
      url = s.get(com.nurselink.warehouse.config.ConfigKey.WAREHOUSE_URL);
    }
    return new Lake(s.get(com.nurselink.warehouse.config.ConfigKey.LAKE_PATH),
        new CatalogSpec(type, url == null || url.isBlank() ? null : url));
  }

  /** The namespaces of the lake, in the order data flows through them. */
  public static final List<String> LAYERS = List.of("raw", "clean", "quarantine", "warehouse", "features");

  /** The lake's root: a local path or a Hadoop URI. */
  public String location() {
    return location;
  }

  /** The lake's root, as printed in messages. */
  @Override
  public String toString() {
    return Secrets.maskUrl(location);
  }

  /** The state files beside the tables, on the lake's file system. */
  public LakeFiles files(SparkSession spark) {
    return new LakeFiles(location, spark.sparkContext().hadoopConfiguration());
  }

  /** The catalog as configured (type and masked URI), for messages. */
  public CatalogSpec catalogSpec() {
    return catalog;
  }

  /** The Spark catalog name of this lake (tables are {@code <name>.<namespace>.<table>}). */
  public String catalogName() {
    return name;
  }

  /** The catalog, registered in the session on first use. */
  private Catalog catalog(SparkSession spark) {
    String prefix = "spark.sql.catalog." + name;
    if (!spark.conf().contains(prefix)) {
      spark.conf().set(prefix, SparkCatalog.class.getName());
      spark.conf().set(prefix + ".type", catalog.type());
      spark.conf().set(prefix + ".warehouse", location);
      // tables change under other processes and other lake instances: always read the current pointer
      spark.conf().set(prefix + ".cache-enabled", "false");
      spark.conf().set(prefix + ".io-impl", FaultPointFileIO.class.getName());
      if (catalog.uri() != null) {
        spark.conf().set(prefix + ".uri", catalog.uri());
      }
    }
    return ((SparkCatalog) spark.sessionState().catalogManager().catalog(name)).icebergCatalog();
  }

  private String id(String namespace, String table) {
    return name + "." + namespace + "." + table;
  }

  public boolean exists(SparkSession spark, String namespace, String table) {
    return catalog(spark).tableExists(TableIdentifier.of(namespace, table));
  }

  private Table load(SparkSession spark, String namespace, String table) {
    return catalog(spark).loadTable(TableIdentifier.of(namespace, table));
  }

  private Table create(SparkSession spark, String namespace, String table, Dataset<Row> df, Partitioning p) {
    Catalog c = catalog(spark);
    if (c instanceof SupportsNamespaces ns) {
      ensureNamespace(ns, Namespace.of(namespace));
    }
    Schema schema = SparkSchemaUtil.convert(df.schema().asNullable());
    return c.createTable(TableIdentifier.of(namespace, table), schema,
        p == null ? PartitionSpec.unpartitioned() : p.spec(schema), properties(namespace, df));
  }

  /**
   * Creates the namespace unless it exists. One thread at a time in this JVM: the tables of a job
   * written side by side create theirs at once, and the check and the creation are two statements of
   * the catalog (two inserts raced in Iceberg's JDBC catalog on SQLite and failed the features job on a
   * primary key). A namespace another process created in between is no failure either: the catalogs
   * report it as already existing, the JDBC one as its insert's failure, so the namespace is looked
   * up again before the failure is thrown.
   */
  static void ensureNamespace(SupportsNamespaces ns, Namespace namespace) {
    synchronized (NAMESPACES) {
      if (ns.namespaceExists(namespace)) {
        return;
      }
      try {
        ns.createNamespace(namespace);
      } catch (RuntimeException failed) {
        if (!ns.namespaceExists(namespace)) {
          throw failed;
        }
      }
    }
  }

  private static final Object NAMESPACES = new Object();

  /**
   * The properties of a new table: {@link #TABLE_PROPERTIES}, and for the raw layer no dictionary
   * encoding and no column statistics. Raw tables hold the source's text as read, written once per run
   * and read once by the stage job, whole (its partition is chosen by its value, not by statistics);
   * hashing every value into a column dictionary cost more than it saves there: the extract of 1M
   * missions 11.3 -> 10.2 s, the stage job 18.1 -> 16.7 s, the raw layer 109 -> 121 MB; comparing
   * every value with its column's minimum and maximum, about 1 s of the extract's CPU
   * (BENCHMARKS.md).
   */
  private static Map<String, String> properties(String namespace, Dataset<Row> df) {
    if (!namespace.equals("raw")) {
      return TABLE_PROPERTIES;
    }
    Map<String, String> m = new java.util.HashMap<>(TABLE_PROPERTIES);
    for (String column : df.schema().fieldNames()) {
      m.put("write.parquet.dict-encoding-enabled.column." + column, "false");
      m.put("write.parquet.stats-enabled.column." + column, "false");
    }
    return m;
  }

  /** The properties of every lake table. */
  private static final Map<String, String> TABLE_PROPERTIES = Map.of("format-version", "2",
      // keep the metadata directory from growing with every commit
      "write.metadata.delete-after-commit.enabled", "true", "write.metadata.previous-versions-max", "50",
      // a model that gains a column adds it to its table (schema evolution, the older rows read it as null)
      "write.spark.accept-any-schema", "true",
      // a dictionary of at most 256 KB per column: high-cardinality text (ids, timestamps as text,
      // pseudonyms) falls back to plain encoding early instead of filling and rehashing a 2 MB one
      // (15 % off the extract of 1M missions, same file sizes; BENCHMARKS.md)
      "write.parquet.dict-size-bytes", "262144",
      // zstd at level 1 instead of Parquet's 3: the 1M nightly's writes 1.6 s faster (83.6 s against
      // 85.2 s; the extract 9.9 -> 9.5 s), the lake 5 % larger (BENCHMARKS.md); reading is as fast
      "write.parquet.compression-codec", "zstd", "write.parquet.compression-level", "1");

  /**
   * A write of {@code df} into the table: its new columns are added to the table's schema, and the
   * table's columns it lacks are written as null (a partition written by a model without them).
   */
  private DataFrameWriterV2<Row> writer(Dataset<Row> df, String namespace, String table) {
    return writer(df, namespace, table, id(namespace, table));
  }

  private DataFrameWriterV2<Row> writer(Dataset<Row> df, String namespace, String table, String target) {
    return writer(df, namespace, table, target, d -> d);
  }

  /** As above, {@code last} applied to the rows as they are written (in the table's column order). */
  private DataFrameWriterV2<Row> writer(Dataset<Row> df, String namespace, String table, String target,
      java.util.function.UnaryOperator<Dataset<Row>> last) {
    // the Spark jobs of the write are named after the table (Spark UI, event log)
    df.sparkSession().sparkContext().setJobDescription("write " + target.substring(name.length() + 1));
    Dataset<Row> aligned = df;
    if (exists(df.sparkSession(), namespace, table) && !sameColumns(df.sparkSession(), namespace, table, df)) {
      // the table's columns in its order (null where df lacks one), then df's new columns
      java.util.Set<String> have = new java.util.LinkedHashSet<>(java.util.Arrays.asList(df.columns()));
      List<Column> select = new ArrayList<>();
      for (org.apache.spark.sql.types.StructField f : schema(df.sparkSession(), namespace, table).fields()) {
        select.add(have.remove(f.name()) ? col(f.name()) : lit(null).cast(f.dataType()).as(f.name()));
      }
      have.forEach(c -> select.add(col(c)));
      aligned = df.select(select.toArray(Column[]::new));
    }
    return last.apply(aligned).writeTo(target).option("mergeSchema", "true")
        // rows go to their partition's file from the task that computed them (as Spark's own
        // partitioned writes do), instead of a shuffle by partition before the write: one job less
        .option("distribution-mode", "none").option("fanout-enabled", "true");
  }

  /** Whether the table has exactly the columns (names, types, order) of {@code df}. */
  private boolean sameColumns(SparkSession spark, String namespace, String table, Dataset<Row> df) {
    return schema(spark, namespace, table).asNullable().equals(df.schema().asNullable());
  }

  /** Replaces the whole (unpartitioned) table with {@code df}: one commit. */
  public Commit replaceTable(Dataset<Row> df, String namespace, String table) {
    SparkSession spark = df.sparkSession();
    if (!exists(spark, namespace, table)) {
      create(spark, namespace, table, df, null);
    }
    if (sameColumns(spark, namespace, table, df)) {
      overwrite(writer(df, namespace, table), lit(true));
    } else {
      // other columns (a model changed): the table replaced with its new schema, in one commit
      var w = df.writeTo(id(namespace, table));
      for (Map.Entry<String, String> e : TABLE_PROPERTIES.entrySet()) {
        w = w.tableProperty(e.getKey(), e.getValue());
      }
      try {
        w.createOrReplace();
      } catch (Exception e) { // CannotReplaceTableException is checked but thrown undeclared
        throw new IllegalStateException("cannot replace the lake table " + namespace + "." + table + ": "
            + e.getMessage(), e);
      }
    }
    FaultPoints.reach("after-commit:" + namespace + "/" + table);
    return commitOf(spark, namespace, table, List.of(), List.of());
  }

  /**
   * Replaces partition {@code value} of {@code p.column()} with {@code df} (which carries that
   * column), even when {@code df} is empty: one commit, the other partitions untouched.
   * {@code properties} are added to the snapshot summary.
   */
  public Commit replacePartition(Dataset<Row> df, String namespace, String table, Partitioning p, String value,
      Map<String, String> properties) {
    SparkSession spark = df.sparkSession();
    if (!exists(spark, namespace, table)) {
      create(spark, namespace, table, df, p);
    }
    var w = writer(df, namespace, table);
    for (Map.Entry<String, String> e : properties.entrySet()) {
      w = w.option("snapshot-property." + e.getKey(), e.getValue());
    }
    overwrite(w, p.rowsOf(List.of(value), df.schema()));
    FaultPoints.reach("after-commit:" + namespace + "/" + table);
    return commitOf(spark, namespace, table, List.of(value), List.of());
  }

  /**
   * {@link #replacePartition} with summary properties that depend on the rows written: {@code df} is
   * written once, on a branch of the table, with {@code metrics} (named aggregates) observed as its
   * rows are written; then the branch's data files become partition {@code value} of the table in one
   * commit whose summary holds {@code summary} of the metrics' row, and which removes the branch. So
   * the rows are neither computed twice nor cached for a second pass. When the observation does not
   * report (a listener that failed), the metrics are computed from the files written. For a table
   * partitioned by the value of a column.
   */
  public Commit replacePartitionObserved(Dataset<Row> df, String namespace, String table, Partitioning p,
      String value, Column[] metrics, java.util.function.Function<Row, Map<String, String>> summary) {
    return replacePartitionObserved(df, namespace, table, p, value, metrics, summary, true);
  }

  /** As above; without {@code observe}, the metrics are computed from the files written (the fallback, tested). */
  Commit replacePartitionObserved(Dataset<Row> df, String namespace, String table, Partitioning p,
      String value, Column[] metrics, java.util.function.Function<Row, Map<String, String>> summary, boolean observe) {
    if (p.monthOf() != null) {
      throw new IllegalArgumentException("replacePartitionObserved needs a table partitioned by a column's value, "
          + "not " + namespace + "." + table + " (months of " + p.monthOf() + ")");
    }
    SparkSession spark = df.sparkSession();
    if (!exists(spark, namespace, table)) {
      create(spark, namespace, table, df, p);
    }
    String branch = "observed_" + java.util.UUID.randomUUID().toString().replace("-", "");
    org.apache.spark.sql.Observation observed = new org.apache.spark.sql.Observation("metrics");
    Column[] rest = java.util.Arrays.copyOfRange(metrics, 1, metrics.length);
    Staged st = stageOn(df, namespace, table, branch, p.rowsOf(List.of(value), df.schema()), Map.of(),
        d -> observe ? d.observe(observed, metrics[0], rest) : d);
    Row m = observe ? Observations.reported(observed) : null;
    if (m == null) {
      Dataset<Row> written = read(spark, namespace, table, st.commit().snapshotId());
      m = written.where(p.rowsOf(List.of(value), written.schema())).agg(metrics[0], rest).first();
    }
    Map<String, String> properties = summary.apply(m);
    Table t = load(spark, namespace, table);
    org.apache.iceberg.Transaction tx = t.newTransaction();
    org.apache.iceberg.OverwriteFiles overwrite = tx.newOverwrite()
        .overwriteByRowFilter(org.apache.iceberg.expressions.Expressions.equal(p.column(), value));
    // SnapshotChanges reads the manifests with the table's partition specs (Snapshot.addedDataFiles
    // reads them from each manifest's metadata, deprecated, and warns once per manifest)
    for (org.apache.iceberg.DataFile f : org.apache.iceberg.SnapshotChanges.builderFor(t)
        .snapshot(t.snapshot(st.commit().snapshotId())).build().addedDataFiles()) {
      overwrite.addFile(f);
    }
    properties.forEach(overwrite::set);
    overwrite.commit();
    tx.manageSnapshots().removeBranch(branch).commit();
    tx.commitTransaction();
    FaultPoints.reach("after-commit:" + namespace + "/" + table);
    return commitOf(spark, namespace, table, List.of(value), List.of());
  }

  /**
   * {@link #replacePartition} of no rows, without a Spark job: in one transaction, the table gains the
   * columns of {@code schema} it lacks (as a write of no rows would add them) and the files of partition
   * {@code value} are removed (a table that does not exist yet is created empty, with {@code schema}). For a
   * table partitioned by the value of a text or date column; the commit, an empty snapshot when the
   * partition was already empty, adds no row.
   */
  public Commit emptyPartition(SparkSession spark, org.apache.spark.sql.types.StructType schema, String namespace,
      String table, Partitioning p, String value) {
    if (p.monthOf() != null) {
      throw new IllegalArgumentException("emptyPartition needs a table partitioned by a column's value, not "
          + namespace + "." + table + " (months of " + p.monthOf() + ")");
    }
    if (!exists(spark, namespace, table)) {
      create(spark, namespace, table, spark.createDataFrame(List.<Row>of(), schema), p);
    }
    Table t = load(spark, namespace, table);
    org.apache.iceberg.types.Type type = t.schema().findType(p.column());
    if (type == null || (type.typeId() != org.apache.iceberg.types.Type.TypeID.STRING
        && type.typeId() != org.apache.iceberg.types.Type.TypeID.DATE)) {
      throw new IllegalArgumentException("emptyPartition needs a text or date partition column, not "
          + p.column() + " (" + type + ") of " + namespace + "." + table);
    }
    org.apache.iceberg.Transaction tx = t.newTransaction();
    tx.updateSchema().unionByNameWith(SparkSchemaUtil.convert(schema.asNullable())).commit();
    tx.newDelete().deleteFromRowFilter(org.apache.iceberg.expressions.Expressions.equal(p.column(), value)).commit();
    tx.commitTransaction();
    FaultPoints.reach("after-commit:" + namespace + "/" + table);
    Commit c = commitOf(spark, namespace, table, List.of(value), List.of());
    return new Commit(c.namespace(), c.table(), c.snapshotId(), 0, c.deletedRows(), c.totalRows(), c.replaced(),
        c.removed());
  }

  /** A partition written on a branch of its table, not yet visible on the table's main history. */
  public record Staged(String namespace, String table, String branch, Commit commit) {}

  /**
   * Writes partition {@code value} as {@link #replacePartition} does, but on the branch
   * {@code branch} of the table (Iceberg's write-audit-publish): readers of the table, which read
   * its main history, see nothing of it until {@link #publish} makes it current. The branch starts
   * at the table's current snapshot; the branches left by failed runs are removed. With
   * {@code wholeTable} the branch holds {@code df} only (every other partition removed).
   */
  public Staged stagePartition(Dataset<Row> df, String namespace, String table, Partitioning p, String value,
      Map<String, String> properties, String branch, boolean wholeTable) {
    SparkSession spark = df.sparkSession();
    if (!exists(spark, namespace, table)) {
      create(spark, namespace, table, df, p);
    }
    Staged st = stageOn(df, namespace, table, branch, wholeTable ? lit(true) : p.rowsOf(List.of(value), df.schema()),
        properties);
    return new Staged(namespace, table, branch, new Commit(namespace, table, st.commit().snapshotId(),
        st.commit().addedRows(), st.commit().deletedRows(), st.commit().totalRows(), List.of(value), List.of()));
  }

  /**
   * Writes {@code df} over the rows matching {@code condition} on the branch {@code branch} of an
   * existing table, the branch starting at the table's current snapshot (branches left by failed
   * runs are removed first).
   */
  private Staged stageOn(Dataset<Row> df, String namespace, String table, String branch, Column condition,
      Map<String, String> properties) {
    return stageOn(df, namespace, table, branch, condition, properties, d -> d);
  }

  private Staged stageOn(Dataset<Row> df, String namespace, String table, String branch, Column condition,
      Map<String, String> properties, java.util.function.UnaryOperator<Dataset<Row>> last) {
    SparkSession spark = df.sparkSession();
    Table t = load(spark, namespace, table);
    var manage = t.manageSnapshots();
    for (String ref : t.refs().keySet()) {
      if (!ref.equals(org.apache.iceberg.SnapshotRef.MAIN_BRANCH)) {
        manage = manage.removeBranch(ref); // left by a run that failed before publishing
      }
    }
    var w = writer(df, namespace, table, id(namespace, table) + ".branch_" + branch, last);
    for (Map.Entry<String, String> e : properties.entrySet()) {
      w = w.option("snapshot-property." + e.getKey(), e.getValue());
    }
    try {
      FaultPointFileIO.KIND.set("before-branch");
      (t.currentSnapshot() == null ? manage.createBranch(branch) : manage.createBranch(branch,
          t.currentSnapshot().snapshotId())).commit();
      FaultPointFileIO.KIND.set("before-stage");
      overwrite(w, condition);
    } finally {
      FaultPointFileIO.KIND.remove();
    }
    Table after = load(spark, namespace, table);
    Snapshot s = after.snapshot(after.refs().get(branch).snapshotId());
    Map<String, String> m = s.summary();
    return new Staged(namespace, table, branch, new Commit(namespace, table, s.snapshotId(),
        number(m, "added-records"), number(m, "deleted-records"), number(m, "total-records"), List.of(), List.of()));
  }

  /**
   * Makes each staged partition's branch the current snapshot of its table and removes the branch:
   * one metadata commit per table, in order, no data written.
   */
  public void publish(SparkSession spark, List<Staged> staged) {
    for (Staged st : staged) {
      Table t = load(spark, st.namespace(), st.table());
      t.manageSnapshots().setCurrentSnapshot(st.commit().snapshotId()).removeBranch(st.branch()).commit();
      FaultPoints.reach("after-commit:" + st.namespace() + "/" + st.table());
      commits.add(st.commit());
    }
  }

  /**
   * Makes the table exactly {@code df}, rewriting only the partitions whose content changed and
   * removing those no longer present, in one commit; nothing is committed when nothing changed.
   * {@code df} is computed once: written on a branch, its fingerprints observed during that write.
   */
  public Commit replaceChangedPartitions(Dataset<Row> df, String namespace, String table, Partitioning p) {
    SparkSession spark = df.sparkSession();
    boolean existed = exists(spark, namespace, table);
    Table t = existed ? load(spark, namespace, table) : create(spark, namespace, table, df, p);
    Map<String, String> before = existed ? publishedFingerprints(t) : Map.of();
    // a table whose partitions were not fingerprinted (written another way): replace it whole
    boolean unknown = before.isEmpty() && t.currentSnapshot() != null;
    // df computed once: written whole on a branch
    String branch = "changes_" + java.util.UUID.randomUUID().toString().replace("-", "");
    // the fingerprints computed while the rows are written (an observation of the write)
    org.apache.spark.sql.Observation observed = new org.apache.spark.sql.Observation("fingerprints");
    Staged st = stageOn(df, namespace, table, branch, lit(true), Map.of(),
        d -> d.observe(observed, PartitionFingerprints.of(p.column(), d.columns()).as("fingerprints")));
    Dataset<Row> written = read(spark, namespace, table, st.commit().snapshotId());
    Map<String, String> reported = observedFingerprints(observed, p.column());
    if (reported == null) {
      // no report from the write: read from the written files
      spark.sparkContext().setJobDescription("fingerprint " + namespace + "." + table);
      reported = fingerprints(written, p.column());
    }
    Map<String, String> fresh = reported;
    List<String> changed = new ArrayList<>();
    fresh.forEach((k, v) -> {
      if (unknown || !v.equals(before.get(k))) {
        changed.add(k);
      }
    });
    List<String> removed = before.keySet().stream().filter(k -> !fresh.containsKey(k)).toList();
    long total = fresh.values().stream().mapToLong(v -> Long.parseLong(v.substring(0, v.indexOf(':')))).sum();
    String fp;
    try {
      fp = JSON.writeValueAsString(new TreeMap<>(fresh));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (changed.isEmpty() && removed.isEmpty() && t.currentSnapshot() != null) {
      dropBranch(spark, namespace, table, branch);
      Snapshot s = t.currentSnapshot();
      Commit unchanged = new Commit(namespace, table, s.snapshotId(), 0, 0, total, List.of(), List.of());
      commits.add(unchanged);
      return unchanged;
    }
    if (changed.size() == fresh.size()) {
      // every partition changed (a first run, a model change): the branch is the new table; it
      // becomes current with its fingerprints in one metadata commit
      Table now = load(spark, namespace, table);
      org.apache.iceberg.Transaction tx = now.newTransaction();
      tx.manageSnapshots().setCurrentSnapshot(st.commit().snapshotId()).removeBranch(branch).commit();
      tx.updateProperties().set(FINGERPRINTS, st.commit().snapshotId() + " " + fp).commit();
      tx.commitTransaction();
    } else {
      // only the changed partitions, copied from the branch's files, and the removed ones, on main
      List<String> touched = new ArrayList<>(changed);
      touched.addAll(removed);
      Dataset<Row> changedRows = changed.isEmpty() ? written.limit(0)
          : written.where(col(p.column()).cast("string").isin(changed.toArray()));
      overwrite(writer(changedRows, namespace, table).option("snapshot-property." + FINGERPRINTS, fp),
          p.rowsOf(touched, written.schema()));
      dropBranch(spark, namespace, table, branch);
    }
    FaultPoints.reach("after-commit:" + namespace + "/" + table);
    return commitOf(spark, namespace, table, changed, removed);
  }

  /** Removes a branch of the table (its files stay until no snapshot reads them and they expire). */
  private void dropBranch(SparkSession spark, String namespace, String table, String branch) {
    try {
      FaultPointFileIO.KIND.set("after-stage");
      load(spark, namespace, table).manageSnapshots().removeBranch(branch).commit();
    } finally {
      FaultPointFileIO.KIND.remove();
    }
  }

  /** Deletes the rows matching {@code condition} (whole files only) and adds the writer's rows: one commit. */
  private static void overwrite(DataFrameWriterV2<Row> writer, Column condition) {
    try {
      writer.overwrite(condition);
    } catch (NoSuchTableException e) {
      throw new IllegalStateException("the lake table disappeared during the write: " + e.getMessage(), e);
    }
  }

  /** {@code rows:sum} of each partition value: row count and the exact sum of the rows' 64-bit hashes. */
  static Map<String, String> fingerprints(Dataset<Row> rows, String column) {
    Column[] all = java.util.Arrays.stream(rows.columns()).map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
    Map<String, String> out = new TreeMap<>();
    for (Row r : rows.groupBy(col(column).cast("string")).agg(count(lit(1)), sum(xxhash64(all).cast("decimal(20,0)")))
        .collectAsList()) {
      if (r.isNullAt(0)) {
        throw new IllegalStateException("a row without a value for the partition column " + column);
      }
      out.put(r.getString(0), r.getLong(1) + ":" + (r.isNullAt(2) ? "0" : r.getDecimal(2).toPlainString()));
    }
    return out;
  }

  /** The fingerprints an observation of a write reported (null when none came). */
  private static Map<String, String> observedFingerprints(org.apache.spark.sql.Observation o, String column) {
    Row r = Observations.reported(o);
    if (r == null) {
      return null;
    }
    Map<String, String> out;
    try {
      out = JSON.readValue(r.getString(r.fieldIndex("fingerprints")), new TypeReference<TreeMap<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable fingerprints of a write", e);
    }
    if (out.containsKey(PartitionFingerprints.NO_VALUE)) {
      throw new IllegalStateException("a row without a value for the partition column " + column);
    }
    return out;
  }

  /**
   * The fingerprints of the current snapshot's partitions: in its summary when the commit wrote
   * the changed partitions, or in the table property of the same name ({@code <snapshot id> <json>})
   * when a whole rewrite made a branch current; none when neither describes the current snapshot.
   */
  private static Map<String, String> publishedFingerprints(Table t) {
    Snapshot s = t.currentSnapshot();
    String fp = s == null ? null : s.summary().get(FINGERPRINTS);
    String prop = t.properties().get(FINGERPRINTS);
    if (fp == null && s != null && prop != null && prop.startsWith(s.snapshotId() + " ")) {
      fp = prop.substring(prop.indexOf(' ') + 1);
    }
    if (fp == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(fp, new TypeReference<TreeMap<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable " + FINGERPRINTS + " of " + t.name(), e);
    }
  }

  private Commit commitOf(SparkSession spark, String namespace, String table, List<String> replaced,
      List<String> removed) {
    Table t = load(spark, namespace, table);
    Snapshot s = t.currentSnapshot();
    if (s == null) {
      return new Commit(namespace, table, -1, 0, 0, 0, replaced, removed);
    }
    Map<String, String> m = s.summary();
    Commit c = new Commit(namespace, table, s.snapshotId(), number(m, "added-records"), number(m, "deleted-records"),
        number(m, "total-records"), replaced, removed);
    commits.add(c);
    return c;
  }

  /**
   * The writes made through this lake since the last call, in order: each table's snapshot after
   * the write (its current snapshot when the write found nothing to change).
   */
  public List<Commit> takeCommits() {
    synchronized (commits) {
      List<Commit> out = List.copyOf(commits);
      commits.clear();
      return out;
    }
  }

  private static long number(Map<String, String> summary, String key) {
    String v = summary.get(key);
    return v == null ? 0 : Long.parseLong(v);
  }

  /** The table as of its current snapshot (pinned: later commits do not change this dataset); null when absent. */
  public Dataset<Row> read(SparkSession spark, String namespace, String table) {
    if (!exists(spark, namespace, table)) {
      return null;
    }
    Snapshot s = load(spark, namespace, table).currentSnapshot();
    return s == null ? spark.table(id(namespace, table)) : read(spark, namespace, table, s.snapshotId());
  }

  /**
   * The rows of one partition ({@code value} as {@link #partitions} gives it) as of the current
   * snapshot, selected by a filter Iceberg prunes the files with; null when the table is absent.
   */
  public Dataset<Row> readPartition(SparkSession spark, String namespace, String table, Partitioning p, String value) {
    Dataset<Row> all = read(spark, namespace, table);
    return all == null ? null : all.where(p.rowsOf(List.of(value), all.schema()));
  }

  /** The table as it was at snapshot {@code snapshotId} (time travel). */
  public Dataset<Row> read(SparkSession spark, String namespace, String table, long snapshotId) {
    return spark.read().option("versionAsOf", String.valueOf(snapshotId)).table(id(namespace, table));
  }

  /** The row count of the table's current snapshot, from its summary (no Spark job); 0 when absent. */
  public long totalRows(SparkSession spark, String namespace, String table) {
    return number(summary(spark, namespace, table), "total-records");
  }

  /** The table's Iceberg schema (field ids, names, types). */
  public Schema icebergSchema(SparkSession spark, String namespace, String table) {
    return load(spark, namespace, table).schema();
  }

  /** The table's columns, from its Iceberg schema (no Spark job). */
  public org.apache.spark.sql.types.StructType schema(SparkSession spark, String namespace, String table) {
    return SparkSchemaUtil.convert(load(spark, namespace, table).schema());
  }

  /** The id of the current snapshot, empty when the table is absent or has no snapshot. */
  public Optional<Long> currentSnapshot(SparkSession spark, String namespace, String table) {
    if (!exists(spark, namespace, table)) {
      return Optional.empty();
    }
    Snapshot s = load(spark, namespace, table).currentSnapshot();
    return s == null ? Optional.empty() : Optional.of(s.snapshotId());
  }

  /** The summary of the current snapshot (empty map when none). */
  public Map<String, String> summary(SparkSession spark, String namespace, String table) {
    if (!exists(spark, namespace, table)) {
      return Map.of();
    }
    Snapshot s = load(spark, namespace, table).currentSnapshot();
    return s == null ? Map.of() : s.summary();
  }

  /**
   * The newest snapshot in the current snapshot's history whose summary matches, e.g. the raw
   * commit of an extract date; empty when none does.
   */
  public Optional<Map<String, String>> latestSummary(SparkSession spark, String namespace, String table,
      Predicate<Map<String, String>> matches) {
    if (!exists(spark, namespace, table)) {
      return Optional.empty();
    }
    Table t = load(spark, namespace, table);
    for (Snapshot s = t.currentSnapshot(); s != null;
        s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
      if (matches.test(s.summary())) {
        return Optional.of(s.summary());
      }
    }
    return Optional.empty();
  }

  /**
   * The data files of the current snapshot, from Iceberg's scan planning (no Spark job): what a
   * reader outside Spark (DuckDB's {@code read_parquet([...])}, the PostgreSQL load) reads. Every
   * column is in the files, the partition columns included. Empty when the table has no row.
   */
  public List<String> dataFiles(SparkSession spark, String namespace, String table) {
    List<String> files = new ArrayList<>();
    partitionFiles(spark, namespace, table).values().forEach(files::addAll);
    files.sort(null);
    return files;
  }


  /**
   * The largest value of a timestamp column in the current snapshot (null when the table is absent
   * or the column holds no value). From the column bounds Iceberg keeps for every data file, exact
   * for timestamps and for the table, since the lake writes copy-on-write without delete files: no
   * Spark job. A file written without column metrics is read by a Spark aggregation instead.
   */
  public Instant maxTimestamp(SparkSession spark, String namespace, String table, String column) {
    if (!exists(spark, namespace, table)) {
      return null;
    }
    Table t = load(spark, namespace, table);
    org.apache.iceberg.types.Types.NestedField field = t.schema().findField(column);
    if (field == null || !(field.type() instanceof org.apache.iceberg.types.Types.TimestampType)) {
      throw new IllegalArgumentException(namespace + "." + table + " has no timestamp column " + column);
    }
    if (t.currentSnapshot() == null) {
      return null;
    }
    Long max = null;
    boolean known = true;
    try (CloseableIterable<FileScanTask> tasks = t.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        var f = task.file();
        java.nio.ByteBuffer upper = f.upperBounds() == null ? null : f.upperBounds().get(field.fieldId());
        if (upper != null && task.deletes().isEmpty()) {
          long micros = org.apache.iceberg.types.Conversions.fromByteBuffer(field.type(), upper);
          max = max == null ? micros : Math.max(max, micros);
          continue;
        }
        Long values = f.valueCounts() == null ? null : f.valueCounts().get(field.fieldId());
        Long nulls = f.nullValueCounts() == null ? null : f.nullValueCounts().get(field.fieldId());
        // a file of nulls only has no bound; any other file without one is not known from the metadata
        known &= task.deletes().isEmpty() && values != null && nulls != null && values.equals(nulls);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("planning the scan of " + t.name(), e);
    }
    if (!known) {
      Row r = read(spark, namespace, table).agg(org.apache.spark.sql.functions.max(column)).first();
      return r.isNullAt(0) ? null : (Instant) r.get(0);
    }
    return max == null ? null : Instant.EPOCH.plus(max, java.time.temporal.ChronoUnit.MICROS);
  }

  /**
   * The partitions holding rows in the current snapshot, sorted: the identity value, or the month
   * ({@code YYYY-MM}) of a {@code months(...)} partition. From the manifests, no Spark job.
   */
  public List<String> partitions(SparkSession spark, String namespace, String table) {
    if (!exists(spark, namespace, table) || load(spark, namespace, table).spec().isUnpartitioned()) {
      return new ArrayList<>();
    }
    return new ArrayList<>(partitionVersions(spark, namespace, table).keySet());
  }

  /**
   * The version of each partition holding rows in the current snapshot (its value as
   * {@link #partitions} gives it; {@code ""} for an unpartitioned table): a digest of the data files
   * that hold it. A commit that leaves a partition alone leaves its version; one that rewrites it
   * changes it. From the manifests, no Spark job.
   */
  public Map<String, String> partitionVersions(SparkSession spark, String namespace, String table) {
    Map<String, String> out = new TreeMap<>();
    partitionFiles(spark, namespace, table).forEach((k, v) -> out.put(k, digest(String.join("\n", v))));
    return out;
  }

  /**
   * The data files of each partition holding rows in the current snapshot (keys as in
   * {@link #partitionVersions}, files sorted): every row of a file is in its partition. From the
   * manifests, no Spark job.
   */
  public Map<String, List<String>> partitionFiles(SparkSession spark, String namespace, String table) {
    Table t = load(spark, namespace, table);
    Map<String, List<String>> files = new TreeMap<>();
    if (t.currentSnapshot() == null) {
      return files;
    }
    org.apache.iceberg.PartitionField field = t.spec().isUnpartitioned() ? null : t.spec().fields().get(0);
    @SuppressWarnings("unchecked")
    org.apache.iceberg.transforms.Transform<Object, Object> transform = field == null ? null
        : (org.apache.iceberg.transforms.Transform<Object, Object>) field.transform();
    org.apache.iceberg.types.Type type = field == null ? null : t.spec().partitionType().fields().get(0).type();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw new IllegalStateException(t.name() + " has delete files; the lake writes copy-on-write only");
        }
        String key = field == null ? "" : transform.toHumanString(type, task.file().partition().get(0, Object.class));
        files.computeIfAbsent(key, k -> new ArrayList<>()).add(task.file().location());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("planning the scan of " + t.name(), e);
    }
    files.values().forEach(v -> v.sort(null));
    return files;
  }

  /**
   * The rows of data files of the table ({@link #partitionFiles}), read in this process with the
   * table's current schema (a column the files lack reads as null): no Spark job, for a reader
   * such as the PostgreSQL load that streams rows one by one. Timestamps are {@code OffsetDateTime},
   * dates {@code LocalDate}, lists {@code java.util.List}.
   */
  public CloseableIterable<org.apache.iceberg.data.Record> records(SparkSession spark, String namespace, String table,
      List<String> files) {
    Table t = load(spark, namespace, table);
    Schema schema = t.schema();
    List<CloseableIterable<org.apache.iceberg.data.Record>> parts = new ArrayList<>();
    for (String f : files) {
      parts.add(org.apache.iceberg.parquet.Parquet.read(t.io().newInputFile(f)).project(schema)
          .createReaderFunc(fileSchema -> org.apache.iceberg.data.parquet.GenericParquetReaders.buildReader(schema,
              fileSchema)).build());
    }
    return CloseableIterable.concat(parts);
  }

  /**
   * Expires the snapshots of every table older than {@code olderThan} (the current one always
   * kept), then deletes the table's data files that no kept snapshot reads and that were written
   * before {@code olderThan} (a file written by a killed run, or replaced by a kept snapshot);
   * returns the number of data files deleted.
   *
   * <p>Iceberg's core expiry keeps a file replaced by the kept snapshot until that snapshot
   * expires too, and its orphan-file action costs several Spark jobs per table; this sweep reads
   * the manifests and lists the table's {@code data/} directory, no Spark job.
   */
  public int expireSnapshots(SparkSession spark, Instant olderThan) {
    Catalog c = catalog(spark);
    int deleted = 0;
    for (TableIdentifier id : tables(c)) {
      Table t = c.loadTable(id);
      long current = t.currentSnapshot() == null ? -1 : t.currentSnapshot().snapshotId();
      boolean anyOld = false;
      for (Snapshot s : t.snapshots()) {
        anyOld |= s.snapshotId() != current && s.timestampMillis() < olderThan.toEpochMilli();
      }
      if (!anyOld) {
        continue; // nothing to expire: no commit
      }
      int[] expired = {0};
      t.expireSnapshots().expireOlderThan(olderThan.toEpochMilli()).retainLast(1).deleteWith(path -> {
        t.io().deleteFile(path);
        if (path.endsWith(".parquet")) {
          expired[0]++;
        }
      }).commit();
      deleted += expired[0];
      t.refresh();
      deleted += deleteUnreadFiles(spark, t, olderThan);
    }
    return deleted;
  }

  private static int deleteUnreadFiles(SparkSession spark, Table t, Instant olderThan) {
    java.util.Set<String> read = new java.util.HashSet<>();
    for (Snapshot s : t.snapshots()) {
      try (CloseableIterable<FileScanTask> tasks = t.newScan().useSnapshot(s.snapshotId()).planFiles()) {
        tasks.forEach(task -> read.add(new org.apache.hadoop.fs.Path(task.file().location()).toUri().getPath()));
      } catch (IOException e) {
        throw new UncheckedIOException("planning the scan of " + t.name(), e);
      }
    }
    org.apache.hadoop.fs.Path data = new org.apache.hadoop.fs.Path(t.location(), "data");
    int n = 0;
    try {
      org.apache.hadoop.fs.FileSystem fs = data.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(data)) {
        return 0;
      }
      var it = fs.listFiles(data, true);
      while (it.hasNext()) {
        var f = it.next();
        String path = f.getPath().toUri().getPath();
        if (path.endsWith(".parquet") && !read.contains(path) && f.getModificationTime() < olderThan.toEpochMilli()) {
          fs.delete(f.getPath(), false);
          n++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing unread files of " + t.name(), e);
    }
    return n;
  }

  /**
   * Drops every table of the lake but those of namespace {@code keep}, their files included: the
   * lake is rebuilt by the run from {@code keep}. The state files of the lake ({@code _sources.json}) stay.
   */
  public void clearTablesBut(SparkSession spark, String keep) {
    Catalog c = catalog(spark);
    for (TableIdentifier id : tables(c)) {
      if (!id.namespace().toString().equals(keep)) {
        c.dropTable(id, true);
      }
    }
  }

  /** The directory of the lake's former format (Parquet directories published by symbolic links). */
  private static final String FORMER_FORMAT = "_versions";

  /** Whether the lake directory holds tables of the former format (before Iceberg), to be rebuilt. */
  public boolean holdsFormerFormat(SparkSession spark) {
    return files(spark).exists(FORMER_FORMAT);
  }

  /**
   * Removes the tables of the former format (its {@code _versions/} and {@code _staging/} areas
   * and the layer directories), as {@code --full-refresh} rebuilds such a lake.
   */
  public void removeFormerFormat(SparkSession spark) {
    LakeFiles f = files(spark);
    for (String dir : LAYERS) {
      f.deleteTree(dir);
    }
    f.deleteTree("_staging");
    f.deleteTree(FORMER_FORMAT);
  }

  private static List<TableIdentifier> tables(Catalog c) {
    List<TableIdentifier> out = new ArrayList<>();
    if (c instanceof SupportsNamespaces ns) {
      for (Namespace n : ns.listNamespaces()) {
        out.addAll(c.listTables(n));
      }
    }
    return out;
  }

  /** The snapshot ids committed, by {@code namespace.table}, as recorded in the run ledger. */
  public static Map<String, Long> snapshotIds(List<Commit> commits) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Commit c : commits) {
      m.put(c.namespace() + "." + c.table(), c.snapshotId());
    }
    return m;
  }

  private static String digest(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
