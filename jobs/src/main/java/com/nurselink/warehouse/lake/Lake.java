package com.nurselink.warehouse.lake;

import com.nurselink.warehouse.util.FaultPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * The Parquet lake and its atomic publication protocol.
 *
 * <p>Layout (SPEC): {@code raw/}, {@code clean/}, {@code quarantine/}, {@code warehouse/},
 * {@code features/}. A table is written by Spark into {@code _staging/<run>/}, then each of its
 * partitions (or the whole table when unpartitioned) is moved to
 * {@code _versions/<layer>/<table>/<partition>/<run>/} and published by atomically renaming a
 * symbolic link over {@code <layer>/<table>/<partition>}. A reader resolves the link once and sees
 * the old version or the new, never a half-written one; a crash before the rename leaves the
 * previous version published (the staging leftovers and the temporary link are swept by the next
 * run). The two most recent versions of each partition are kept so that readers already listing the
 * old one can finish. Each step that changes what is published is a named fault point
 * ({@link FaultPoints}: {@code before-publish:}, {@code before-swap:}, {@code after-swap:},
 * {@code before-remove:} followed by {@code <layer>/<table>[/<partition>]}) where crash tests halt.
 */
public final class Lake {
  public static final String STAGING = "_staging";
  public static final String VERSIONS = "_versions";
  private static final int KEEP_VERSIONS = 2;

  private final Path root;

