package com.nurselink.warehouse.staging;

/**
 * Text trimming shared by the parsers and {@link Staging}, so that "blank" means the same thing
 * everywhere.
 *
 * <p>Trimmed characters: every character from U+0000 to U+0020 (the ASCII control characters,
 * including NUL, and the space, as {@link String#trim()}), the no-break space U+00A0 and the
 * byte-order mark U+FEFF. Characters inside the value are never touched.
 */
public final class Text {
  private Text() {}

  /** Whether {@code c} is a trimmed character (see the class comment). */
  public static boolean isTrimmed(char c) {
    return c <= ' ' || c == '\u00A0' || c == '\uFEFF';
  }

  /** {@code s} without its leading and trailing trimmed characters; null when null or blank. */
  public static String strip(String s) {
    if (s == null) {
      return null;
    }
    int from = 0;
    int to = s.length();
    while (from < to && isTrimmed(s.charAt(from))) {
      from++;
    }
    while (to > from && isTrimmed(s.charAt(to - 1))) {
      to--;
    }
    return from == to ? null : s.substring(from, to);
  }

  /**
   * {@link #strip} then lower-cased by Unicode's default case mapping ({@link java.util.Locale#ROOT}):
   * the enumerated values (statuses, roles) as staging compares them. Spark's {@code lower()} gives
   * the same value whenever either result is ASCII, so the same contract values (TextTest); it is not
   * used because its first call initialises ICU's case mapping, about 2 s of one task of every run
   * (about 8 % of a small site's nightly, BENCHMARKS.md).
   */
  public static String stripLower(String s) {
    String t = strip(s);
    return t == null ? null : t.toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether {@code s} is absent: null, empty or only trimmed characters. */
  public static boolean isBlank(String s) {
    if (s == null) {
      return true;
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      if (!isTrimmed(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
