package com.nurselink.warehouse.migrate;

import java.util.List;

/** Everything the migration will create, decided before anything is written. */
public record MigrationPlan(String schema, boolean nurselink, List<TablePlan> tables, List<String> notes) {

  public TablePlan table(String name) {
    for (TablePlan t : tables) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** Whether some values may go to the rejects table. */
  public boolean mayReject() {
    return tables.stream().anyMatch(TablePlan::mayReject);
  }
}
