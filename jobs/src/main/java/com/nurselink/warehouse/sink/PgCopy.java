package com.nurselink.warehouse.sink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/** Streams Spark rows into a PostgreSQL table through {@code COPY ... FROM STDIN (FORMAT csv)}. */
public final class PgCopy {
  private PgCopy() {}

  /**
   * Copies {@code rows} (fields in the order of {@code columns}) into {@code table}; returns the
   * number of rows copied. Runs in the caller's transaction.
   */
  public static long copy(Connection c, String table, List<String> columns, Iterator<Row> rows) throws SQLException {
    return copy(c, table, columns, rows, (r, i) -> r.isNullAt(i) ? null : r.get(i));
  }

  /**
   * Copies Iceberg records of the lake ({@link com.nurselink.warehouse.lake.Lake#records}) into
   * {@code table}, each column taken from the record field of the same name (case-insensitive).
   */
  public static long copyRecords(Connection c, String table, List<String> columns,
      org.apache.iceberg.types.Types.StructType fields, Iterator<org.apache.iceberg.data.Record> rows) throws SQLException {
    int[] at = new int[columns.size()];
    List<org.apache.iceberg.types.Types.NestedField> all = fields.fields();
    for (int i = 0; i < at.length; i++) {
      at[i] = -1;
      for (int k = 0; k < all.size(); k++) {
        if (all.get(k).name().equalsIgnoreCase(columns.get(i))) {
          at[i] = k;
        }
      }
      if (at[i] < 0) {
        throw new SQLException("the lake table has no column " + columns.get(i) + " for " + table);
      }
    }
    return copy(c, table, columns, rows, (r, i) -> r.get(at[i]));
  }

  private static <T> long copy(Connection c, String table, List<String> columns, Iterator<T> rows,
      java.util.function.BiFunction<T, Integer, Object> value) throws SQLException {
    StringBuilder sql = new StringBuilder("COPY ").append(table).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i > 0 ? ", " : "").append('"').append(columns.get(i)).append('"');
    }
    sql.append(") FROM STDIN (FORMAT csv)");
    PGConnection pg = c.unwrap(PGConnection.class);
    long n = 0;
    try (PGCopyOutputStream out = new PGCopyOutputStream(pg, sql.toString(), 1 << 16);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
      StringBuilder line = new StringBuilder(256);
      while (rows.hasNext()) {
        T r = rows.next();
        line.setLength(0);
        for (int i = 0; i < columns.size(); i++) {
          if (i > 0) {
            line.append(',');
          }
          appendCsv(line, value.apply(r, i));
        }
        line.append('\n');
        w.write(line.toString());
        n++;
      }
    } catch (IOException e) {
      if (e.getCause() instanceof SQLException se) {
        throw se;
      }
      throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), e);
    }
    return n;
  }

  static void appendCsv(StringBuilder sb, Object v) {
    if (v == null) {
      return; // unquoted empty = NULL in CSV format
    }
    String s;
    if (v instanceof Instant i) {
      s = i.toString();
    } else if (v instanceof java.time.OffsetDateTime o) {
      s = o.toInstant().toString();
    } else if (v instanceof java.sql.Timestamp t) {
      s = t.toInstant().toString();
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        s = d.isNaN() ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
      } else {
        s = Double.toString(d);
      }
    } else if (v instanceof scala.collection.Seq<?> || v instanceof List<?>) {
      StringBuilder a = new StringBuilder("{");
      java.util.Iterator<?> it = v instanceof List<?> list ? list.iterator()
          : scala.jdk.javaapi.CollectionConverters.asJava(((scala.collection.Seq<?>) v).iterator());
      boolean first = true;
      while (it.hasNext()) {
        Object x = it.next();
        a.append(first ? "" : ",").append(x == null ? "NULL" : "\"" + x.toString().replace("\\", "\\\\")
            .replace("\"", "\\\"") + "\"");
        first = false;
      }
      s = a.append('}').toString();
    } else {
      s = v.toString();
    }
    if (s.indexOf('\u0000') >= 0) {
      s = s.replace("\u0000", ""); // PostgreSQL text cannot hold NUL
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"') {
        sb.append('"');
      }
      sb.append(ch);
    }
    sb.append('"');
  }
}
