package com.nurselink.warehouse.migrate;

import com.nurselink.warehouse.source.SqliteFile;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The rows of one source table, in rowid order, with some of its columns: read straight from the snapshot's
 * file ({@link SqliteFile}) when it can be, else through SQLite. Values are what sqlite-jdbc's getters give.
 */
abstract class SourceRows implements AutoCloseable {

  /** Moves to the next row; false after the last. */
  abstract boolean next() throws SQLException;

  /** Whether the rows come from the file's pages (a value costs no call into SQLite). */
  abstract boolean direct();

  /** The rowid of the row (a row counter from 1 for a WITHOUT ROWID table). */
  abstract long rowid() throws SQLException;

  /** Column {@code i} of the columns asked for: null, Integer, Long, Double, String or byte[]. */
  abstract Object getObject(int i) throws SQLException;

  /** The bytes of a text or blob value (null for NULL). */
  abstract byte[] getBytes(int i) throws SQLException;

  /** An integer value. */
  abstract long getLong(int i) throws SQLException;

  @Override
  public abstract void close() throws SQLException;

  /**
   * The rows of {@code table} (whose columns are {@code all}, in declaration order) with {@code columns}:
   * from {@code file} when it is given and the table's records can be read there, else through
   * {@code sqlite}.
   */
  static SourceRows open(Connection sqlite, SqliteFile file, String table, boolean hasRowid, List<String> all,
      List<String> columns) throws SQLException {
    if (file != null && hasRowid) {
      Optional<SqliteFile.Scan> scan = file.scan(sqlite, table);
      if (scan.isPresent() && scan.get().columns() == all.size()) {
        int[] index = new int[columns.size()];
        for (int i = 0; i < index.length; i++) {
          index[i] = all.indexOf(columns.get(i));
          if (index[i] < 0) {
            throw new IllegalArgumentException("no column " + columns.get(i) + " in " + table);
          }
        }
        return new FileRows(scan.get(), index);
      }
    }
    return new JdbcRows(sqlite, table, hasRowid, columns);
  }

  /** {@link #open} for a table of the catalog. */
  static SourceRows open(Connection sqlite, SqliteFile file, SourceCatalog.Table t, List<String> columns)
      throws SQLException {
    return open(sqlite, file, t.name(), !t.withoutRowid(),
        t.columns().stream().map(SourceCatalog.Column::name).toList(), columns);
  }

  /** Through SQLite: {@code SELECT _rowid_, columns FROM t}. */
  private static final class JdbcRows extends SourceRows {
    private final Statement st;
    private final ResultSet rs;
    private final boolean rowids;
    private long counter;

    JdbcRows(Connection sqlite, String table, boolean hasRowid, List<String> columns) throws SQLException {
      this.rowids = hasRowid;
      this.st = sqlite.createStatement();
      try {
        this.rs = st.executeQuery(Sql.sqliteSelect(table, rowids, columns));
      } catch (SQLException e) {
        st.close();
        throw e;
      }
    }

    @Override
    boolean direct() {
      return false;
    }

    @Override
    boolean next() throws SQLException {
      counter++;
      return rs.next();
    }

    @Override
    long rowid() throws SQLException {
      return rowids ? rs.getLong(1) : counter;
    }

    @Override
    Object getObject(int i) throws SQLException {
      return rs.getObject(i + 2);
    }

    @Override
    byte[] getBytes(int i) throws SQLException {
      return rs.getBytes(i + 2);
    }

    @Override
    long getLong(int i) throws SQLException {
      return rs.getLong(i + 2);
    }

    @Override
    public void close() throws SQLException {
      try {
        rs.close();
      } finally {
        st.close();
      }
    }
  }

  /** Straight from the file. */
  private static final class FileRows extends SourceRows {
    private final SqliteFile.Scan scan;
    private final int[] index;

    FileRows(SqliteFile.Scan scan, int[] index) {
      this.scan = scan;
      this.index = index;
    }

    @Override
    boolean direct() {
      return true;
    }

    @Override
    boolean next() throws SQLException {
      try {
        return scan.next();
      } catch (IOException e) {
        throw new SQLException(e.getMessage(), e);
      }
    }

    @Override
    long rowid() {
      return scan.rowid();
    }

    @Override
    Object getObject(int i) throws SQLException {
      try {
        return scan.getObject(index[i]);
      } catch (IOException e) {
        throw new SQLException(e.getMessage(), e);
      }
    }

    @Override
    byte[] getBytes(int i) throws SQLException {
      try {
        return scan.getBytes(index[i]);
      } catch (IOException e) {
        throw new SQLException(e.getMessage(), e);
      }
    }

    @Override
    long getLong(int i) throws SQLException {
      try {
        return scan.getLong(index[i]);
      } catch (IOException e) {
        throw new SQLException(e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      // the file stays open for the other tables
    }
  }
}
