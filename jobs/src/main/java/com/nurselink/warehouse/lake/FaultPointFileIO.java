package com.nurselink.warehouse.lake;

import com.nurselink.warehouse.util.FaultPoints;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.OutputFile;

/**
 * Iceberg's Hadoop file I/O with one fault point: {@code before-commit:<namespace>/<table>} is
 * reached when a commit starts writing the table's new metadata file, that is once the data files
 * and manifests of the commit are written and before the catalog's pointer moves to it. A crash
 * test halts there to leave a commit cut short at its last step. Writes on a branch reach
 * {@code before-branch:} and {@code before-stage:} points instead ({@link #KIND}).
 */
public class FaultPointFileIO extends HadoopFileIO {
  /**
   * The kind of the point this thread reaches at its next metadata write: {@code before-commit}
   * unless the lake is writing on a branch ({@code before-branch}: the branch's creation,
   * {@code before-stage}: data committed on the branch, neither visible to readers).
   */
  static final ThreadLocal<String> KIND = ThreadLocal.withInitial(() -> "before-commit");

  @Override
  public OutputFile newOutputFile(String path) {
    if (path.endsWith(".metadata.json")) {
      String[] parts = path.split("/");
      if (parts.length >= 4 && parts[parts.length - 2].equals("metadata")) {
        FaultPoints.reach(KIND.get() + ":" + parts[parts.length - 4] + "/" + parts[parts.length - 3]);
      }
    }
    return super.newOutputFile(path);
  }
}
