package com.nurselink.warehouse.staging;

/**
 * Numbers stored as text by the operational apps (a SQLite REAL or INTEGER column may hold any
 * text). Pure functions; no exception is used for control flow.
 *
 * <p>Absent versus bad: a value is <em>absent</em> when it is null or blank ({@link #isAbsent});
 * it is <em>bad</em> when it is present but {@link #parse} gives null ({@link #isBad}). Callers
 * that must tell "missing" from "unreadable" (the {@code bad_number} rule) use both.
 */
public final class Numbers {
  private Numbers() {}

  /**
   * The number written in {@code text}, or null when absent or not a number.
   *
   * <p>Accepted after trimming ({@link Text}): an optional sign, digits with at most one decimal
   * separator, either a point or a comma ({@code "42.5"}, {@code "42,5"}, {@code "-3"},
   * {@code ".5"}, {@code "5."}), and an optional exponent ({@code "1.0e+20"}, as SQLite prints large
   * REAL values). Rejected: NaN, Infinity, hexadecimal, thousands separators ({@code "1,234.5"}),
   * Java type suffixes ({@code "1d"}), anything else, and values whose magnitude overflows a
   * double. Negative zero is returned as {@code 0.0}.
   */
  public static Double parse(String text) {
    String s = Text.strip(text);
    if (s == null) {
      return null;
    }
    int n = s.length();
    int i = 0;
    char c = s.charAt(0);
    if (c == '+' || c == '-') {
      i++;
    }
    int mantissaDigits = 0;
    int separatorAt = -1;
    for (; i < n; i++) {
      c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        mantissaDigits++;
      } else if ((c == '.' || c == ',') && separatorAt < 0) {
        separatorAt = i;
      } else {
        break;
      }
    }
    if (mantissaDigits == 0) {
      return null;
    }
    if (i < n) {
      if (c != 'e' && c != 'E' || ++i == n) {
        return null;
      }
      c = s.charAt(i);
      if ((c == '+' || c == '-') && ++i == n) {
        return null;
      }
      for (; i < n; i++) {
        c = s.charAt(i);
        if (c < '0' || c > '9') {
          return null;
        }
      }
    }
    if (separatorAt >= 0 && s.charAt(separatorAt) == ',') {
      s = s.substring(0, separatorAt) + '.' + s.substring(separatorAt + 1);
    }
    double d = Double.parseDouble(s);
    if (Double.isInfinite(d)) {
      return null;
    }
    return d == 0.0 ? 0.0 : d;
  }

  /** Whether {@code text} is absent: null or blank. */
  public static boolean isAbsent(String text) {
    return Text.isBlank(text);
  }

  /** Whether {@code text} is present but not a number. */
  public static boolean isBad(String text) {
    return !isAbsent(text) && parse(text) == null;
  }

  /**
   * The integer identifier written in {@code text}, or null when absent or not an integer that
   * fits a signed 64-bit long. Parsed digit by digit, never through a double, so that ids beyond
   * 2^53 stay exact.
   *
   * <p>Accepted after trimming: an optional sign and decimal digits (leading zeros allowed),
   * optionally followed by a point and only zeros ({@code "42.0"}, as a SQLite REAL prints an
   * integral value). Rejected: a non-zero fraction, exponents, a decimal comma, anything else, and
   * values outside {@code [Long.MIN_VALUE, Long.MAX_VALUE]}. Zero and negative values are
   * integers and are returned as such.
   */
  public static Long parseId(String text) {
    String s = Text.strip(text);
    if (s == null) {
      return null;
    }
    int n = s.length();
    int i = 0;
    boolean negative = false;
    char c = s.charAt(0);
    if (c == '+' || c == '-') {
      negative = c == '-';
      i++;
    }
    int start = i;
    // accumulate negatively: Long.MIN_VALUE has no positive counterpart
    long acc = 0;
    for (; i < n; i++) {
      c = s.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      int digit = c - '0';
      if (acc < Long.MIN_VALUE / 10 || acc * 10 < Long.MIN_VALUE + digit) {
        return null;
      }
      acc = acc * 10 - digit;
    }
    if (i == start) {
      return null;
    }
    if (i < n) {
      if (s.charAt(i) != '.') {
        return null;
      }
      for (i++; i < n; i++) {
        if (s.charAt(i) != '0') {
          return null;
        }
      }
    }
    if (negative) {
      return acc;
    }
    return acc == Long.MIN_VALUE ? null : -acc;
  }
}
