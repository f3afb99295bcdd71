package com.nurselink.warehouse.source;

import com.nurselink.warehouse.util.FaultPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Consistent snapshots of SQLite sources ({@link #copy}: a copy under a read lock, or SQLite's online
 * backup for a WAL file) taken while the app may be writing, kept for a retention period (the ops
 * backup policy), pruned by the run.
 */
public final class SqliteSnapshots {
  private SqliteSnapshots() {}

  /** Copies {@code source} into {@code dir} as {@code <name>-<runId>.db} and returns that file. */
  public static Path take(Path source, Path dir, String runId) {
    return take(source, dir, runId, 10_000);
  }

  /**
   * As {@link #take(Path, Path, String)}, waiting at most {@code busyTimeoutMillis} for a
   * writer's lock (then the snapshot fails with "database is locked by a writer").
   */
  public static Path take(Path source, Path dir, String runId, int busyTimeoutMillis) {
    if (!Files.exists(source)) {
      throw new SourceException("source file not found: " + source);
    }
    if (!Files.isRegularFile(source) || !Files.isReadable(source)) {
      throw new SourceException("source file not readable: " + source);
    }
    String name = source.getFileName().toString().replaceAll("\\.(db|sqlite3?)$", "");
    Path target = dir.resolve(name + "-" + runId + ".db").toAbsolutePath();
    try {
      Files.createDirectories(dir);
      if (Files.exists(target)) {
        return target; // already taken in this run (several tables from one file)
      }
      Path partial = dir.resolve("." + name + "-" + runId + ".db.partial");
      Files.deleteIfExists(partial);
      Properties p = new Properties();
      p.setProperty("open_mode", "1"); // read-only
      p.setProperty("busy_timeout", String.valueOf(busyTimeoutMillis));
      try {
        copy(source, partial, p, "extract-snapshot");
      } catch (IOException e) {
        Files.deleteIfExists(partial);
        throw new SourceException("cannot snapshot " + source + ": " + e.getMessage(), e);
      } catch (SQLException | RuntimeException e) {
        Files.deleteIfExists(partial); // a failed backup leaves nothing behind
        throw e;
      }
      Files.move(partial, target);
      return target;
    } catch (SQLException e) {
      throw new SourceException("cannot snapshot " + source + ": " + sqliteReason(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot of " + source + " into " + dir, e);
    }
  }

  /**
   * Copies {@code source} into {@code target} (created or truncated) as one consistent state, while the
   * application may keep writing, and says how. A file in rollback-journal mode is copied whole by the
   * kernel ({@code transferTo}) while a read transaction holds its lock: no writer can commit into the file
   * meanwhile (a writer waits, as for any reader), and the journal mode is read under that lock, so a switch
   * to WAL cannot happen in between. A file in WAL mode, whose committed pages may still be in its log,
   * goes through SQLite's online backup. {@code connection} holds the properties of the connection to
   * {@code source} (read only, busy timeout); the fault points {@code <faults>-before-lock} and
   * {@code <faults>-locked} are reached before the lock is taken and while it is held. The copy is not
   * forced to disk (0.24 s for 600 MB here): the run reads it at once, and one kept afterwards is as
   * durable as the lake's own files.
   */
  public static String copy(Path source, Path target, Properties connection, String faults)
      throws SQLException, IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.toAbsolutePath(), connection);
        Statement st = c.createStatement()) {
      FaultPoints.reach(faults + "-before-lock");
      c.setAutoCommit(false);
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
        rs.next();   // the read transaction's lock is held from here to the rollback below
      }
      String mode;
      try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
        mode = rs.next() ? rs.getString(1) : "";
      }
      if (mode.equalsIgnoreCase("wal")) {
        c.rollback();
        c.setAutoCommit(true);
        st.executeUpdate("backup to '" + target.toAbsolutePath().toString().replace("'", "''") + "'");
        return "online backup";
      }
      FaultPoints.reach(faults + "-locked");
      try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
          FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        long size = in.size();
        for (long done = 0; done < size; ) {
          long n = in.transferTo(done, size - done, out);
          if (n <= 0) {
            throw new IOException("the copy of " + source + " stopped at byte " + done + " of " + size);
          }
          done += n;
        }
        // before the channel closes: closing any descriptor of the file drops every POSIX lock this
        // process holds on it, SQLite's read lock included
        c.rollback();
      }
      return "copied under a read lock";
    }
  }

  /** Suffix of the snapshots kept from the last failed run, for diagnosis. */
  static final String FAILED = ".failed.db";

  /**
   * After a run: the snapshots of a failed run are kept, renamed {@code *.failed.db}, as the only
   * failed ones (those of earlier failed runs are deleted); a successful run's stay until the
   * retention prunes them. Returns how many files were deleted.
   */
  public static int settle(Path dir, String runId, boolean succeeded) {
    if (succeeded || !Files.isDirectory(dir)) {
      return 0;
    }
    String suffix = "-" + runId + ".db";
    int deleted = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.db")) {
      List<Path> mine = new ArrayList<>();
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.endsWith(FAILED)) {
          Files.delete(p);
          deleted++;
        } else if (n.endsWith(suffix)) {
          mine.add(p);
        }
      }
      for (Path p : mine) {
        String n = p.getFileName().toString();
        Files.move(p, p.resolveSibling(n.substring(0, n.length() - ".db".length()) + FAILED));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("settling the snapshots in " + dir, e);
    }
    return deleted;
  }

  public static String sqliteReason(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.contains("SQLITE_BUSY") || m.contains("locked")) {
      return "database is locked by a writer";
    }
    if (m.contains("SQLITE_NOTADB") || m.contains("not a database") || m.contains("malformed")
        || m.contains("SQLITE_CORRUPT")) {
      return "not a valid SQLite database (corrupt or truncated)";
    }
    return m.replace('\n', ' ');
  }

  /**
   * A partial copy left by a killed run: the backup writes pages continuously, so one untouched for
   * this long belongs to no live run.
   */
  static final Duration ABANDONED_PARTIAL = Duration.ofHours(1);

  /**
   * Deletes snapshots older than {@code retentionDays} and partial copies abandoned by killed runs
   * (untouched for {@link #ABANDONED_PARTIAL}); returns how many files were removed.
   */
  public static int prune(Path dir, int retentionDays, Instant now) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int n = deleteOlder(dir, "*.db", now.minus(Duration.ofDays(retentionDays)));
    return n + deleteOlder(dir, ".*.db.partial", now.minus(ABANDONED_PARTIAL));
  }

  private static int deleteOlder(Path dir, String glob, Instant limit) {
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      for (Path p : ds) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(limit)) {
          Files.delete(p);
          n++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("pruning snapshots in " + dir, e);
    }
    return n;
  }
}