  public Lake(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The published path of a table: {@code <root>/<layer>/<table>}. */
  public Path table(String layer, String table) {
    return root.resolve(layer).resolve(table);
  }

  /** True when the table has been published at least once. */
  public boolean exists(String layer, String table) {
    return Files.exists(table(layer, table));
  }

  /**
   * Outcome of a publication: which partitions were replaced or removed, and the row count of the
   * whole published table when the write computed it (-1 otherwise).
   */
  public record Published(String layer, String table, List<String> replaced, List<String> removed, long rows) {
    public Published(String layer, String table, List<String> replaced, List<String> removed) {
      this(layer, table, replaced, removed, -1);
    }
  }

  /**
   * Writes {@code df} partitioned by {@code partitionColumn} and publishes every partition it
   * contains. When {@code replaceAll} is true, published partitions absent from {@code df} are
   * removed (the table becomes exactly {@code df}); otherwise they are left as they are.
   */
  public Published writePartitioned(Dataset<Row> df, String layer, String table, String partitionColumn,
      String runId, boolean replaceAll) {
    Path staging = stagingDir(runId, layer, table);
    df.write().mode(SaveMode.Overwrite).partitionBy(partitionColumn).parquet(staging.toString());
    List<String> parts = stagedPartitions(staging, partitionColumn);
    Path tableDir = table(layer, table);
    try {
      if (Files.isSymbolicLink(tableDir)) {
        FaultPoints.reach("before-remove:" + layer + "/" + table);
        Files.delete(tableDir); // was published unpartitioned before
      }
      Files.createDirectories(tableDir);
      for (String part : parts) {
        publish(staging.resolve(part), layer, table, part, runId);
      }
      List<String> removed = new ArrayList<>();
      if (replaceAll) {
        Set<String> keep = new TreeSet<>(parts);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tableDir, partitionColumn + "=*")) {
          for (Path p : ds) {
            String name = p.getFileName().toString();
            if (!keep.contains(name) && !name.contains(".tmp-")) {
              FaultPoints.reach("before-remove:" + layer + "/" + table + "/" + name);
              Files.delete(p);
              removed.add(name);
            }
          }
        }
      }
      deleteTree(staging);
      return new Published(layer, table, parts, removed);
    } catch (IOException e) {
      throw new UncheckedIOException("publishing " + layer + "/" + table + " in " + root, e);
    }
  }

  /**
   * Publishes only the partitions of {@code df} whose content differs from what is published
   * (content fingerprint: row count and an order-independent sum of row hashes, stored next to each
   * published version as {@code _fingerprint}); partitions no longer present are removed. Running
   * the same inputs twice publishes nothing new; a late change republishes exactly the partitions it
   * touches.
   *
   * <p>{@code df} is computed once: it is written, every partition, into the run's staging area,
   * and the fingerprints are computed from those Parquet files (a columnar scan, far cheaper than
   * keeping the computed rows in memory to fingerprint them before writing). Unchanged partitions
   * are then dropped with the staging area; nothing published changes before that point.
   */
  public Published writeChangedPartitions(Dataset<Row> df, String layer, String table, String partitionColumn,
      String runId) {
    Path staging = stagingDir(runId, layer, table);
    df.write().mode(SaveMode.Overwrite).partitionBy(partitionColumn).parquet(staging.toString());
    java.util.Map<String, String> fresh = stagedFingerprints(df.sparkSession(), staging, partitionColumn);
    long rows = 0;
    List<String> changed = new ArrayList<>();
    for (java.util.Map.Entry<String, String> e : fresh.entrySet()) {
      rows += Long.parseLong(e.getValue().substring(0, e.getValue().indexOf(':')));
      if (!e.getValue().equals(publishedFingerprint(layer, table, e.getKey()))) {
        changed.add(e.getKey());
      }
    }
    try {
      Path tableDir = table(layer, table);
      if (Files.isSymbolicLink(tableDir)) {
        FaultPoints.reach("before-remove:" + layer + "/" + table);
        Files.delete(tableDir); // was published unpartitioned before
      }
      List<String> removed = new ArrayList<>();
      for (String part : partitions(layer, table)) {
        if (!fresh.containsKey(part)) {
          removePartition(layer, table, part);
          removed.add(part);
        }
      }
      if (!changed.isEmpty()) {
        Files.createDirectories(tableDir);
      }
      Path emptyMarker = tableDir.resolve(EMPTY);
      if (!fresh.isEmpty() && Files.exists(emptyMarker)) {
        FaultPoints.reach("before-remove:" + layer + "/" + table + "/" + EMPTY);
        deleteTree(emptyMarker); // rows again: the partitions carry the columns
      }
      for (String part : changed) {
        Path dir = staging.resolve(part);
        Files.writeString(dir.resolve("_fingerprint"), fresh.get(part));
        publish(dir, layer, table, part, runId);
      }
      if (fresh.isEmpty()) {
        keepColumnsOfEmptyTable(df, tableDir, stagingDir(runId, layer, table + EMPTY), layer + "/" + table);
      }
      deleteTree(staging);
      return new Published(layer, table, changed, removed, rows);
    } catch (IOException e) {
      throw new UncheckedIOException("publishing " + layer + "/" + table + " in " + root, e);
    }
  }

  /**
   * Directory, inside a partitioned table without any row, of a zero-row Parquet file that keeps the
   * table's columns: the table has no partition to read them from, and its readers (the next models,
   * the warehouse load) still need an empty table, not a missing one.
   */
  public static final String EMPTY = "_empty";

  private static void keepColumnsOfEmptyTable(Dataset<Row> df, Path tableDir, Path staging, String unit)
      throws IOException {
    Path marker = tableDir.resolve(EMPTY);
    df.limit(0).write().mode(SaveMode.Overwrite).parquet(staging.toString());
    Files.createDirectories(tableDir);
    if (Files.exists(marker)) {
      FaultPoints.reach("before-remove:" + unit + "/" + EMPTY);
      deleteTree(marker);
    }
    FaultPoints.reach("before-publish:" + unit + "/" + EMPTY);
    Files.move(staging, marker, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Fingerprint of each partition directory ({@code col=value}) written under {@code staging}:
   * {@code rows:sum} where sum is the exact sum of the 64-bit hashes of every row, all columns
   * (the partition value as text) included. Empty when nothing was written.
   */
  private static java.util.Map<String, String> stagedFingerprints(org.apache.spark.sql.SparkSession spark,
      Path staging, String partitionColumn) {
    java.util.Map<String, String> byDir = new java.util.TreeMap<>();
    if (!Files.isDirectory(staging) || stagedPartitions(staging, partitionColumn).isEmpty()) {
      return byDir; // nothing written: no Parquet to read
    }
    // the directory of each row, from the file it was read from: exact whatever the escaping of
    // the partition value in the directory name
    Dataset<Row> written = spark.read().option("basePath", staging.toString()).parquet(staging.toString());
    org.apache.spark.sql.Column[] all = java.util.Arrays.stream(written.columns())
        .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new);
    org.apache.spark.sql.Column dir = org.apache.spark.sql.functions.element_at(
        org.apache.spark.sql.functions.split(org.apache.spark.sql.functions.input_file_name(), "/"), -2);
    for (Row r : written.groupBy(dir.as("dir"))
        .agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
            org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.xxhash64(all).cast("decimal(20,0)")))
        .collectAsList()) {
      String name = java.net.URLDecoder.decode(r.getString(0).replace("+", "%2B"),
          java.nio.charset.StandardCharsets.UTF_8);
      byDir.put(name, r.getLong(1) + ":" + (r.isNullAt(2) ? "0" : r.getDecimal(2).toPlainString()));
    }
    return byDir;
  }

  /** The partition directories ({@code col=value}) Spark wrote under {@code staging}, sorted. */
  private static List<String> stagedPartitions(Path staging, String partitionColumn) {
    List<String> parts = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging, partitionColumn + "=*")) {
      for (Path p : ds) {
        parts.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + staging, e);
    }
    parts.sort(null);
    return parts;
  }

  private String publishedFingerprint(String layer, String table, String partition) {
    Path f = table(layer, table).resolve(partition).resolve("_fingerprint");
    try {
      return Files.exists(f) ? Files.readString(f).strip() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Writes {@code df} (without the partition column) as the one partition {@code partition}
   * ({@code col=value}) and publishes it atomically, even when empty (an empty partition replaces
   * the previous content of that partition). {@code beforePublish} may add files (manifests).
   */
  public Published writeSinglePartition(Dataset<Row> df, String layer, String table, String partition,
      String runId, java.util.function.Consumer<Path> beforePublish) {
    return publish(stage(df, layer, table, partition, runId, beforePublish));
  }

  /** A partition written into the staging area of a run, not yet visible to readers. */
  public record Staged(String layer, String table, String partition, String runId, Path dir) {}

  /**
   * First half of {@link #writeSinglePartition}: writes the partition into the run's staging area
   * (nothing published changes). Several partitions can be staged, then published only when all of
   * them were written ({@link #publish(Staged)}).
   */
  public Staged stage(Dataset<Row> df, String layer, String table, String partition, String runId,
      java.util.function.Consumer<Path> beforePublish) {
    Path staging = stagingDir(runId, layer, table).resolve(partition);
    df.write().mode(SaveMode.Overwrite).parquet(staging.toString());
    if (beforePublish != null) {
      beforePublish.accept(staging);
    }
    return new Staged(layer, table, partition, runId, staging);
  }

  /** Second half of {@link #writeSinglePartition}: publishes a staged partition atomically. */
  public Published publish(Staged s) {
    try {
      Path tableDir = table(s.layer(), s.table());
      if (Files.isSymbolicLink(tableDir)) {
        Files.delete(tableDir);
      }
      Files.createDirectories(tableDir);
      publish(s.dir(), s.layer(), s.table(), s.partition(), s.runId());
      deleteTree(stagingDir(s.runId(), s.layer(), s.table()));
      return new Published(s.layer(), s.table(), List.of(s.partition()), List.of());
    } catch (IOException e) {
      throw new UncheckedIOException("publishing " + s.layer() + "/" + s.table() + "/" + s.partition() + " in "
          + root, e);
    }
  }

  /**
   * Reads a published table. An unpartitioned table is read through its resolved version directory
   * (not through the link), so the dataset stays valid while the same run republishes that table
   * (dim_nurse reads its previous version). A partitioned table is read in one scan through its
   * partition links, partition columns as strings; jobs never republish a table they read.
   * Returns null when the table was never published.
   */
  public Dataset<Row> read(org.apache.spark.sql.SparkSession spark, String layer, String table) {
    Path t = table(layer, table);
    try {
      if (!Files.exists(t)) {
        return null;
      }
      if (Files.isSymbolicLink(t)) {
        return spark.read().parquet(t.toRealPath().toString());
      }
      List<String> parts = partitions(layer, table);
      if (parts.isEmpty()) {
        // a partitioned table without rows: its columns, or nothing when it never had any
        return Files.isDirectory(t.resolve(EMPTY)) ? spark.read().parquet(t.resolve(EMPTY).toString()) : null;
      }
      // One scan over every partition's version directory (<versions>/<col=value>/<run>/): Spark
      // finds the partition value in the path under the base path. One relation instead of a
      // union of one per partition keeps planning, code generation and task count independent of
      // the number of partitions.
      String column = parts.get(0).substring(0, parts.get(0).indexOf('='));
      List<String> dirs = new ArrayList<>();
      Path base = null;
      for (String part : parts) {
        Path real = t.resolve(part).toRealPath();
        Path partBase = real.getParent() == null ? null : real.getParent().getParent();
        if (!part.startsWith(column + "=") || part.contains("%") || part.endsWith("=__HIVE_DEFAULT_PARTITION__")
            || partBase == null
            || !real.getParent().getFileName().toString().equals(part) || (base != null && !base.equals(partBase))) {
          return readUnion(spark, t, parts);
        }
        base = partBase;
        dirs.add(real.toString());
      }
      org.apache.spark.sql.types.StructType schema = spark.read().parquet(dirs.get(0)).schema()
          .add(column, org.apache.spark.sql.types.DataTypes.StringType, true);
      return spark.read().schema(schema).option("basePath", base.toString()).parquet(dirs.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + layer + "/" + table + " in " + root, e);
    }
  }

  /** Fallback of {@link #read} for a layout it does not recognise: one relation per partition. */
  private static Dataset<Row> readUnion(org.apache.spark.sql.SparkSession spark, Path t, List<String> parts)
      throws IOException {
    Dataset<Row> all = null;
    for (String part : parts) {
      int eq = part.indexOf('=');
      Dataset<Row> df = spark.read().parquet(t.resolve(part).toRealPath().toString())
          .withColumn(part.substring(0, eq), org.apache.spark.sql.functions.lit(part.substring(eq + 1)));
      all = all == null ? df : all.unionByName(df);
    }
    return all;
  }

  /** Unpublishes one partition (atomic: the link disappears); no-op when absent. */
  public void removePartition(String layer, String table, String partition) {
    try {
      if (Files.exists(table(layer, table).resolve(partition), LinkOption.NOFOLLOW_LINKS)) {
        FaultPoints.reach("before-remove:" + layer + "/" + table + "/" + partition);
      }
      Files.deleteIfExists(table(layer, table).resolve(partition));
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + layer + "/" + table + "/" + partition, e);
    }
  }

  /** Writes {@code df} and publishes it as a whole unpartitioned table, atomically. */
  public Published writeTable(Dataset<Row> df, String layer, String table, String runId) {
    Path staging = stagingDir(runId, layer, table);
    df.write().mode(SaveMode.Overwrite).parquet(staging.toString());
    try {
      Path tableDir = table(layer, table);
      if (Files.isDirectory(tableDir, LinkOption.NOFOLLOW_LINKS)) {
        FaultPoints.reach("before-remove:" + layer + "/" + table);
        deleteTree(tableDir); // was published partitioned before: replace by a link
      }
      publish(staging, layer, table, null, runId);
      return new Published(layer, table, List.of(), List.of());
    } catch (IOException e) {
      throw new UncheckedIOException("publishing " + layer + "/" + table + " in " + root, e);
    }
  }

  private Path stagingDir(String runId, String layer, String table) {
    return root.resolve(STAGING).resolve(runId).resolve(layer).resolve(table);
  }

  /** Moves a written directory into the versions area and swaps the published link onto it. */
  private void publish(Path written, String layer, String table, String partition, String runId)
      throws IOException {
    Path versionsOf = root.resolve(VERSIONS).resolve(layer).resolve(table);
    if (partition != null) {
      versionsOf = versionsOf.resolve(partition);
    }
    String unit = layer + "/" + table + (partition == null ? "" : "/" + partition);
    FaultPoints.reach("before-publish:" + unit);
    Files.createDirectories(versionsOf);
    Path version = versionsOf.resolve(runId);
    if (Files.exists(version)) {
      deleteTree(version);
    }
    Files.move(written, version, StandardCopyOption.ATOMIC_MOVE);
    Path link = partition == null ? table(layer, table) : table(layer, table).resolve(partition);
    Files.createDirectories(link.getParent());
    Path tmp = link.resolveSibling("." + link.getFileName() + ".tmp-" + runId);
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, link.getParent().relativize(version));
    FaultPoints.reach("before-swap:" + unit);
    try {
      Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the lake's file system cannot rename atomically: " + link, e);
    }
    FaultPoints.reach("after-swap:" + unit);
    pruneVersions(versionsOf, version);
  }

  private static void pruneVersions(Path versionsOf, Path current) throws IOException {
    List<Path> versions = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(versionsOf)) {
      for (Path p : ds) {
        versions.add(p);
      }
    }
    versions.remove(current);
    versions.sort(Comparator.comparing((Path p) -> {
      try {
        return Files.getLastModifiedTime(p).toMillis();
      } catch (IOException e) {
        return 0L;
      }
    }).reversed());
    for (int i = KEEP_VERSIONS - 1; i < versions.size(); i++) {
      deleteTree(versions.get(i));
    }
  }

  /** The layers of the lake, each a directory of tables. */
  public static final List<String> LAYERS = List.of("raw", "clean", "quarantine", "warehouse", "features");

  /**
   * Removes every table of every layer (and their kept versions): the lake becomes empty, to be
   * rebuilt by the run. Files of the lake itself ({@code _sources.json}) stay.
   */
  public void clearTables() {
    try {
      for (String layer : LAYERS) {
        deleteTree(root.resolve(layer));
      }
      deleteTree(root.resolve(VERSIONS));
    } catch (IOException e) {
      throw new UncheckedIOException("clearing the lake " + root, e);
    }
  }

  /**
   * Removes the leftovers of crashed runs (anything but {@code keepRunId}'s): their staging areas,
   * and the temporary links of a publication cut short before its rename (never read through the
   * published names, but a glob over a table's partitions, as the DuckDB load does, would see them).
   */
  public void sweepStaging(String keepRunId) {
    Path staging = root.resolve(STAGING);
    try {
      if (Files.isDirectory(staging)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging)) {
          for (Path p : ds) {
            if (!p.getFileName().toString().equals(keepRunId)) {
              deleteTree(p);
            }
          }
        }
      }
      sweepTemporaryLinks(keepRunId);
    } catch (IOException e) {
      throw new UncheckedIOException("sweeping " + staging, e);
    }
  }

  /** Deletes {@code .<name>.tmp-<run>} links of other runs in every layer and table directory. */
  private void sweepTemporaryLinks(String keepRunId) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> layers = Files.newDirectoryStream(root)) {
      for (Path layer : layers) {
        String n = layer.getFileName().toString();
        if (n.startsWith("_") || n.startsWith(".") || !Files.isDirectory(layer, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        dirs.add(layer);
        try (DirectoryStream<Path> tables = Files.newDirectoryStream(layer)) {
          for (Path t : tables) {
            if (Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
              dirs.add(t);
            }
          }
        }
      }
    }
    for (Path d : dirs) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, ".*.tmp-*")) {
        for (Path p : ds) {
          if (Files.isSymbolicLink(p) && !p.getFileName().toString().endsWith(".tmp-" + keepRunId)) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /** The partition values currently published for a table, sorted ({@code col=value} names). */
  public List<String> partitions(String layer, String table) {
    Path dir = table(layer, table);
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".") && !n.startsWith("_")) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir, e);
    }
    out.sort(null);
    return out;
  }

  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isSymbolicLink(p) || !Files.isDirectory(p)) {
      Files.delete(p);
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
