package com.nurselink.warehouse.migrate;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;

/**
 * Pure readers of SQLite values (as sqlite-jdbc returns them: Integer/Long, Double, String, byte[]).
 * Every reader returns null when the value does not fit; none of them throws.
 */
public final class Values {
  /** Epoch numbers at or above this are milliseconds (the SPEC's rule). */
  static final double EPOCH_MILLIS_FROM = 1e11;
  /** Epoch numbers below this (1973-03-03) are not taken for timestamps: they are more likely counts. */
  static final double EPOCH_PLAUSIBLE_FROM = 1e8;
  static final double EPOCH_PLAUSIBLE_TO = 1e14;

  private static final Set<String> TRUE_WORDS = Set.of("1", "true", "t", "yes", "y", "on");
  private static final Set<String> FALSE_WORDS = Set.of("0", "false", "f", "no", "n", "off");
  private static final Set<String> STRICT_TRUE = Set.of("1", "true");
  private static final Set<String> STRICT_FALSE = Set.of("0", "false");
  private static final double[] POW10 = new double[16];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private Values() {}

  /** SQLite's storage class of a value as sqlite-jdbc returns it. */
  public static String storageClass(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Integer || v instanceof Long) {
      return "integer";
    }
    if (v instanceof Double || v instanceof Float) {
      return "real";
    }
    if (v instanceof byte[]) {
      return "blob";
    }
    return "text";
  }

  public static Long asLong(Object v, boolean acceptText) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d) {
      return d == Math.rint(d) && Math.abs(d) < 9.2e18 && !(d == 0 && 1 / d < 0) ? (long) (double) d : null;
    }
    if (acceptText && v instanceof String s) {
      String t = s.trim();
      if (t.isEmpty() || t.length() > 20) {
        return null;
      }
      int i = t.charAt(0) == '-' || t.charAt(0) == '+' ? 1 : 0;
      if (i == t.length()) {
        return null;
      }
      for (int k = i; k < t.length(); k++) {
        if (t.charAt(k) < '0' || t.charAt(k) > '9') {
          return null;
        }
      }
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** An exact decimal: integers as they are, reals by their shortest representation, numeric text. */
  public static BigDecimal asDecimal(Object v, boolean acceptText) {
    if (v instanceof Integer i) {
      return BigDecimal.valueOf(i);
    }
    if (v instanceof Long l) {
      return BigDecimal.valueOf(l);
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    if (acceptText && v instanceof String s) {
      return parseDecimalText(s);
    }
    return null;
  }

  /**
   * A number written as text: optional sign, a decimal point or a decimal comma ({@code 42,5}), optional
   * thousands separators when both marks appear ({@code 1.234,50}, {@code 1,234.50}), optional exponent.
   */
  public static BigDecimal parseDecimalText(String s) {
    String t = s.trim();
    if (t.isEmpty() || t.length() > 400) {
      return null;
    }
    for (int k = 0; k < t.length(); k++) {
      char ch = t.charAt(k);
      if (!(ch >= '0' && ch <= '9') && ch != '.' && ch != ',' && ch != '-' && ch != '+' && ch != 'e' && ch != 'E') {
        return null;
      }
    }
    int dot = t.lastIndexOf('.');
    int comma = t.lastIndexOf(',');
    if (dot >= 0 && comma >= 0) {
      char group = dot > comma ? ',' : '.';
      char decimal = dot > comma ? '.' : ',';
      int dec = t.lastIndexOf(decimal);
      if (t.indexOf(decimal) != dec || !groupsOfThree(t.substring(0, dec), group)) {
        return null;
      }
      t = t.substring(0, dec).replace(String.valueOf(group), "") + "." + t.substring(dec + 1);
    } else if (comma >= 0) {
      if (t.indexOf(',') == comma) {
        t = t.replace(',', '.');
      } else if (groupsOfThree(t, ',')) {
        t = t.replace(",", "");
      } else {
        return null;
      }
    }
    try {
      return new BigDecimal(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean groupsOfThree(String intPart, char group) {
    String digits = intPart.startsWith("-") || intPart.startsWith("+") ? intPart.substring(1) : intPart;
    String[] parts = digits.split(java.util.regex.Pattern.quote(String.valueOf(group)), -1);
    if (parts.length < 2 || parts[0].isEmpty() || parts[0].length() > 3) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].length() != 3) {
        return false;
      }
    }
    return true;
  }

  /**
   * The number of decimals a binary float really carries: the smallest scale whose rounding lands within
   * a few ulps of it (1.97999999999999998 -> 2, 0.30000000000000004 -> 1), else its shortest form's scale.
   */
  public static int doubleScale(double d) {
    if (d == Math.rint(d)) {
      return 0;
    }
    double tol = 4 * Math.ulp(d);
    for (int s = 1; s < POW10.length; s++) {
      double m = d * POW10[s];
      if (Math.abs(m) > 9e15) {
        break;
      }
      if (Math.abs(m - Math.rint(m)) <= tol * POW10[s] + Math.ulp(m)) {
        return s;
      }
    }
    return Math.max(0, BigDecimal.valueOf(d).scale());
  }

  /** A real number for double precision; integers only when exactly representable. */
  public static Double asDouble(Object v, boolean acceptText) {
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof Integer i) {
      return (double) i;
    }
    if (v instanceof Long l) {
      return Math.abs(l) <= (1L << 53) ? (double) l : null;
    }
    if (acceptText && v instanceof String s) {
      BigDecimal bd = parseDecimalText(s);
      if (bd == null) {
        return null;
      }
      double d = bd.doubleValue();
      return Double.isFinite(d) ? d : null;
    }
    return null;
  }

  /** A flag: 0/1 numbers, or words; {@code strict} accepts only the text '0', '1', 'true', 'false'. */
  public static Boolean asBoolean(Object v, boolean strict) {
    if (strict) {
      if (!(v instanceof String s)) {
        return null;
      }
      String t = s.toLowerCase(Locale.ROOT);
      return STRICT_TRUE.contains(t) ? Boolean.TRUE : STRICT_FALSE.contains(t) ? Boolean.FALSE : null;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Double) {
      double d = ((Number) v).doubleValue();
      return d == 1 ? Boolean.TRUE : d == 0 ? Boolean.FALSE : null;
    }
    if (v instanceof String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      return TRUE_WORDS.contains(t) ? Boolean.TRUE : FALSE_WORDS.contains(t) ? Boolean.FALSE : null;
    }
    return null;
  }

  /** A bare {@code YYYY-MM-DD}. */
  public static LocalDate asDate(Object v) {
    if (!(v instanceof String s)) {
      return null;
    }
    byte[] b = latin1(s);
    int from = trimFrom(b);
    int to = trimTo(b, from);
    long day = date(b, from, to);
    return day == NO_DAY ? null : LocalDate.ofEpochDay(day);
  }

  /** No such day: the text is not a valid date. */
  private static final long NO_DAY = Long.MIN_VALUE;

  /** The epoch day of exactly {@code YYYY-MM-DD} in {@code b[from, to)}, or {@link #NO_DAY}. */
  private static long date(byte[] b, int from, int to) {
    if (to - from != 10 || b[from + 4] != '-' || b[from + 7] != '-') {
      return NO_DAY;
    }
    return epochDay(digits(b, from, 4, to), digits(b, from + 5, 2, to), digits(b, from + 8, 2, to));
  }

  /**
   * The day number of a proleptic Gregorian date ({@link LocalDate#toEpochDay}), or {@link #NO_DAY} when the
   * month or the day does not exist (a negative field is a parse failure).
   */
  static long epochDay(int y, int m, int d) {
    if (y < 0 || m < 1 || m > 12 || d < 1) {
      return NO_DAY;
    }
    boolean leap = (y & 3) == 0 && (y % 100 != 0 || y % 400 == 0);
    int monthLength = m == 2 ? (leap ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
    if (d > monthLength) {
      return NO_DAY;
    }
    long total = 365L * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400 + (367 * m - 362) / 12 + d - 1;
    if (m > 2) {
      total -= leap ? 1 : 2;
    }
    return total - DAYS_0000_TO_1970;
  }

  /** Days from 0000-01-01 to 1970-01-01. */
  private static final long DAYS_0000_TO_1970 = 719_528L;

  /**
   * A point in time: ISO-8601 text with {@code T} or a space, optional seconds and fraction, optional
   * offset ({@code Z}, {@code UTC}, {@code +hh}, {@code +hh:mm}, {@code +hhmm}); a bare date is midnight
   * local time. Without an offset the time is local in {@code zone}. With {@code allowEpoch}, numbers (or
   * digit-only text) are Unix epoch seconds, or milliseconds from 10^11. Digits are ASCII digits.
   */
  public static Instant asInstant(Object v, ZoneId zone, boolean allowEpoch) {
    if (v instanceof String s) {
      byte[] b = latin1(s);
      int from = trimFrom(b);
      int to = trimTo(b, from);
      if (allowEpoch && isEpochText(b, from, to)) {
        if (to - from <= 15 && digitsOnly(b, from, to)) {
          return epoch((double) digitsValue(b, from, to));   // exact: below 2^53, as the decimal reading gives
        }
        BigDecimal bd = parseDecimalText(s.trim());
        return bd == null ? null : epoch(bd.doubleValue());
      }
      return parseIso(b, from, to, zone);
    }
    if (allowEpoch && (v instanceof Integer || v instanceof Long || v instanceof Double)) {
      if (v instanceof Long l && Math.abs(l) >= EPOCH_MILLIS_FROM) {
        return l < EPOCH_PLAUSIBLE_TO ? Instant.ofEpochMilli(l) : null;
      }
      return epoch(((Number) v).doubleValue());
    }
    return null;
  }

  /**
   * {@link #asInstant} of a text value given as its UTF-8 bytes, without decoding it: the same result for
   * ASCII text, null when the text is not ASCII or does not fit (the caller then reads it as a string).
   */
  public static Instant instantFromText(byte[] b, ZoneId zone, boolean allowEpoch) {
    if (!ascii(b)) {
      return null;
    }
    int from = trimFrom(b);
    int to = trimTo(b, from);
    int n = to - from;
    if (allowEpoch && n > 0 && n <= 15 && digitsOnly(b, from, to)) {
      return epoch((double) digitsValue(b, from, to));
    }
    if (allowEpoch && isEpochText(b, from, to)) {
      return null;
    }
    return parseIso(b, from, to, zone);
  }

  /** {@link #asDate} of a text value given as its UTF-8 bytes; null as for {@link #instantFromText}. */
  public static LocalDate dateFromText(byte[] b) {
    if (!ascii(b)) {
      return null;
    }
    int from = trimFrom(b);
    long day = date(b, from, trimTo(b, from));
    return day == NO_DAY ? null : LocalDate.ofEpochDay(day);
  }

  /*
   * The date and time readers work on bytes, one character a byte: the UTF-8 bytes of the source's text
   * (ASCII only), or a string's ISO-8859-1 bytes (a character beyond it becomes '?', which no reader takes).
   * One representation keeps the readers monomorphic: the JIT compiles them once, not once per caller.
   */

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static boolean ascii(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  /** The first index after the leading characters {@link String#trim} removes. */
  private static int trimFrom(byte[] b) {
    int from = 0;
    while (from < b.length && b[from] >= 0 && b[from] <= ' ') {
      from++;
    }
    return from;
  }

  /** The end before the trailing characters {@link String#trim} removes. */
  private static int trimTo(byte[] b, int from) {
    int to = b.length;
    while (to > from && b[to - 1] >= 0 && b[to - 1] <= ' ') {
      to--;
    }
    return to;
  }

  /** The number written by ASCII digits only, at most 18 of them. */
  private static long digitsValue(byte[] b, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (b[i] - '0');
    }
    return v;
  }

  private static boolean digitsOnly(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isEpochText(byte[] b, int from, int to) {
    if (to == from || to - from > 20) {
      return false;
    }
    for (int k = from; k < to; k++) {
      byte ch = b[k];
      if ((ch < '0' || ch > '9') && ch != '.') {
        return false;
      }
    }
    return true;
  }

  private static Instant epoch(double e) {
    if (!(e >= EPOCH_PLAUSIBLE_FROM && e < EPOCH_PLAUSIBLE_TO)) {
      return null;
    }
    if (e >= EPOCH_MILLIS_FROM) {
      long ms = (long) Math.floor(e);
      long micros = Math.round((e - ms) * 1000);
      return Instant.ofEpochMilli(ms).plusNanos(micros * 1000);
    }
    long sec = (long) Math.floor(e);
    long micros = Math.round((e - sec) * 1_000_000);
    return Instant.ofEpochSecond(sec, micros * 1000);
  }

  /** An offset no text can give: the text has none. */
  private static final int NO_OFFSET = Integer.MIN_VALUE;
  /** The text after the time is not an offset. */
  private static final int BAD_OFFSET = Integer.MAX_VALUE;

  private static Instant parseIso(byte[] t, int from, int to, ZoneId zone) {
    if (to - from < 10 || t[from + 4] != '-' || t[from + 7] != '-') {
      return null;
    }
    int y = digits(t, from, 4, to);
    int mo = digits(t, from + 5, 2, to);
    int d = digits(t, from + 8, 2, to);
    int h = 0;
    int mi = 0;
    int sec = 0;
    int nanos = 0;
    int i = from + 10;
    int offset = NO_OFFSET;
    if (i < to) {
      byte sep = t[i];
      if ((sep != 'T' && sep != ' ' && sep != 't') || to < i + 6 || t[i + 3] != ':') {
        return null;
      }
      h = digits(t, i + 1, 2, to);
      mi = digits(t, i + 4, 2, to);
      i += 6;
      if (i < to && t[i] == ':') {
        sec = digits(t, i + 1, 2, to);
        i += 3;
        if (i < to && (t[i] == '.' || t[i] == ',')) {
          int start = ++i;
          int scale = 100_000_000;
          while (i < to && t[i] >= '0' && t[i] <= '9') {
            nanos += (t[i] - '0') * scale;      // the digits after the ninth are read and left out
            scale /= 10;
            i++;
          }
          if (i == start) {
            return null;
          }
        }
      }
      if (h < 0 || mi < 0 || sec < 0) {
        return null;
      }
      if (i < to && t[i] == ' ') {
        i++;
      }
      if (i < to) {
        offset = offsetSeconds(t, i, to);
        if (offset == BAD_OFFSET) {
          return null;
        }
      }
    }
    if (h > 23 || mi > 59 || sec > 59) {
      return null;
    }
    long day = epochDay(y, mo, d);
    if (day == NO_DAY) {
      return null;
    }
    long local = day * 86_400 + h * 3600L + mi * 60L + sec;
    if (offset != NO_OFFSET) {
      return Instant.ofEpochSecond(local - offset, nanos);
    }
    return Instant.ofEpochSecond(LOCAL_ZONE.get().toUtc(local, zone), nanos);
  }

  private static final ThreadLocal<LocalZoneCache> LOCAL_ZONE = ThreadLocal.withInitial(LocalZoneCache::new);

  /**
   * Local time to UTC in a zone, remembering the last stretch between two transitions where the offset is
   * fixed and every local time is valid (values cluster in time, so most lookups hit). Gaps and overlaps
   * take the java.time rule: a time in a gap moves forward by the gap, an ambiguous time takes the earlier
   * offset.
   */
  static final class LocalZoneCache {
    private ZoneId zone;
    private long from = 1;
    private long to = 0;
    private int offset;

    long toUtc(long localSeconds, ZoneId z) {
      if (z == zone && localSeconds >= from && localSeconds < to) {
        return localSeconds - offset;
      }
      LocalDateTime ldt = LocalDateTime.ofEpochSecond(localSeconds, 0, ZoneOffset.UTC);
      java.time.ZonedDateTime zdt = ldt.atZone(z);
      long utc = zdt.toEpochSecond();
      java.time.zone.ZoneRules rules = z.getRules();
      java.time.zone.ZoneOffsetTransition prev = rules.previousTransition(zdt.toInstant().plusSeconds(1));
      java.time.zone.ZoneOffsetTransition next = rules.nextTransition(zdt.toInstant());
      zone = z;
      offset = zdt.getOffset().getTotalSeconds();
      from = prev == null ? Long.MIN_VALUE / 2
          : Math.max(prev.getDateTimeBefore().toEpochSecond(ZoneOffset.UTC), prev.getDateTimeAfter().toEpochSecond(ZoneOffset.UTC));
      to = next == null ? Long.MAX_VALUE / 2
          : Math.min(next.getDateTimeBefore().toEpochSecond(ZoneOffset.UTC), next.getDateTimeAfter().toEpochSecond(ZoneOffset.UTC));
      if (localSeconds < from || localSeconds >= to) {
        from = 1;
        to = 0;
      }
      return utc;
    }
  }

  /**
   * The decimal a double stands for, at a scale at least its {@link #doubleScale}: fast when the scaled
   * value is a small integer, else through its shortest representation.
   */
  public static BigDecimal decimal(double d, int scale) {
    long r = unscaled(d, scale);
    if (r != Long.MIN_VALUE) {
      return BigDecimal.valueOf(r, scale);
    }
    return BigDecimal.valueOf(d).setScale(scale, java.math.RoundingMode.HALF_UP);
  }

  /**
   * The unscaled digits of {@link #decimal}{@code (d, scale)} when the scaled value is a small integer within
   * a few ulps of {@code d}, else {@link Long#MIN_VALUE} (then only {@link #decimal} gives the value).
   */
  static long unscaled(double d, int scale) {
    if (scale >= 0 && scale < POW10.length) {
      double m = d * POW10[scale];
      if (Math.abs(m) < 9e15) {
        long r = Math.round(m);
        if (Math.abs(m - r) <= 4 * Math.ulp(d) * POW10[scale] + Math.ulp(m)) {
          return r;
        }
      }
    }
    return Long.MIN_VALUE;
  }

  /** Decimal digits of an integer (1 for 0). */
  static int intDigits(long v) {
    int n = 1;
    for (long a = Math.abs(v / 10); a > 0; a /= 10) {
      n++;
    }
    return n;
  }

  /** Digits before the decimal point of a double rounded to {@code scale} decimals (0 for |d| < 1). */
  static int intDigits(double d, int scale) {
    double a = Math.abs(d);
    if (scale < POW10.length && a * POW10[scale] < 9e15) {
      a = Math.rint(a * POW10[scale]) / POW10[scale];
    }
    a = Math.floor(a);
    int n = 0;
    while (a >= 1 && n < 400) {
      a = Math.floor(a / 10);
      n++;
    }
    return n;
  }

  /**
   * The offset in seconds of {@code Z}, {@code UTC} (any case), {@code +hh}, {@code +hhmm} or {@code +hh:mm}
   * ({@link ZoneOffset#ofHoursMinutes}' range) in {@code t[from, to)}, or {@link #BAD_OFFSET}.
   */
  private static int offsetSeconds(byte[] t, int from, int to) {
    int n = to - from;
    if (n == 1 && (t[from] == 'Z' || t[from] == 'z')) {
      return 0;
    }
    if (n == 3 && (t[from] | 0x20) == 'u' && (t[from + 1] | 0x20) == 't' && (t[from + 2] | 0x20) == 'c') {
      return 0;
    }
    if (n < 3 || (t[from] != '+' && t[from] != '-')) {
      return BAD_OFFSET;
    }
    int sign = t[from] == '-' ? -1 : 1;
    int hh = digits(t, from + 1, 2, to);
    int mm;
    if (n == 6 && t[from + 3] == ':') {
      mm = digits(t, from + 4, 2, to);
    } else if (n == 5) {
      mm = digits(t, from + 3, 2, to);
    } else if (n == 3) {
      mm = 0;
    } else {
      return BAD_OFFSET;
    }
    if (hh < 0 || mm < 0 || hh > 18 || mm > 59 || (hh == 18 && mm > 0)) {
      return BAD_OFFSET;
    }
    return sign * (hh * 3600 + mm * 60);
  }

  /** The value of {@code len} ASCII digits at {@code from}, or -1 (not digits, or past {@code to}). */
  private static int digits(byte[] s, int from, int len, int to) {
    if (from + len > to) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < from + len; i++) {
      byte ch = s[i];
      if (ch < '0' || ch > '9') {
        return -1;
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  /** Text PostgreSQL can hold (no NUL character); blobs only when they are valid UTF-8. */
  public static String asText(Object v) {
    if (v instanceof String s) {
      return s.indexOf('\0') >= 0 ? null : s;
    }
    if (v instanceof Integer || v instanceof Long) {
      return v.toString();
    }
    if (v instanceof Double d) {
      return realText(d);
    }
    if (v instanceof byte[] b) {
      try {
        String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        return s.indexOf('\0') >= 0 ? null : s;
      } catch (CharacterCodingException e) {
        return null;
      }
    }
    return null;
  }

  /** Bytes for bytea: blobs as they are, text as its UTF-8 bytes. */
  public static byte[] asBytes(Object v) {
    if (v instanceof byte[] b) {
      return b;
    }
    if (v instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    return null;
  }

  /** A real as text: its shortest exact form, without exponent for ordinary magnitudes. */
  public static String realText(double d) {
    if (!Double.isFinite(d)) {
      return Double.toString(d);
    }
    BigDecimal bd = BigDecimal.valueOf(d);
    return Math.abs(d) < 1e21 && Math.abs(d) >= 1e-6 || d == 0 ? bd.toPlainString() : bd.toString();
  }

  /** A value for messages and the rejects table: text as is, blobs in hex. */
  public static String display(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof byte[] b) {
      return "\\x" + java.util.HexFormat.of().formatHex(b);
    }
    if (v instanceof Double d) {
      return realText(d);
    }
    return v.toString().replace('\0', '\uFFFD');
  }
}
