package com.nurselink.warehouse.contract;

/** How much the pipeline needs a source column. */
public enum Presence {
  /**
   * The source table may lack the column: refused by {@code extract.schema-drift=fail} and
   * {@code ignore-new-columns}, read as NULL under {@code tolerate}. Its values may be null.
   */
  OPTIONAL,
  /**
   * The source table must have the column whatever {@code extract.schema-drift} says; its values
   * may be null (a null foreign key is attached to the unknown member of its dimension).
   */
  REQUIRED,
  /**
   * The source table must have the column and every row a readable value in it; a row without one
   * goes to quarantine with the reason code of the column's rule (SPEC, Validation: the row's id,
   * its required timestamps, its enum, a mission's hourly_rate).
   */
  REQUIRED_VALUE;

  /** Whether the source table must have the column. */
  public boolean columnRequired() {
    return this != OPTIONAL;
  }
}
