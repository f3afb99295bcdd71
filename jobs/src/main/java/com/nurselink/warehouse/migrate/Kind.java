package com.nurselink.warehouse.migrate;

/** The families of PostgreSQL types a column can be given. */
public enum Kind {
  INTEGER, NUMERIC, DOUBLE, BOOLEAN, TIMESTAMPTZ, DATE, BYTEA, TEXT
}
