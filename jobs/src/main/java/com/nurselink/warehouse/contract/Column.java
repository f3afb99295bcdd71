package com.nurselink.warehouse.contract;

import java.util.List;
import java.util.Objects;

/**
 * One column of a source table.
 *
 * @param name the logical column name
 * @param type what it holds
 * @param presence whether the source must have it, and each row a value in it
 * @param personal personal data (email, full name): replaced by a keyed pseudonym during the
 *     extract, never stored as read
 * @param references the logical table a foreign key points to (its id); null when the column is not
 *     a foreign key
 * @param values the allowed values of an {@link ColumnType#ENUM} column, lower case; empty otherwise
 */
public record Column(String name, ColumnType type, Presence presence, boolean personal, String references,
    List<String> values) {
  public Column {
    Objects.requireNonNull(name);
    Objects.requireNonNull(type);
    Objects.requireNonNull(presence);
    values = List.copyOf(values);
    if ((type == ColumnType.ENUM) == values.isEmpty()) {
      throw new IllegalArgumentException(name + ": an enum column and only an enum column lists values");
    }
    if (references != null && type != ColumnType.KEY) {
      throw new IllegalArgumentException(name + ": a foreign key is a KEY column");
    }
  }

  static Column of(String name, ColumnType type, Presence presence) {
    return new Column(name, type, presence, false, null, List.of());
  }

  /** An enum column: always {@link Presence#REQUIRED_VALUE} (a missing value is not one of the values). */
  static Column enumOf(String name, String... values) {
    return new Column(name, ColumnType.ENUM, Presence.REQUIRED_VALUE, false, null, List.of(values));
  }

  /** The same column, marked as personal data. */
  Column personalData() {
    return new Column(name, type, presence, true, references, values);
  }

  /** The same column, a foreign key to {@code table}. */
  Column referencing(String table) {
    return new Column(name, type, presence, personal, table, values);
  }
}
