package com.nurselink.warehouse.migrate;

import java.time.ZoneId;

/**
 * A type a column may take, and how strictly values are read for it.
 *
 * @param kind the target family
 * @param tolerant the declaration (or a strong name hint) asks for this type, so a few values that do not
 *     fit may go to the rejects table instead of turning the whole column into text
 * @param lenient read text for numbers, word flags ('yes', 't'), epoch numbers for timestamps
 */
public record Candidate(Kind kind, boolean tolerant, boolean lenient) {

  /** Reads a non-null raw value for this candidate: the typed value, or null when it does not fit. */
  public Object read(Object raw, ZoneId zone) {
    return switch (kind) {
      case INTEGER -> Values.asLong(raw, lenient);
      case NUMERIC -> Values.asDecimal(raw, lenient);
      case DOUBLE -> Values.asDouble(raw, lenient);
      case BOOLEAN -> Values.asBoolean(raw, !lenient);
      case TIMESTAMPTZ -> Values.asInstant(raw, zone, lenient);
      case DATE -> Values.asDate(raw);
      case BYTEA -> lenient ? Values.asBytes(raw) : raw instanceof byte[] b ? b : null;
      case TEXT -> Values.asText(raw);
    };
  }
}
