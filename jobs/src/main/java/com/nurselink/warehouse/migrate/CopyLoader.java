package com.nurselink.warehouse.migrate;

import com.nurselink.warehouse.source.SqliteFile;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams one table from SQLite into PostgreSQL through COPY in binary format: each row is read once,
 * converted, encoded into one reusable buffer and sent as the buffer fills, so memory does not grow with the
 * table and PostgreSQL parses no text for numbers, timestamps and dates. Text that is plain UTF-8 goes
 * through as the bytes SQLite holds. The verification aggregates ({@link ColumnDigest}) are computed on the
 * same values while they are sent. Values that do not fit their column are sent as NULL and kept as
 * {@link Reject}s.
 */
public final class CopyLoader {
  /** Bytes buffered before they are sent. */
  static final int BUFFER_BYTES = 1 << 17;
  /** A progress line at most this often for a long table. */
  static final long PROGRESS_NANOS = 5_000_000_000L;
  /** More rejects than this in one table means the source changed under us: stop. */
  static final int MAX_REJECTS_PER_TABLE = 200_000;
  /** 2000-01-01, PostgreSQL's epoch, in Unix days and microseconds. */
  static final long PG_EPOCH_DAYS = 10_957;
  static final long PG_EPOCH_MICROS = PG_EPOCH_DAYS * 86_400_000_000L;
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

  /** A value that did not fit its column; its row was loaded with NULL there. */
  public record Reject(String table, long rowid, String column, String value, String reason) {}

  /** What one table's load did. */
  public record Loaded(String table, long rowsRead, long rowsCopied, List<ColumnDigest> digests,
      List<Reject> rejects, long nanos) {}

  /** How a column is read from SQLite. */
  private enum Read {
    /** Text only: the UTF-8 bytes as SQLite holds them. */
    TEXT_BYTES,
    /** Dates or timestamps held as text only: parsed from the UTF-8 bytes. */
    TEXT_TIME,
    /** Integers only, no NULL: one typed getter. */
    LONG,
    /** Anything else: the value as its storage class, then converted. */
    OBJECT
  }

  private CopyLoader() {}

