package com.nurselink.warehouse.sink;

import com.nurselink.warehouse.model.ModelRegistry;
import java.util.List;

/** The gold tables the warehouse loads: the gold models of {@link ModelRegistry}, where they live in the lake. */
public final class GoldTables {
  /** A gold table: lake layer, name, partition column (null: published as a whole). */
  public record Gold(String layer, String name, String partitionColumn) {
    public boolean partitioned() {
      return partitionColumn != null;
    }

    /** The table of a gold model. */
    public static Gold of(ModelRegistry.Model m) {
      if (!m.gold()) {
        throw new IllegalArgumentException(m.name() + " is not a gold table");
      }
      return new Gold(m.namespace(), m.name(), m.partitionColumn());
    }
  }

  private GoldTables() {}

  /** Every gold table, in dependency order. */
  public static List<Gold> all() {
    return ModelRegistry.gold().stream().map(Gold::of).toList();
  }

  public static Gold byName(String name) {
    return Gold.of(ModelRegistry.byName(name));
  }
}
