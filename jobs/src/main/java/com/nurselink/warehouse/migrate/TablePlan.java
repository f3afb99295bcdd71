package com.nurselink.warehouse.migrate;

import java.util.List;

/**
 * The target of one source table: columns, keys, indexes, foreign keys, identity and partitioning.
 *
 * @param sequenceFloor the identity restarts past this value (max id, or sqlite_sequence when higher)
 */
public record TablePlan(String name, long sourceRows, boolean hasRowid, List<ColumnPlan> columns,
    List<String> primaryKey, String identity, long sequenceFloor, Partitioning partitioning,
    List<IndexPlan> indexes, List<ForeignKeyPlan> foreignKeys, List<String> notes) {

  /** Range partitions by year of one column, plus a default partition. */
  public record Partitioning(String column, Kind kind, int fromYear, int toYear) {}

  /** An index (or unique constraint) to build after the load. */
  public record IndexPlan(String name, List<String> columns, boolean unique) {}

  /** A foreign key to add once every table is loaded. */
  public record ForeignKeyPlan(String name, List<String> columns, String parent, List<String> parentColumns,
      String onUpdate, String onDelete) {}

  public ColumnPlan column(String name) {
    for (ColumnPlan c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  public boolean mayReject() {
    return columns.stream().anyMatch(c -> c.strategy() == ColumnPlan.Strategy.REJECT_CELLS);
  }
}