  /** Loads {@code t}, reading its rows from {@code file} when given (else through {@code sqlite}). */
  public static Loaded load(Connection sqlite, SqliteFile file, Connection pg, TablePlan t, DdlWriter ddl,
      ZoneId zone, Profiler.TableProfile profile, boolean pgHash, Consumer<String> progress) throws SQLException {
    long start = System.nanoTime();
    List<ColumnPlan> cols = t.columns();
    int n = cols.size();
    ColumnPlan[] plans = cols.toArray(new ColumnPlan[0]);
    ColumnDigest[] digests = new ColumnDigest[n];
    Read[] reads = new Read[n];
    boolean[] int4 = new boolean[n];
    for (int i = 0; i < n; i++) {
      ColumnPlan c = plans[i];
      digests[i] = new ColumnDigest(c.kind(), c.kind() == Kind.NUMERIC ? c.scale() : -1, pgHash);
      ColumnProfile p = profile == null ? null : profile.columns().get(c.name());
      reads[i] = p == null ? Read.OBJECT
          : c.kind() == Kind.TEXT && p.texts() == p.nonNull() ? Read.TEXT_BYTES
          : c.kind() == Kind.INTEGER && p.integers() == p.nonNull() && p.nulls() == 0 ? Read.LONG
          : (c.kind() == Kind.TIMESTAMPTZ || c.kind() == Kind.DATE) && p.texts() == p.nonNull() ? Read.TEXT_TIME
          : Read.OBJECT;
      int4[i] = c.pgType().equals("integer");
    }
    List<Reject> rejects = new ArrayList<>();
    CopyIn in = pg.unwrap(PGConnection.class).getCopyAPI().copyIn(ddl.copy(t));
    long rows = 0;
    long copied;
    try {
      Buf out = new Buf(BUFFER_BYTES + 65_536);
      out.bytes(SIGNATURE);
      out.i32(0);
      out.i32(0);
      long nextProgress = start + PROGRESS_NANOS;
      List<String> names = cols.stream().map(ColumnPlan::name).toList();
      try (SourceRows rs = SourceRows.open(sqlite, file, t.name(), t.hasRowid(), names, names)) {
        while (rs.next()) {
          out.i16(n);
          for (int i = 0; i < n; i++) {
            ColumnPlan c = plans[i];
            switch (reads[i]) {
              case TEXT_BYTES -> {
                byte[] b = rs.getBytes(i);
                if (b == null) {
                  out.i32(-1);
                } else if (plainUtf8(b)) {
                  out.i32(b.length);
                  out.bytes(b);
                  digests[i].addBytes(b);
                } else {
                  value(out, rs, i, c, digests[i], int4[i], zone, t, rows, rejects);
                }
              }
              case TEXT_TIME -> {
                byte[] b = rs.getBytes(i);
                if (b == null) {
                  out.i32(-1);
                } else if (!time(out, b, c, digests[i], zone)) {
                  value(out, rs, i, c, digests[i], int4[i], zone, t, rows, rejects);
                }
              }
              case LONG -> {
                long v = rs.getLong(i);
                integer(out, v, int4[i]);
                digests[i].addLong(v);
              }
              case OBJECT -> value(out, rs, i, c, digests[i], int4[i], zone, t, rows, rejects);
            }
          }
          rows++;
          if (out.pos >= BUFFER_BYTES) {
            in.writeToCopy(out.a, 0, out.pos);
            out.pos = 0;
            if ((rows & 1023) == 0 && System.nanoTime() > nextProgress) {
              progress.accept(String.format(Locale.ROOT, "load %s: %d rows (%.1fs)", t.name(), rows,
                  (System.nanoTime() - start) / 1e9));
              nextProgress = System.nanoTime() + PROGRESS_NANOS;
            }
          }
        }
      }
      out.i16(-1);
      in.writeToCopy(out.a, 0, out.pos);
      copied = in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
    return new Loaded(t.name(), rows, copied, List.of(digests), List.copyOf(rejects), System.nanoTime() - start);
  }

  /** One value read by its storage class, converted to the column's type and encoded (or rejected). */
  private static void value(Buf out, SourceRows rs, int col, ColumnPlan c, ColumnDigest digest, boolean int4,
      ZoneId zone, TablePlan t, long rows, List<Reject> rejects) throws SQLException {
    Object raw = rs.getObject(col);
    if (raw == null) {
      out.i32(-1);
      return;
    }
    if (c.kind() == Kind.NUMERIC && c.scale() >= 0 && raw instanceof Double d) {
      long u = Values.unscaled(d, c.scale());
      if (u != Long.MIN_VALUE) {
        out.numeric(u, c.scale());
        digest.addScaled(u);
        return;
      }
    }
    Object v = c.convert(raw, zone);
    if (v == null) {
      out.i32(-1);
      long rowid = rs.rowid();
      rejects.add(new Reject(t.name(), rowid, c.name(), Values.display(raw),
          "not " + c.pgType() + " (" + Values.storageClass(raw) + ")"));
      if (rejects.size() > MAX_REJECTS_PER_TABLE) {
        throw new SQLException("more than " + MAX_REJECTS_PER_TABLE + " values of " + t.name()
            + " do not fit their column; was the source written to during the migration?");
      }
      return;
    }
    switch (c.kind()) {
      case INTEGER -> {
        long l = (Long) v;
        integer(out, l, int4);
        digest.addLong(l);
      }
      case NUMERIC -> {
        out.numeric((BigDecimal) v);
        digest.addDecimal((BigDecimal) v);
      }
      case DOUBLE -> {
        long bits = Double.doubleToLongBits((Double) v);
        out.i32(8);
        out.i64(bits);
        digest.addLong(bits);
      }
      case BOOLEAN -> {
        boolean b = (Boolean) v;
        out.i32(1);
        out.u8(b ? 1 : 0);
        digest.addLong(b ? 1 : 0);
      }
      case TIMESTAMPTZ -> timestamp(out, (Instant) v, digest);
      case DATE -> date(out, (LocalDate) v, digest);
      case BYTEA -> {
        byte[] b = (byte[]) v;
        out.i32(b.length);
        out.bytes(b);
        digest.addBytes(b);
      }
      case TEXT -> {
        byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
        out.i32(b.length);
        out.bytes(b);
        digest.addBytes(b);
      }
    }
  }

  /** A date or timestamp read from ASCII text; false when the text needs the general reader. */
  private static boolean time(Buf out, byte[] b, ColumnPlan c, ColumnDigest digest, ZoneId zone) {
    if (c.kind() == Kind.DATE) {
      LocalDate d = Values.dateFromText(b);
      if (d != null) {
        date(out, d, digest);
      }
      return d != null;
    }
    Instant v = Values.instantFromText(b, zone, c.candidate().lenient());
    if (v != null) {
      timestamp(out, v, digest);
    }
    return v != null;
  }

  /** Microseconds since 2000-01-01 UTC. */
  private static void timestamp(Buf out, Instant v, ColumnDigest digest) {
    long micros = ColumnDigest.micros(v);
    out.i32(8);
    out.i64(micros - PG_EPOCH_MICROS);
    digest.addLong(micros);
  }

  /** Days since 2000-01-01. */
  private static void date(Buf out, LocalDate d, ColumnDigest digest) {
    long day = d.toEpochDay();
    out.i32(4);
    out.i32((int) (day - PG_EPOCH_DAYS));
    digest.addLong(day);
  }

  private static void integer(Buf out, long v, boolean int4) throws SQLException {
    if (int4) {
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new SQLException("value " + v + " out of range for an integer column");
      }
      out.i32(4);
      out.i32((int) v);
    } else {
      out.i32(8);
      out.i64(v);
    }
  }

