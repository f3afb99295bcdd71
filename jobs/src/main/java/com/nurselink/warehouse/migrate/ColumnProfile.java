package com.nurselink.warehouse.migrate;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What one pass over a column found: its storage classes (SQLite's typeof counts) and, for each candidate
 * type, how many values fit, the first values that did not, and the facts the planner needs (integer range,
 * decimals, lengths, years).
 */
public final class ColumnProfile {
  /** How many non-fitting values each candidate keeps as examples. */
  static final int SAMPLES = 5;

  /** A value that did not fit, with the rowid of its row. */
  public record Sample(long rowid, String value, String storageClass) {}

  /** Counters for one candidate. */
  public static final class Fit {
    final Candidate candidate;
    long fit;
    long unfit;
    boolean dead;
    final List<Sample> samples = new ArrayList<>();
    long minLong = Long.MAX_VALUE;
    long maxLong = Long.MIN_VALUE;
    int maxScale;
    int maxIntDigits;
    long minEpoch = Long.MAX_VALUE;
    long maxEpoch = Long.MIN_VALUE;
    int maxLength;
    private final ZoneId zone;

    Fit(Candidate candidate, ZoneId zone) {
      this.candidate = candidate;
      this.zone = zone;
    }

    public Candidate candidate() {
      return candidate;
    }

    public long fit() {
      return fit;
    }

    public long unfit() {
      return unfit;
    }

    public boolean dead() {
      return dead;
    }

    public List<Sample> samples() {
      return samples;
    }

    public long minLong() {
      return minLong;
    }

    public long maxLong() {
      return maxLong;
    }

    public int maxScale() {
      return maxScale;
    }

    public int maxIntDigits() {
      return maxIntDigits;
    }

    /** The earliest year (business zone; dates as they are) among the values that fit. */
    public int minYear() {
      return year(minEpoch);
    }

    public int maxYear() {
      return year(maxEpoch);
    }

    private int year(long epochSecond) {
      Instant i = Instant.ofEpochSecond(epochSecond);
      return candidate.kind() == Kind.DATE ? i.atOffset(java.time.ZoneOffset.UTC).getYear() : i.atZone(zone).getYear();
    }

    public int maxLength() {
      return maxLength;
    }
  }

  private final String column;
  private final ZoneId zone;
  long nulls;
  long integers;
  long reals;
  long texts;
  long blobs;
  long emptyTexts;
  private final ColumnDigest.ExactSum integerSum = new ColumnDigest.ExactSum();
  private boolean partial;
  private final List<Fit> fits = new ArrayList<>();

  public ColumnProfile(String column, List<Candidate> candidates, ZoneId zone) {
    this.column = column;
    this.zone = zone;
    for (Candidate c : candidates) {
      fits.add(new Fit(c, zone));
    }
  }

  public String column() {
    return column;
  }

  public List<Fit> fits() {
    return fits;
  }

  public Fit fit(Kind kind) {
    for (Fit f : fits) {
      if (f.candidate.kind() == kind) {
        return f;
      }
    }
    return null;
  }

  public long nulls() {
    return nulls;
  }

  public long nonNull() {
    return integers + reals + texts + blobs;
  }

  public long integers() {
    return integers;
  }

  public long reals() {
    return reals;
  }

  public long texts() {
    return texts;
  }

  public long blobs() {
    return blobs;
  }

  public long emptyTexts() {
    return emptyTexts;
  }

  /** SQLite's typeof counts, e.g. {@code integer 943, real 1212}. */
  public String storageSummary() {
    StringBuilder sb = new StringBuilder();
    append(sb, "integer", integers);
    append(sb, "real", reals);
    append(sb, "text", texts);
    append(sb, "blob", blobs);
    append(sb, "null", nulls);
    return sb.length() == 0 ? "empty" : sb.toString();
  }

  private static void append(StringBuilder sb, String name, long n) {
    if (n > 0) {
      sb.append(sb.length() == 0 ? "" : ", ").append(name).append(' ').append(n);
    }
  }

  /** True once every candidate but text has failed: the remaining values need no reading in Java. */
  public boolean settled() {
    for (Fit f : fits) {
      if (f.candidate.kind() != Kind.TEXT && !f.dead) {
        return false;
      }
    }
    return true;
  }

  /**
   * Completes a settled column from SQLite's own aggregates over the whole table (the values read before
   * it settled are included in them): storage classes, empty strings, the longest text.
   */
  void settle(long integers, long reals, long texts, long blobs, long nulls, long empty, long maxLength) {
    partial = true;
    this.integers = integers;
    this.reals = reals;
    this.texts = texts;
    this.blobs = blobs;
    this.nulls = nulls;
    this.emptyTexts = empty;
    Fit text = fits.get(fits.size() - 1);
    text.fit = nonNull() - text.unfit;
    text.maxLength = integers + reals > 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, maxLength);
  }

  /**
   * The exact sum of the integer-stored values, read by the profile's own pass over the source (null when
   * the pass stopped reading the column early).
   */
  public BigDecimal integerSum() {
    return partial ? null : new BigDecimal(integerSum.value());
  }

  /** Records one raw value. */
  public void add(long rowid, Object raw) {
    if (raw == null) {
      nulls++;
      return;
    }
    if (raw instanceof Integer || raw instanceof Long) {
      integers++;
      integerSum.add(((Number) raw).longValue());
    } else if (raw instanceof Double) {
      reals++;
    } else if (raw instanceof byte[]) {
      blobs++;
    } else {
      texts++;
      if (((String) raw).isEmpty()) {
        emptyTexts++;
      }
    }
    for (Fit f : fits) {
      if (f.dead) {
        continue;
      }
      Object v;
      Kind kind = f.candidate.kind();
      if (kind == Kind.TEXT && !(raw instanceof String) && !(raw instanceof byte[])) {
        v = raw;                                   // a number always has a text form
      } else if (kind == Kind.NUMERIC && (raw instanceof Double || raw instanceof Long || raw instanceof Integer)) {
        v = !(raw instanceof Double d) || Double.isFinite(d) ? raw : null;
      } else {
        v = f.candidate.read(raw, zone);
      }
      if (v == null) {
        f.unfit++;
        if (f.samples.size() < SAMPLES) {
          f.samples.add(new Sample(rowid, Values.display(raw), Values.storageClass(raw)));
        }
        long seen = f.fit + f.unfit;
        if (!f.candidate.tolerant() || f.unfit > TypePlanner.MAX_REJECTS
            || (f.unfit > 100 && f.unfit * 100 > seen * TypePlanner.MAX_REJECT_PERCENT)) {
          f.dead = true;
        }
      } else {
        f.fit++;
        observe(f, raw, v);
      }
    }
  }

  private void observe(Fit f, Object raw, Object v) {
    switch (f.candidate.kind()) {
      case INTEGER -> {
        long l = (Long) v;
        f.minLong = Math.min(f.minLong, l);
        f.maxLong = Math.max(f.maxLong, l);
      }
      case NUMERIC -> {
        if (v instanceof Long || v instanceof Integer) {
          f.maxIntDigits = Math.max(f.maxIntDigits, Values.intDigits(((Number) v).longValue()));
        } else if (v instanceof Double d) {
          int scale = Values.doubleScale(d);
          f.maxScale = Math.max(f.maxScale, scale);
          f.maxIntDigits = Math.max(f.maxIntDigits, Values.intDigits(d, scale));
        } else {
          BigDecimal bd = (BigDecimal) v;
          f.maxScale = Math.max(f.maxScale, Math.max(0, bd.scale()));
          f.maxIntDigits = Math.max(f.maxIntDigits, bd.precision() - bd.scale());
        }
      }
      case TIMESTAMPTZ -> span(f, ((Instant) v).getEpochSecond());
      case DATE -> span(f, ((LocalDate) v).toEpochDay() * 86_400);
      case TEXT -> {
        if (v instanceof String s && s.length() > f.maxLength) {
          f.maxLength = s.codePointCount(0, s.length());
        } else if (!(v instanceof String)) {
          f.maxLength = Integer.MAX_VALUE;          // numbers: length unknown, never varchar(n)
        }
      }
      default -> { }
    }
  }

  private static void span(Fit f, long epochSecond) {
    f.minEpoch = Math.min(f.minEpoch, epochSecond);
    f.maxEpoch = Math.max(f.maxEpoch, epochSecond);
  }
}
