package com.nurselink.warehouse.staging;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Timestamps stored as text by the operational apps, read into UTC instants. Pure, hand-written
 * parsing (no regular expression, no exception as control flow on the usual shapes): it runs on
 * every timestamp of every row.
 *
 * <p>Accepted representations, after trimming ({@link Text}):
 * <ul>
 *   <li>ISO-8601 {@code YYYY-MM-DD(T| )hh:mm[:ss[.f]]} (the separator may also be a lower-case
 *       {@code t}); the fraction has 1 to 9 digits after a point or a comma; an optional offset
 *       follows, possibly after one space: {@code Z}, {@code +hh:mm}, {@code +hhmm}, {@code +hh}
 *       (or {@code -}), at most 18 hours;</li>
 *   <li>a bare date {@code YYYY-MM-DD}: midnight local time;</li>
 *   <li>a Unix epoch number, optionally signed, with an optional fraction and exponent
 *       ({@code "1718000000"}, {@code "1718000000.0"}, {@code "1.718e9"}): seconds, or
 *       milliseconds when its absolute value is above 10^11. Any number is an epoch, so a text such
 *       as {@code "20250610"} is read as seconds after 1970 (a date without dashes is not a
 *       representation of the contract). Digits below the nanosecond are dropped (floor).</li>
 * </ul>
 *
 * <p>Without an offset, the date-time is local time in the given zone. In a daylight-saving gap
 * (a local time that does not exist) it is shifted forward by the length of the gap; in an
 * overlap (a local time that exists twice) the earlier offset is used, i.e. the first of the two
 * instants. Both are the rules of {@link java.time.ZonedDateTime#ofLocal} without a preferred
 * offset (Europe/Paris: 2025-03-30 02:30 is 01:30Z; 2025-10-26 02:30 is 00:30Z).
 *
 * <p>Range: the result is null unless it lies within Spark's TIMESTAMP range, from
 * 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, checked on the UTC instant. So
 * {@code "9999-12-31 23:59:59"} in Europe/Paris is read, while {@code "0001-01-01 00:00"} in
 * Europe/Paris (local mean time +00:09:21 then) falls before the range and is null, as is any
 * year 0000 or a year with more than four digits. Texts longer than {@value #MAX_LENGTH} characters
 * after trimming are null without being scanned.
 *
 * <p>Everything else (calendar-invalid dates such as 2025-02-29, hour 24, second 60, other
 * separators, NaN, garbage) is null.
 */
public final class Timestamps {
  private Timestamps() {}

  /** Longest trimmed text that is looked at. */
  public static final int MAX_LENGTH = 64;

  /** 0001-01-01T00:00:00Z. */
  public static final long MIN_EPOCH_SECOND = -62_135_596_800L;
  /** 9999-12-31T23:59:59Z. */
  public static final long MAX_EPOCH_SECOND = 253_402_300_799L;

  private static final long MILLIS_THRESHOLD = 100_000_000_000L;
  private static final BigDecimal BIG_MILLIS_THRESHOLD = BigDecimal.valueOf(MILLIS_THRESHOLD);
  private static final BigDecimal BIG_LIMIT = BigDecimal.valueOf(1_000_000_000_000_000L);

  /** The instant written in {@code text} (local times read in {@code zone}); null when absent or unreadable. */
  public static Instant parse(String text, ZoneId zone) {
    if (text == null) {
      return null;
    }
    int from = 0;
    int to = text.length();
    while (from < to && Text.isTrimmed(text.charAt(from))) {
      from++;
    }
    while (to > from && Text.isTrimmed(text.charAt(to - 1))) {
      to--;
    }
    if (from == to || to - from > MAX_LENGTH) {
      return null;
    }
    if (to - from >= 10 && text.charAt(from + 4) == '-' && digits(text, from, 4) >= 0) {
      return parseIso(text, from, to, zone);
    }
    return parseEpoch(text, from, to);
  }

  /** {@link #parse} as microseconds since the epoch (Spark's TIMESTAMP value); null when unreadable. */
  public static Long parseMicros(String text, ZoneId zone) {
    Instant i = parse(text, zone);
    return i == null ? null : toMicros(i);
  }

  /** Microseconds since the epoch of an instant of the supported range (sub-microsecond digits dropped). */
  public static long toMicros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  /** The value of {@code count} decimal digits at {@code at}, or -1 when they are not all digits. */
  private static int digits(String s, int at, int count) {
    int v = 0;
    for (int i = at; i < at + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static Instant parseIso(String s, int from, int to, ZoneId zone) {
    int year = digits(s, from, 4);
    int month = digits(s, from + 5, 2);
    if (month < 1 || month > 12 || s.charAt(from + 7) != '-') {
      return null;
    }
    int day = digits(s, from + 8, 2);
    if (year < 1 || day < 1 || day > Month.of(month).length(Year.isLeap(year))) {
      return null;
    }
    int i = from + 10;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int nano = 0;
    int offsetSeconds = Integer.MIN_VALUE;
    if (i < to) {
      char sep = s.charAt(i);
      if ((sep != 'T' && sep != 't' && sep != ' ') || i + 6 > to || s.charAt(i + 3) != ':') {
        return null;
      }
      hour = digits(s, i + 1, 2);
      minute = digits(s, i + 4, 2);
      if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
        return null;
      }
      i += 6;
      if (i < to && s.charAt(i) == ':') {
        if (i + 3 > to || (second = digits(s, i + 1, 2)) < 0 || second > 59) {
          return null;
        }
        i += 3;
        if (i < to && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
          int start = ++i;
          while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            nano = nano * 10 + (s.charAt(i) - '0');
            i++;
            if (i - start > 9) {
              return null;
            }
          }
          if (i == start) {
            return null;
          }
          for (int k = i - start; k < 9; k++) {
            nano *= 10;
          }
        }
      }
      if (i < to) {
        if (s.charAt(i) == ' ') {
          i++;
        }
        offsetSeconds = parseOffset(s, i, to);
        if (offsetSeconds == Integer.MIN_VALUE) {
          return null;
        }
      }
    }
    LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nano);
    if (offsetSeconds == Integer.MIN_VALUE) {
      offsetSeconds = zone instanceof ZoneOffset fixed
          ? fixed.getTotalSeconds()
          // in a gap or an overlap this is the offset before the transition: see the class comment
          : zone.getRules().getOffset(local).getTotalSeconds();
    }
    long localEpochSecond = local.toEpochSecond(ZoneOffset.UTC);
    return inRange(localEpochSecond - offsetSeconds, nano);
  }

  /** Seconds east of UTC of the offset {@code s[i, to)}, or Integer.MIN_VALUE when it is not one. */
  private static int parseOffset(String s, int i, int to) {
    int n = to - i;
    if (n == 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
      return 0;
    }
    char sign = n > 0 ? s.charAt(i) : '?';
    if (sign != '+' && sign != '-') {
      return Integer.MIN_VALUE;
    }
    int hours;
    int minutes = 0;
    if (n == 3) {
      hours = digits(s, i + 1, 2);
    } else if (n == 5) {
      hours = digits(s, i + 1, 2);
      minutes = digits(s, i + 3, 2);
    } else if (n == 6 && s.charAt(i + 3) == ':') {
      hours = digits(s, i + 1, 2);
      minutes = digits(s, i + 4, 2);
    } else {
      return Integer.MIN_VALUE;
    }
    if (hours < 0 || minutes < 0 || minutes > 59 || hours * 60 + minutes > 18 * 60) {
      return Integer.MIN_VALUE;
    }
    int total = hours * 3_600 + minutes * 60;
    return sign == '-' ? -total : total;
  }

  private static Instant parseEpoch(String s, int from, int to) {
    int i = from;
    char c = s.charAt(i);
    boolean negative = c == '-';
    if (c == '+' || c == '-') {
      i++;
    }
    long whole = 0;
    int significant = 0;
    int wholeDigits = 0;
    for (; i < to && (c = s.charAt(i)) >= '0' && c <= '9'; i++) {
      wholeDigits++;
      if (significant > 0 || c != '0') {
        if (++significant > 18) {
          return null; // beyond 10^18 units: far outside the range whatever the unit
        }
        whole = whole * 10 + (c - '0');
      }
    }
    boolean simple = true;
    int fractionDigits = 0;
    if (i < to && s.charAt(i) == '.') {
      for (i++; i < to && (c = s.charAt(i)) >= '0' && c <= '9'; i++) {
        fractionDigits++;
        simple &= c == '0';
      }
    }
    if (wholeDigits + fractionDigits == 0) {
      return null;
    }
    if (i < to) {
      // exponent: at most three digits, so that the exact decimal arithmetic below stays small
      if ((s.charAt(i) != 'e' && s.charAt(i) != 'E') || ++i == to) {
        return null;
      }
      if ((s.charAt(i) == '+' || s.charAt(i) == '-') && ++i == to) {
        return null;
      }
      if (to - i > 3 || digits(s, i, to - i) < 0) {
        return null;
      }
      simple = false;
    }
    if (simple) {
      long v = negative ? -whole : whole;
      if (Math.abs(v) > MILLIS_THRESHOLD) {
        return inRange(Math.floorDiv(v, 1_000L), (int) Math.floorMod(v, 1_000L) * 1_000_000);
      }
      return inRange(v, 0);
    }
    BigDecimal units = new BigDecimal(s.substring(from, to));
    BigDecimal magnitude = units.abs();
    if (magnitude.compareTo(BIG_LIMIT) > 0) {
      return null;
    }
    BigDecimal seconds = magnitude.compareTo(BIG_MILLIS_THRESHOLD) > 0 ? units.movePointLeft(3) : units;
    BigDecimal wholeSeconds = seconds.setScale(0, RoundingMode.FLOOR);
    int nano = seconds.subtract(wholeSeconds).movePointRight(9).setScale(0, RoundingMode.FLOOR).intValue();
    return inRange(wholeSeconds.longValue(), nano);
  }

  private static Instant inRange(long epochSecond, int nano) {
    if (epochSecond < MIN_EPOCH_SECOND || epochSecond > MAX_EPOCH_SECOND) {
      return null;
    }
    return Instant.ofEpochSecond(epochSecond, nano);
  }
}
