package com.nurselink.warehouse.migrate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneId;
import java.util.List;

/**
 * The decision for one column: its PostgreSQL type, how source values are read into it, and what happens
 * to values that do not fit.
 *
 * @param scale for numeric columns, the scale every value is rounded to (-1: each real keeps the decimals
 *     it really carries, see {@link Values#doubleScale})
 * @param unfit values that did not fit the chosen type (they go to the rejects table)
 * @param samples the first of those values
 */
public record ColumnPlan(String name, String declared, String storage, Kind kind, String pgType, int scale,
    Candidate candidate, boolean notNull, String defaultExpr, boolean identity, Strategy strategy, long unfit,
    List<ColumnProfile.Sample> samples, List<String> notes) {

  /** What happens to the column's values. */
  public enum Strategy {
    /** Every value fits the chosen type. */
    EXACT,
    /** The column took a wider type than declared (or text) so that every value fits. */
    FALLBACK,
    /** A few values do not fit: their cells are loaded as NULL and the values kept in the rejects table. */
    REJECT_CELLS
  }

  /** The typed value of a non-null raw value, or null when it does not fit. */
  public Object convert(Object raw, ZoneId zone) {
    if (kind == Kind.NUMERIC && raw instanceof Double d) {
      return Double.isFinite(d) ? Values.decimal(d, scale >= 0 ? scale : Values.doubleScale(d)) : null;
    }
    Object v = candidate.read(raw, zone);
    if (v instanceof BigDecimal bd) {
      if (scale >= 0) {
        return bd.setScale(scale, RoundingMode.HALF_UP);
      }
      if (raw instanceof Double d) {
        return bd.setScale(Values.doubleScale(d), RoundingMode.HALF_UP);
      }
    }
    return v;
  }

  /** How values are cast, for the plan. */
  public String cast() {
    String from = storage;
    String how = switch (kind) {
      case NUMERIC -> scale >= 0 ? "exact decimal, rounded to " + scale + " decimals (binary-float noise removed)"
          : "exact decimal (binary-float noise removed)";
      case TIMESTAMPTZ -> candidate.lenient() && (storage.contains("integer") || storage.contains("real"))
          ? "ISO text or Unix epoch (s, ms from 10^11); no offset = business-zone local time"
          : "ISO text; no offset = business-zone local time";
      case DATE -> "YYYY-MM-DD text";
      case BOOLEAN -> candidate.lenient() ? "0/1 or true/false words" : "'0'/'1' or 'true'/'false' text";
      case INTEGER -> storage.contains("text") ? "integers (integer-valued text read as numbers)" : "integers";
      case DOUBLE -> "IEEE double, bit for bit";
      case BYTEA -> "bytes";
      case TEXT -> storage.contains("integer") || storage.contains("real") ? "text (numbers in their shortest form)"
          : "text as is";
    };
    return from + " -> " + pgType + ": " + how;
  }
}
