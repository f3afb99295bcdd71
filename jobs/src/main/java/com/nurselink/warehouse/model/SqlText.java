package com.nurselink.warehouse.model;

import java.util.ArrayList;
import java.util.List;

/** Lexical helpers over SQL text: comments and string literals, statement splitting. */
final class SqlText {
  private SqlText() {}

  /**
   * The text with every comment and the content of every string literal replaced by spaces (same
   * length, same offsets), so that code characters such as {@code ;} can be searched safely.
   */
  static String code(String sql) {
    char[] out = sql.toCharArray();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          out[i++] = ' ';
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        while (i < end) {
          out[i] = sql.charAt(i) == '\n' ? '\n' : ' ';
          i++;
        }
      } else if (c == '\'' || c == '"') {
        i++;
        while (i < n && sql.charAt(i) != c) {
          out[i++] = ' ';
        }
        i++;
      } else {
        i++;
      }
    }
    return new String(out);
  }

  /** The non-blank statements of a script, split on the semicolons outside comments and literals. */
  static List<String> statements(String script) {
    String code = code(script);
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= code.length(); i++) {
      if (i == code.length() || code.charAt(i) == ';') {
        if (!code.substring(start, i).isBlank()) {
          out.add(script.substring(start, i).strip());
        }
        start = i + 1;
      }
    }
    return out;
  }
}
