package com.nurselink.warehouse.lake;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The lock a run holds on its lake, so that two runs started at once never interleave their
 * commits: the second fails at once with one line naming the run that holds the lake.
 *
 * <p>On a local lake it is an operating-system lock on {@code <lake>/_lock} (released by the
 * kernel when the process dies, even killed: a crash never leaves the lake locked). On a remote
 * file system ({@code hdfs://}, {@code s3a://}) it is the file {@code <lake>/_lock} created
 * exclusively and deleted at the end of the run; a run killed there leaves it, and the next run
 * says which run holds it and that the file may be deleted once that run is known dead.
 */
public final class LakeLock implements AutoCloseable {
  /** The lock file, relative to the lake's root. */
  public static final String FILE = "_lock";

  /** Raised when another run holds the lake. */
  public static final class HeldException extends RuntimeException {
    HeldException(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;
  private final FileSystem fs;
  private final Path remote;

  private LakeLock(FileChannel channel, FileLock lock, FileSystem fs, Path remote) {
    this.channel = channel;
    this.lock = lock;
    this.fs = fs;
    this.remote = remote;
  }

  /** Takes the lock of {@code lake} for {@code runId}, or fails at once when another run holds it. */
  public static LakeLock acquire(Lake lake, Configuration conf, String runId) {
    String holder = "run " + runId + " (pid " + ManagementFactory.getRuntimeMXBean().getName() + ", since "
        + Instant.now() + ")";
    Path p = new Path(lake.location(), FILE);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (fs.getScheme().equals("file")) {
        return local(java.nio.file.Path.of(p.toUri().getPath()), holder, lake);
      }
      fs.mkdirs(p.getParent());
      try (OutputStream out = fs.create(p, false)) {
        out.write(holder.getBytes(StandardCharsets.UTF_8));
      } catch (FileAlreadyExistsException held) {
        throw new HeldException("the lake " + lake.location() + " is in use by " + read(fs, p)
            + ": wait for that run to end (if it is known dead, delete " + p + ")");
      }
      return new LakeLock(null, null, fs, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lock " + p, e);
    }
  }

  private static LakeLock local(java.nio.file.Path file, String holder, Lake lake) throws IOException {
    Files.createDirectories(file.getParent());
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      l = null;
    }
    if (l == null) {
      String by;
      try {
        by = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
      } finally {
        ch.close();
      }
      throw new HeldException("the lake " + lake.location() + " is in use by "
          + (by.isEmpty() ? "another run" : by) + ": wait for that run to end");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(false);
    return new LakeLock(ch, l, null, null);
  }

  private static String read(FileSystem fs, Path p) {
    try (var in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "another run";
    }
  }

  @Override
  public void close() {
    try {
      if (lock != null) {
        channel.truncate(0);
        lock.release();
        channel.close();
      } else if (remote != null) {
        fs.delete(remote, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lake lock", e);
    }
  }
}