  /** Valid UTF-8 without NUL (what PostgreSQL text takes as it is). */
  static boolean plainUtf8(byte[] b) {
    int n = b.length;
    int i = 0;
    while (i < n) {
      int x = b[i];
      if (x > 0) {
        i++;
        continue;
      }
      if (x == 0) {
        return false;
      }
      x &= 0xFF;
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (x >= 0xC2 && x <= 0xDF) {
        need = 1;
      } else if (x >= 0xE0 && x <= 0xEF) {
        need = 2;
        lo = x == 0xE0 ? 0xA0 : 0x80;
        hi = x == 0xED ? 0x9F : 0xBF;
      } else if (x >= 0xF0 && x <= 0xF4) {
        need = 3;
        lo = x == 0xF0 ? 0x90 : 0x80;
        hi = x == 0xF4 ? 0x8F : 0xBF;
      } else {
        return false;
      }
      if (i + need >= n) {
        return false;
      }
      int y = b[i + 1] & 0xFF;
      if (y < lo || y > hi) {
        return false;
      }
      for (int k = 2; k <= need; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += need + 1;
    }
    return true;
  }

  /** A growable byte buffer with big-endian writers and PostgreSQL's binary numeric. */
  static final class Buf {
    byte[] a;
    int pos;
    private final short[] groups = new short[8];

    Buf(int capacity) {
      a = new byte[capacity];
    }

    private void room(int k) {
      if (pos + k > a.length) {
        a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, pos + k));
      }
    }

    void u8(int v) {
      room(1);
      a[pos++] = (byte) v;
    }

    void i16(int v) {
      room(2);
      a[pos++] = (byte) (v >>> 8);
      a[pos++] = (byte) v;
    }

