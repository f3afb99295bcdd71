package com.nurselink.warehouse.migrate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Order-independent, exact aggregates of a column, computed in Java over the values sent to PostgreSQL and
 * in SQL over the values PostgreSQL stored ({@link #sql}), in the same order:
 * <ul>
 *   <li>every kind: the count of non-null values;</li>
 *   <li>integer, numeric: the exact sum; date: the sum of day numbers; timestamptz: the exact sum of epoch
 *   seconds (microsecond precision); boolean: the count of true;</li>
 *   <li>double: the sum of the IEEE bit patterns (bit-for-bit equality);</li>
 *   <li>text: the sum of lengths in characters and the sum of PostgreSQL's {@code hashtextextended} of each
 *   value ({@link PgTextHash}), or, when the server's hash differs from this one, of the first 32 bits of each
 *   value's MD5;</li>
 *   <li>bytea: the sum of lengths in bytes and the sum of the first 32 bits of each value's MD5.</li>
 * </ul>
 */
public final class ColumnDigest {
  private final Kind kind;
  private final int scale;
  private long count;
  private final ExactSum a = new ExactSum();
  private final ExactSum b = new ExactSum();
  private BigDecimal decimal = BigDecimal.ZERO;
  private final boolean pgHash;
  private final MessageDigest md5;
  private final byte[] md5Out = new byte[16];

  /**
   * @param scale for numeric columns of a fixed scale, the scale of {@link #addScaled} values
   * @param pgHash text hashed as PostgreSQL's {@code hashtextextended} ({@link PgTextHash}) instead of MD5
   */
  public ColumnDigest(Kind kind, int scale, boolean pgHash) {
    this.kind = kind;
    this.scale = scale;
    this.pgHash = pgHash && kind == Kind.TEXT;
    try {
      this.md5 = (kind == Kind.TEXT && !this.pgHash) || kind == Kind.BYTEA ? MessageDigest.getInstance("MD5") : null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds one typed, non-null value (as {@link ColumnPlan#convert} returns it). */
  public void add(Object v) {
    switch (kind) {
      case INTEGER -> addLong((Long) v);
      case NUMERIC -> addDecimal((BigDecimal) v);
      case DOUBLE -> addLong(Double.doubleToLongBits((Double) v));
      case BOOLEAN -> addLong((Boolean) v ? 1 : 0);
      case TIMESTAMPTZ -> addLong(micros((Instant) v));
      case DATE -> addLong(((LocalDate) v).toEpochDay());
      case TEXT -> addBytes(((String) v).getBytes(StandardCharsets.UTF_8));
      case BYTEA -> addBytes((byte[]) v);
    }
  }

  /**
   * A value as the long the aggregate sums: the integer, the IEEE bits of a double, 1/0 for a flag, epoch
   * microseconds of a timestamp, the epoch day of a date.
   */
  public void addLong(long v) {
    count++;
    a.add(v);
  }

  /** A numeric value. */
  public void addDecimal(BigDecimal v) {
    count++;
    decimal = decimal.add(v);
  }

  /** A numeric value given as its unscaled digits at the column's fixed scale. */
  public void addScaled(long unscaled) {
    count++;
    a.add(unscaled);
  }

  /** Text as UTF-8 (its length counted in characters) or bytes. */
  public void addBytes(byte[] bytes) {
    count++;
    long len = bytes.length;
    if (kind == Kind.TEXT) {
      for (byte x : bytes) {
        if ((x & 0xC0) == 0x80) {
          len--;
        }
      }
    }
    a.add(len);
    if (pgHash) {
      b.add(PgTextHash.hash(bytes));
      return;
    }
    md5.update(bytes);
    try {
      md5.digest(md5Out, 0, 16);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
    byte[] d = md5Out;
    b.add(((d[0] & 0xFFL) << 24) | ((d[1] & 0xFFL) << 16) | ((d[2] & 0xFFL) << 8) | (d[3] & 0xFFL));
  }

  static long micros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  /** The aggregates, as exact decimals. */
  public List<BigDecimal> values() {
    List<BigDecimal> out = new ArrayList<>();
    out.add(BigDecimal.valueOf(count));
    switch (kind) {
      case NUMERIC -> out.add(scale >= 0 ? decimal.add(new BigDecimal(a.value(), scale)) : decimal.add(new BigDecimal(a.value())));
      case TIMESTAMPTZ -> out.add(new BigDecimal(a.value(), 6));
      case TEXT, BYTEA -> {
        out.add(new BigDecimal(a.value()));
        out.add(new BigDecimal(b.value()));
      }
      default -> out.add(new BigDecimal(a.value()));
    }
    return out;
  }

  /** The same aggregates in PostgreSQL over a quoted column ({@code pgHash} as for the constructor). */
  public static List<String> sql(Kind kind, String col, boolean pgHash) {
    List<String> out = new ArrayList<>();
    out.add("count(" + col + ")");
    switch (kind) {
      case INTEGER, NUMERIC -> out.add("sum(" + col + ")");
      case DOUBLE -> out.add("sum(('x' || encode(float8send(" + col + "), 'hex'))::bit(64)::bigint)");
      case BOOLEAN -> out.add("count(*) FILTER (WHERE " + col + ")");
      case TIMESTAMPTZ -> out.add("sum(extract(epoch FROM " + col + "))");
      case DATE -> out.add("sum(" + col + " - date '1970-01-01')");
      case TEXT -> {
        out.add("sum(char_length(" + col + "))");
        out.add(pgHash ? "sum(" + PgTextHash.sql(col) + ")" : "sum(('x' || left(md5(" + col + "), 8))::bit(32)::bigint)");
      }
      case BYTEA -> {
        out.add("sum(length(" + col + "))");
        out.add("sum(('x' || left(md5(" + col + "), 8))::bit(32)::bigint)");
      }
    }
    return out;
  }

  /** A sum of longs that never overflows. */
  static final class ExactSum {
    /** The sum modulo 2^64, as a signed long. */
    private long small;
    /** How many times 2^64 the sum wrapped by: +1 for each overflow, -1 for each underflow. */
    private long carry;

    void add(long v) {
      long r = small + v;
      if (((small ^ r) & (v ^ r)) < 0) {
        carry += v < 0 ? -1 : 1;
      }
      small = r;
    }

    BigInteger value() {
      return BigInteger.valueOf(carry).shiftLeft(64).add(BigInteger.valueOf(small));
    }
  }
}
