package com.nurselink.warehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Whole-row-list assertions that ignore the engine's integer widths (every integer is a Long),
 * compare doubles with a relative tolerance of 1e-9, and sort both sides the same way.
 */
final class RowsAssert {
  private RowsAssert() {}

  static final double TOLERANCE = 1e-9;

  /** A Spark result as normalized value lists. */
  static List<List<Object>> values(Dataset<Row> df) {
    return values(df.collectAsList());
  }

  static List<Object> values(Row r) {
    Object[] v = new Object[r.length()];
    for (int i = 0; i < v.length; i++) {
      v[i] = DuckDbModels.normalize(r.get(i));
    }
    return Arrays.asList(v);
  }

  /** Asserts that {@code actual} holds exactly the {@code expected} rows, in any order. */
  static void assertRows(String context, List<Row> expected, Dataset<Row> actual) {
    assertRows(context, expected, actual.collectAsList());
  }

  static void assertRows(String context, List<Row> expected, List<Row> actual) {
    assertSameRows(context, values(expected), values(actual));
  }

  static List<List<Object>> values(List<Row> rows) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(values(r));
    }
    return out;
  }

  static void assertSameRows(String context, List<List<Object>> expected, List<List<Object>> actual) {
    List<List<Object>> e = sortedCopy(expected);
    List<List<Object>> a = sortedCopy(actual);
    if (e.size() != a.size()) {
      fail(context + ": expected " + e.size() + " rows, got " + a.size() + "\nexpected: " + e + "\nactual:   " + a);
    }
    for (int i = 0; i < e.size(); i++) {
      if (!sameRow(e.get(i), a.get(i))) {
        fail(context + ": row " + i + " differs\nexpected: " + e.get(i) + "\nactual:   " + a.get(i)
            + "\nall expected: " + e + "\nall actual:   " + a);
      }
    }
    assertEquals(e.size(), a.size());
  }

  private static List<List<Object>> sortedCopy(List<List<Object>> rows) {
    List<List<Object>> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(RowsAssert::sortKey));
    return copy;
  }

  private static String sortKey(List<Object> row) {
    StringBuilder sb = new StringBuilder();
    for (Object v : row) {
      sb.append(v instanceof Double d ? String.format(Locale.ROOT, "%.6e", d) : String.valueOf(v)).append('\u0001');
    }
    return sb.toString();
  }

  private static boolean sameRow(List<Object> e, List<Object> a) {
    if (e.size() != a.size()) {
      return false;
    }
    for (int i = 0; i < e.size(); i++) {
      Object x = e.get(i);
      Object y = a.get(i);
      if (x instanceof Double dx && y instanceof Double dy) {
        if (!(dx.equals(dy) || Math.abs(dx - dy) <= TOLERANCE * Math.max(Math.abs(dx), Math.abs(dy)))) {
          return false;
        }
      } else if (x == null ? y != null : !x.equals(y)) {
        return false;
      }
    }
    return true;
  }
}
