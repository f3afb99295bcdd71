package com.nurselink.warehouse.lake;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Small state files kept beside the lake's tables ({@code _sources.json}, the pending watermarks,
 * the feature manifests), on whatever file system holds the lake (local disk, HDFS, S3 ...),
 * through Hadoop's file system API.
 *
 * <p>A write replaces the file atomically: on a file system with atomic rename it is written aside
 * and renamed over the old one; on an object store a single PUT is already atomic.
 */
public final class LakeFiles {
  private static final List<String> OBJECT_STORES =
      List.of("s3", "s3a", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss");

  private final String location;
  private final Configuration conf;

  LakeFiles(String location, Configuration conf) {
    this.location = location;
    this.conf = conf;
  }

  /** The state files of the lake at {@code location} (a local path or a Hadoop URI). */
  public static LakeFiles at(String location, Configuration conf) {
    return new LakeFiles(location, conf);
  }

  /** The full path of a file of the lake, {@code name} relative to the lake's root. */
  public String path(String name) {
    return new Path(location, name).toString();
  }

  private Path resolve(String name) {
    return new Path(location, name);
  }

  private FileSystem fs(Path p) throws IOException {
    return p.getFileSystem(conf);
  }

  /** Whether the file or directory exists. */
  public boolean exists(String name) {
    Path p = resolve(name);
    try {
      return fs(p).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /** The file's text, empty when it does not exist. */
  public Optional<String> read(String name) {
    Path p = resolve(name);
    try {
      FileSystem fs = fs(p);
      if (!fs.exists(p)) {
        return Optional.empty();
      }
      try (FSDataInputStream in = fs.open(p)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /** Replaces (or creates) the file with {@code text}, atomically for a reader. */
  public void write(String name, String text) {
    Path p = resolve(name);
    try {
      FileSystem fs = fs(p);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      String scheme = fs.getScheme() == null ? "" : fs.getScheme().toLowerCase(Locale.ROOT);
      if (OBJECT_STORES.contains(scheme)) {
        try (OutputStream out = fs.create(p, true)) {
          out.write(bytes);
        }
        return;
      }
      Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
      fs.mkdirs(p.getParent());
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(bytes);
      }
      if (fs instanceof ChecksumFileSystem local) {
        // a lake written before holds a checksum file beside the file; the new one is written without
        // one (LocalFileSystem), and the rename below (FileContext's) would leave the old checksum in
        // place, failing the next read. Removed first: a reader in between reads the old text unchecked.
        Path crc = local.getChecksumFile(p);
        local.getRawFileSystem().delete(crc, false);
      }
      FileContext.getFileContext(fs.getUri(), conf).rename(tmp, p, Options.Rename.OVERWRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p, e);
    }
  }

  /** Deletes the file; no-op when absent. */
  public void delete(String name) {
    Path p = resolve(name);
    try {
      fs(p).delete(p, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p, e);
    }
  }

  /** Deletes a directory of the lake and everything in it; no-op when absent. */
  public void deleteTree(String name) {
    Path p = resolve(name);
    try {
      fs(p).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p, e);
    }
  }
}