    void i32(int v) {
      room(4);
      a[pos++] = (byte) (v >>> 24);
      a[pos++] = (byte) (v >>> 16);
      a[pos++] = (byte) (v >>> 8);
      a[pos++] = (byte) v;
    }

    void i64(long v) {
      i32((int) (v >>> 32));
      i32((int) v);
    }

    void bytes(byte[] b) {
      room(b.length);
      System.arraycopy(b, 0, a, pos, b.length);
      pos += b.length;
    }

    /** {@code unscaled * 10^-scale} as a binary numeric: base-10000 digits aligned on the decimal point. */
    void numeric(long unscaled, int scale) {
      int pad = (4 - scale % 4) % 4;
      long u = Math.abs(unscaled);
      if (unscaled == Long.MIN_VALUE || scale > 1000 || u > Long.MAX_VALUE / 1000) {
        numeric(BigDecimal.valueOf(unscaled, scale));
        return;
      }
      u *= pad == 0 ? 1 : pad == 1 ? 10 : pad == 2 ? 100 : 1000;
      int n = 0;
      while (u != 0) {
        groups[n++] = (short) (u % 10_000);
        u /= 10_000;
      }
      header(groups, n, (scale + pad) / 4, unscaled < 0, scale);
    }

    void numeric(BigDecimal v) {
      BigDecimal d = v.scale() < 0 ? v.setScale(0) : v;
      int scale = d.scale();
      int pad = (4 - scale % 4) % 4;
      BigInteger u = d.unscaledValue().abs().multiply(BigInteger.TEN.pow(pad));
      short[] g = new short[u.bitLength() / 13 + 2];
      int n = 0;
      BigInteger base = BigInteger.valueOf(10_000);
      while (u.signum() != 0) {
        BigInteger[] qr = u.divideAndRemainder(base);
        g[n++] = qr[1].shortValue();
        u = qr[0];
      }
      header(g, n, (scale + pad) / 4, d.signum() < 0, scale);
    }

    /** Groups are least significant first; {@code fracGroups} of them are after the decimal point. */
    private void header(short[] g, int n, int fracGroups, boolean negative, int scale) {
      int tz = 0;
      while (tz < n && g[tz] == 0) {
        tz++;
      }
      int nd = n - tz;
      i32(8 + 2 * nd);
      i16(nd);
      i16(nd == 0 ? 0 : n - fracGroups - 1);
      i16(nd == 0 || !negative ? 0 : 0x4000);
      i16(scale);
      for (int k = n - 1; k >= tz; k--) {
        i16(g[k]);
      }
    }
  }

  /** Writes rejects into the side table. */
  public static void saveRejects(Connection pg, DdlWriter ddl, List<Reject> rejects) throws SQLException {
    if (rejects.isEmpty()) {
      return;
    }
    CopyIn in = pg.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + ddl.table(DdlWriter.REJECTS_TABLE)
        + " (\"table\", \"rowid\", \"column\", \"value\", \"reason\") FROM STDIN");
    try {
      StringBuilder sb = new StringBuilder();
      for (Reject r : rejects) {
        text(sb, r.table());
        sb.append('\t').append(r.rowid()).append('\t');
        text(sb, r.column());
        sb.append('\t');
        if (r.value() == null) {
          sb.append("\\N");
        } else {
          text(sb, r.value());
        }
        sb.append('\t');
        text(sb, r.reason());
        sb.append('\n');
        if (sb.length() >= BUFFER_BYTES) {
          send(in, sb);
        }
      }
      send(in, sb);
      in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private static void send(CopyIn in, StringBuilder sb) throws SQLException {
    if (sb.length() == 0) {
      return;
    }
    byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
    in.writeToCopy(b, 0, b.length);
    sb.setLength(0);
  }

  /** Text with COPY's escapes for backslash, tab, newline and carriage return. */
  static void text(StringBuilder sb, String s) {
    for (int k = 0; k < s.length(); k++) {
      char ch = s.charAt(k);
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(ch);
      }
    }
  }
}
