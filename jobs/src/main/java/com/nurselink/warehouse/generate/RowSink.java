package com.nurselink.warehouse.generate;

import com.nurselink.warehouse.contract.SourceContract;
import java.io.IOException;
import java.sql.SQLException;

/** Where generated rows go (a SQLite file, a split set of files, PostgreSQL). */
interface RowSink extends AutoCloseable {
  /** Receives one row; the values are in the order of {@link SourceContract#columns()}. */
  void row(SourceContract table, Object[] values) throws SQLException, IOException;

  /** All rows were written: flush, build indexes, commit. */
  void finish() throws SQLException, IOException;

  /** Releases the resources; after a failure before {@link #finish()}, discards what was written. */
  @Override
  void close() throws SQLException, IOException;
}
