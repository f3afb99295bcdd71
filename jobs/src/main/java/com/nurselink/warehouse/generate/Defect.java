package com.nurselink.warehouse.generate;

import com.nurselink.warehouse.contract.SourceContract;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The kinds of bad rows {@code generate --dirty} injects: one per validation rule of SPEC, plus
 * stale duplicates of an id and foreign keys pointing nowhere (both valid rows).
 */
public enum Defect {
  /** Null {@code id}. */
  MISSING_KEY("missing_key"),
  /** A required timestamp missing or unreadable. */
  BAD_TIMESTAMP("bad_timestamp"),
  /** {@code status} / {@code role} not one of the listed values. */
  BAD_ENUM("bad_enum"),
  /** {@code hourly_rate} / {@code hours_worked} not a number or negative; a mission without a rate. */
  BAD_NUMBER("bad_number"),
  /** An end before its start. */
  BAD_RANGE("bad_range"),
  /** A stale copy of a row: same id, earlier {@code updated_at}, emitted after the original. */
  DUPLICATE("duplicate"),
  /** A foreign key pointing nowhere (ids from {@link Generator#ORPHAN_ID_BASE} up). */
  ORPHAN("orphan_fk");

  private final String code;

  Defect(String code) {
    this.code = code;
  }

  /** The reason code (as in the quarantine for the rule defects). */
  public String code() {
    return code;
  }

  /** Whether a row with this defect is valid input that the pipeline keeps (deduplicated or attached to "unknown"). */
  public boolean keptByPipeline() {
    return this == DUPLICATE || this == ORPHAN;
  }

  private static final Map<SourceContract, Set<Defect>> APPLICABLE = new EnumMap<>(SourceContract.class);

  static {
    APPLICABLE.put(SourceContract.USERS, Collections.unmodifiableSet(EnumSet.of(MISSING_KEY, BAD_ENUM, DUPLICATE)));
    APPLICABLE.put(SourceContract.MISSION_APPLICATIONS,
        Collections.unmodifiableSet(EnumSet.of(MISSING_KEY, BAD_TIMESTAMP, BAD_ENUM, DUPLICATE, ORPHAN)));
    APPLICABLE.put(SourceContract.MISSIONS, Collections.unmodifiableSet(EnumSet.allOf(Defect.class)));
    APPLICABLE.put(SourceContract.CONTRACTS, Collections.unmodifiableSet(EnumSet.allOf(Defect.class)));
  }

  /** The defects that apply to a table. */
  public static Set<Defect> applicable(SourceContract t) {
    return APPLICABLE.get(t);
  }
}
