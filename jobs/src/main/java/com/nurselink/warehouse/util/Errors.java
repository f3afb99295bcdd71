package com.nurselink.warehouse.util;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Errors as users read them: one line, every part of the cause chain, secrets masked. */
public final class Errors {
  private Errors() {}

  /**
   * The error as one line: its message, then each cause's message that adds something, each
   * its first line, masked ({@link Secrets#maskText}) before it is joined, cut to 500 characters.
   */
  public static String oneLine(Throwable e) {
    List<String> parts = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    String joined = "";
    for (Throwable t = e; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      String m = t.getMessage();
      if (t == e && (m == null || m.isBlank())) {
        m = t.getClass().getSimpleName();
      }
      if (m == null || m.isBlank()) {
        continue;
      }
      String first = m.strip().lines().findFirst().orElse("");
      String masked = Secrets.maskText(first).strip();
      if (!joined.contains(masked)) {
        parts.add(masked);
        joined = String.join(": ", parts);
      }
    }
    String one = Secrets.maskText(joined);
    return one.length() > 500 ? one.substring(0, 500) + "..." : one;
  }
}
