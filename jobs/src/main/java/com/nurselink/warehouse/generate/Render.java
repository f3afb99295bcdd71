package com.nurselink.warehouse.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes values the way the apps store them: timestamps in every accepted representation, money
 * as REAL, INTEGER or text (dot or decimal comma), enums and cities now and then in another case or
 * with surrounding spaces. Every value rendered here is valid input.
 */
final class Render {
  /** Offsets are tabulated per hour over these years (zone transitions fall on whole hours). */
  private static final long TABLE_FROM = LocalDate.of(2020, 1, 1).toEpochDay() * 86_400L;
  private static final int TABLE_HOURS = 10 * 366 * 24;

  private final ZoneId zone;
  private final ZoneRules rules;
  private final int[] offsetByHour = new int[TABLE_HOURS];
  private final boolean tabulated;

  Render(ZoneId zone) {
    this.zone = zone;
    this.rules = zone.getRules();
    boolean wholeHours = true;
    for (int h = 0; h < TABLE_HOURS; h++) {
      long at = TABLE_FROM + h * 3600L;
      offsetByHour[h] = rules.getOffset(Instant.ofEpochSecond(at)).getTotalSeconds();
      if (h > 0 && offsetByHour[h] != offsetByHour[h - 1]
          && rules.getOffset(Instant.ofEpochSecond(at - 1)).getTotalSeconds() != offsetByHour[h - 1]) {
        wholeHours = false;
      }
    }
    this.tabulated = wholeHours;
  }

  /** The zone's offset (seconds) at an instant (epoch seconds). */
  private int offset(long sec) {
    long h = Math.floorDiv(sec - TABLE_FROM, 3600);
    return tabulated && h >= 0 && h < TABLE_HOURS ? offsetByHour[(int) h] : rules.getOffset(Instant.ofEpochSecond(sec)).getTotalSeconds();
  }

  ZoneId zone() {
    return zone;
  }

  /**
   * A timestamp (epoch milliseconds) in a random representation; {@code allowEpoch} is false for
   * TEXT columns, which only ever hold ISO-8601 text.
   */
  Object timestamp(long epochMs, SplittableRandom r, boolean allowEpoch) {
    int k = r.nextInt(100);
    if (k >= 79 && allowEpoch) {
      return k < 91 ? Long.valueOf(Math.floorDiv(epochMs, 1000)) : Long.valueOf(epochMs);
    }
    long sec = Math.floorDiv(epochMs, 1000);
    int millis = (int) Math.floorMod(epochMs, 1000);
    ZoneOffset off = ZoneOffset.ofTotalSeconds(offset(sec));
    StringBuilder b = new StringBuilder(32);
    if (k < 52 || k >= 79) {
      LocalDateTime ldt = LocalDateTime.ofEpochSecond(sec, 0, off);
      boolean frac = k >= 45 && k < 52;
      appendDateTime(b, ldt, k < 25 || (frac && (k & 1) == 0) || k >= 91 ? 'T' : ' ');
      if (frac) {
        appendFraction(b, millis, (k % 3) == 0);
      }
      if (offset(sec - 3600) != off.getTotalSeconds() || offset(sec + 3600) != off.getTotalSeconds()) {
        // within an hour of a zone change, the local time may be ambiguous: keep the offset
        appendOffset(b, off.getTotalSeconds(), true);
      }
      return b.toString();
    }
    if (k < 62) {
      appendDateTime(b, LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC), 'T');
      if (k >= 59) {
        appendFraction(b, millis, false);
      }
      return b.append('Z').toString();
    }
    appendDateTime(b, LocalDateTime.ofEpochSecond(sec, 0, off), k < 70 ? 'T' : ' ');
    appendOffset(b, off.getTotalSeconds(), k < 74);
    return b.toString();
  }

  /** A day (local date of the business zone): mostly a bare {@code YYYY-MM-DD}, else its local midnight. */
  Object day(LocalDate d, SplittableRandom r) {
    if (r.nextInt(100) < 70) {
      return d.toString();
    }
    return timestamp(d.atStartOfDay(zone).toInstant().toEpochMilli(), r, true);
  }

  /** Money or hours held as cents, as a REAL-affinity column stores it: REAL, sometimes decimal-comma text. */
  Object realColumn(long cents, SplittableRandom r) {
    return r.nextInt(100) < 90 ? (Object) (cents / 100.0) : decimal(cents, ',', r);
  }

  /** Money held as cents, as an untyped column stores it: REAL, INTEGER, or text with a dot or a comma. */
  Object untypedColumn(long cents, SplittableRandom r) {
    int k = r.nextInt(100);
    if (k < 12 && cents % 100 == 0) {
      return cents / 100;
    }
    if (k < 70) {
      return cents / 100.0;
    }
    String s = decimal(cents, k < 88 ? '.' : ',', r);
    return k % 5 == 0 ? " " + s + " " : s;
  }

  static String decimal(long cents, char sep, SplittableRandom r) {
    String s = Long.toString(cents / 100) + sep + (char) ('0' + (cents % 100) / 10) + (char) ('0' + cents % 10);
    if (r.nextBoolean()) {
      while (s.endsWith("0")) {
        s = s.substring(0, s.length() - 1);
      }
      if (s.charAt(s.length() - 1) == sep) {
        s = s.substring(0, s.length() - 1);
      }
    }
    return s;
  }

  /** An enum value, now and then capitalised, upper-cased or padded with spaces. */
  static String enumValue(String v, SplittableRandom r) {
    int k = r.nextInt(100);
    if (k < 93) {
      return v;
    }
    if (k < 96) {
      return Character.toUpperCase(v.charAt(0)) + v.substring(1) + (k == 95 ? " " : "");
    }
    if (k < 98) {
      return v.toUpperCase(Locale.ROOT);
    }
    return k == 98 ? " " + v : v + "  ";
  }

  /** Free text (a city) now and then with surrounding spaces. */
  static String padded(String v, SplittableRandom r) {
    int k = r.nextInt(100);
    return k < 95 ? v : k < 98 ? v + " " : " " + v + " ";
  }

  private static void appendDateTime(StringBuilder b, LocalDateTime t, char sep) {
    b.append(t.getYear()).append('-');
    two(b, t.getMonthValue()).append('-');
    two(b, t.getDayOfMonth()).append(sep);
    two(b, t.getHour()).append(':');
    two(b, t.getMinute()).append(':');
    two(b, t.getSecond());
  }

  private static void appendFraction(StringBuilder b, int millis, boolean micros) {
    b.append('.').append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
        .append((char) ('0' + millis % 10));
    if (micros) {
      b.append("000");
    }
  }

  private static void appendOffset(StringBuilder b, int seconds, boolean colon) {
    b.append(seconds < 0 ? '-' : '+');
    int m = Math.abs(seconds) / 60;
    two(b, m / 60);
    if (colon) {
      b.append(':');
    }
    two(b, m % 60);
  }

  private static StringBuilder two(StringBuilder b, int v) {
    return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }
}
