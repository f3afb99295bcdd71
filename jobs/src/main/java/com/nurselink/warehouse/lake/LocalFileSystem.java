package com.nurselink.warehouse.lake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}), setting permissions through {@code java.nio} instead of
 * a child process, and writing no checksum files.
 *
 * <p>Without Hadoop's native library, which is not published on Maven Central,
 * {@code RawLocalFileSystem} runs {@code chmod} in a new process for every file and directory it
 * creates: about a thousand processes in one nightly run over a small site, each forked from the
 * driver's JVM.
 *
 * <p>Hadoop's {@code LocalFileSystem} also writes a {@code .NAME.crc} file beside every file it
 * writes: half of the files a nightly creates in a local lake (341 of 687 over a small site), each a
 * new inode and a second stream. Iceberg and Parquet do not need them (HDFS and S3 keep their own
 * checksums, and a local disk is the file system's to check), so none is written; a file that has
 * one, from a lake written before, is still verified when read, and its checksum file is renamed and
 * deleted with it, and removed when the file is written again (by this file system, or replaced
 * through {@link LakeFiles#write}). Registered as {@code fs.file.impl} by the session.
 */
public class LocalFileSystem extends org.apache.hadoop.fs.LocalFileSystem {
  public LocalFileSystem() {
    super(new Raw());
    setWriteChecksum(false);
  }

  /** The raw local file system with {@link #setPermission} in-process. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      int mode = permission.toShort();
      if ((mode & ~0777) != 0 || !Files.getFileStore(pathToFile(p).toPath()).supportsFileAttributeView("posix")) {
        super.setPermission(p, permission); // a sticky bit, or no POSIX permissions: Hadoop's way
        return;
      }
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(mode));
    }

    private static Set<PosixFilePermission> posix(int mode) {
      Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
      PosixFilePermission[] bits = {
          PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
          PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
          PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
      for (int i = 0; i < bits.length; i++) {
        if ((mode & (1 << i)) != 0) {
          s.add(bits[i]);
        }
      }
      return s;
    }
  }
}
