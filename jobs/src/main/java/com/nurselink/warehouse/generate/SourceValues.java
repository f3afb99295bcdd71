package com.nurselink.warehouse.generate;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the values of the operational sources as SPEC accepts them: timestamps in every
 * representation, numbers stored as text (also with a decimal comma), enums in any case with
 * surrounding spaces.
 */
public final class SourceValues {
  private static final Pattern ISO = Pattern.compile(
      "(\\d{4})-(\\d{2})-(\\d{2})(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+-]\\d{2}:?\\d{2})?)?");
  private static final Pattern EPOCH = Pattern.compile("\\d{1,15}");
  private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d*)?|[.,]\\d+");
  /** Epoch numbers above this are milliseconds, below seconds. */
  public static final long EPOCH_MILLIS_THRESHOLD = 100_000_000_000L;

  private SourceValues() {}

  /** Trimmed text, or null when null or blank. */
  public static String text(Object v) {
    if (v == null) {
      return null;
    }
    String s = v.toString().strip();
    return s.isEmpty() ? null : s;
  }

  /** An enum value as compared: trimmed and lower-cased (null when null or blank). */
  public static String enumValue(Object v) {
    String s = text(v);
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  /**
   * The instant of a timestamp, or null when the value is null or blank.
   *
   * @throws DateTimeException when the value is present but in no accepted representation
   */
  public static Instant instant(Object v, ZoneId zone) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0) {
        throw new DateTimeException("not an epoch number: " + v);
      }
      return epoch(n.longValue());
    }
    String s = text(v);
    if (s == null) {
      return null;
    }
    if (EPOCH.matcher(s).matches()) {
      return epoch(Long.parseLong(s));
    }
    Matcher m = ISO.matcher(s);
    if (!m.matches()) {
      throw new DateTimeException("unreadable timestamp: " + s);
    }
    LocalDate d = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    if (m.group(4) == null) {
      return d.atStartOfDay(zone).toInstant();
    }
    int nanos = 0;
    if (m.group(7) != null) {
      nanos = Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
    }
    LocalDateTime ldt = d.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
        m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
    String off = m.group(8);
    if (off == null) {
      return ZonedDateTime.ofLocal(ldt, zone, null).toInstant();
    }
    return ldt.toInstant(ZoneOffset.of(off.length() == 5 ? off.substring(0, 3) + ":" + off.substring(3) : off));
  }

  private static Instant epoch(long n) {
    return n > EPOCH_MILLIS_THRESHOLD ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
  }

  /** The local date, in the business zone, of a timestamp (a bare date is that date). */
  public static LocalDate localDate(Object v, ZoneId zone) {
    Instant i = instant(v, zone);
    return i == null ? null : LocalDate.ofInstant(i, zone);
  }

  /**
   * A number stored as a number or as text ({@code "42.5"}, {@code " 42,5 "}); null when null or
   * blank.
   *
   * @throws NumberFormatException when present but not a number, or negative
   */
  public static BigDecimal nonNegative(Object v) {
    if (v == null) {
      return null;
    }
    BigDecimal d;
    if (v instanceof Long || v instanceof Integer) {
      d = BigDecimal.valueOf(((Number) v).longValue());
    } else if (v instanceof Number n) {
      if (Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
        throw new NumberFormatException("not a number: " + v);
      }
      d = BigDecimal.valueOf(n.doubleValue());
    } else {
      String s = text(v);
      if (s == null) {
        return null;
      }
      if (!NUMBER.matcher(s).matches()) {
        throw new NumberFormatException("not a number: " + s);
      }
      d = new BigDecimal(s.replace(',', '.'));
    }
    if (d.signum() < 0) {
      throw new NumberFormatException("negative: " + v);
    }
    return d;
  }
}
