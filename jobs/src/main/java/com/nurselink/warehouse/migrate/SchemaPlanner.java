package com.nurselink.warehouse.migrate;

import com.nurselink.warehouse.migrate.ColumnPlan.Strategy;
import com.nurselink.warehouse.migrate.Profiler.TableProfile;
import com.nurselink.warehouse.migrate.TablePlan.ForeignKeyPlan;
import com.nurselink.warehouse.migrate.TablePlan.IndexPlan;
import com.nurselink.warehouse.migrate.TablePlan.Partitioning;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pure schema decisions on top of {@link TypePlanner}: keys, identities, indexes, foreign keys and, for
 * the nurselink schema (recognised by its four tables), the operational indexes and the yearly partitions
 * of {@code contracts}.
 */
public final class SchemaPlanner {
  /** The nurselink operational tables. */
  static final List<String> NURSELINK_TABLES = List.of("users", "missions", "mission_applications", "contracts");
  /** Indexes operations need on the nurselink schema: table -> columns. */
  static final Map<String, List<String>> NURSELINK_INDEXES = new LinkedHashMap<>();
  /** At most this many yearly partitions; older years go to the default partition. */
  static final int MAX_PARTITIONS = 60;
  static final String PARTITIONED_TABLE = "contracts";
  static final String PARTITION_COLUMN = "start_date";

  static {
    NURSELINK_INDEXES.put("missions", List.of("location"));
    NURSELINK_INDEXES.put("users", List.of("role"));
    NURSELINK_INDEXES.put("contracts", List.of("status"));
    NURSELINK_INDEXES.put("mission_applications", List.of("mission_id", "nurse_id"));
  }

  private SchemaPlanner() {}

  public static boolean isNurselink(SourceCatalog catalog) {
    return NURSELINK_TABLES.stream().allMatch(n -> catalog.table(n) != null);
  }

  public static MigrationPlan plan(SourceCatalog catalog, Map<String, TableProfile> profiles, String schema) {
    boolean nurselink = isNurselink(catalog);
    List<String> notes = new ArrayList<>(catalog.skipped());
    Map<String, TablePlan> plans = new LinkedHashMap<>();
    Set<String> usedNames = new HashSet<>();
    for (SourceCatalog.Table t : catalog.tables()) {
      usedNames.add(t.name().toLowerCase(Locale.ROOT));
    }
    for (SourceCatalog.Table t : catalog.tables()) {
      plans.put(t.name(), planTable(t, profiles.get(t.name()), nurselink, usedNames));
    }
    Map<String, TablePlan> withFks = new LinkedHashMap<>();
    for (SourceCatalog.Table t : catalog.tables()) {
      TablePlan tp = plans.get(t.name());
      List<String> tnotes = new ArrayList<>(tp.notes());
      List<ForeignKeyPlan> fks = foreignKeys(catalog, t, tp, plans, usedNames, tnotes);
      withFks.put(t.name(), new TablePlan(tp.name(), tp.sourceRows(), tp.hasRowid(), tp.columns(), tp.primaryKey(),
          tp.identity(), tp.sequenceFloor(), tp.partitioning(), tp.indexes(), fks, List.copyOf(tnotes)));
    }
    return new MigrationPlan(schema, nurselink, List.copyOf(withFks.values()), List.copyOf(notes));
  }

  private static TablePlan planTable(SourceCatalog.Table t, TableProfile prof, boolean nurselink, Set<String> usedNames) {
    List<String> notes = new ArrayList<>();
    for (String check : t.checks()) {
      notes.add("not carried over (SQLite expression): " + check);
    }
    List<String> pk = t.primaryKey();
    String identity = t.rowidAlias().map(SourceCatalog.Column::name).orElse(null);
    String partCol = null;
    if (nurselink && t.name().equalsIgnoreCase(PARTITIONED_TABLE) && t.column(PARTITION_COLUMN) != null) {
      partCol = t.column(PARTITION_COLUMN).name();
    }
    Set<String> keyCols = new HashSet<>(pk);
    if (partCol != null) {
      keyCols.add(partCol);
    }
    List<ColumnPlan> cols = new ArrayList<>();
    for (SourceCatalog.Column c : t.columns()) {
      ColumnProfile p = prof.columns().get(c.name());
      boolean mayReject = !c.notNull() && !keyCols.contains(c.name());
      ColumnPlan cp = TypePlanner.planColumn(c, p, mayReject, c.name().equals(identity));
      cols.add(cp);
    }
    // identity only on an integer column
    if (identity != null) {
      ColumnPlan idc = find(cols, identity);
      if (idc.kind() != Kind.INTEGER) {
        identity = null;
      }
    }
    long floor = 0;
    if (identity != null) {
      ColumnProfile.Fit f = prof.columns().get(identity).fit(Kind.INTEGER);
      floor = f != null && f.fit() > 0 ? f.maxLong() : 0;
      if (t.sequence() != null) {
        floor = Math.max(floor, t.sequence());
      }
    }
    Partitioning part = null;
    if (partCol != null) {
      ColumnPlan pc = find(cols, partCol);
      ColumnProfile.Fit f = prof.columns().get(partCol).fit(pc.kind());
      if ((pc.kind() == Kind.DATE || pc.kind() == Kind.TIMESTAMPTZ) && pc.strategy() != Strategy.REJECT_CELLS) {
        int to = f.fit() > 0 ? f.maxYear() : java.time.Year.now().getValue();
        int from = f.fit() > 0 ? Math.max(f.minYear(), to - MAX_PARTITIONS + 1) : to;
        part = new Partitioning(partCol, pc.kind(), from, to);
        notes.add("partitioned by year of " + partCol + " (" + from + ".." + to + " + default)");
      } else {
        notes.add("not partitioned: " + partCol + " became " + pc.pgType());
      }
    }
    List<String> primaryKey = new ArrayList<>(pk);
    for (String k : pk) {
      if (prof.columns().get(k).nulls() > 0) {
        notes.add("no primary key: " + k + " holds NULLs");
        primaryKey.clear();
        break;
      }
    }
    if (part != null && !primaryKey.isEmpty() && !primaryKey.contains(part.column())) {
      if (prof.columns().get(part.column()).nulls() > 0) {
        notes.add("no primary key: partition key " + part.column() + " holds NULLs");
        primaryKey.clear();
      } else {
        primaryKey.add(part.column());
        notes.add("primary key extended with the partition key: " + String.join(", ", primaryKey));
      }
    }
    List<IndexPlan> indexes = indexes(t, part, nurselink, usedNames, notes);
    return new TablePlan(t.name(), prof.rows(), prof.hasRowid(), List.copyOf(cols), List.copyOf(primaryKey),
        identity, floor, part, indexes, List.of(), notes);
  }

  private static List<IndexPlan> indexes(SourceCatalog.Table t, Partitioning part, boolean nurselink,
      Set<String> usedNames, List<String> notes) {
    List<IndexPlan> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    seen.add("u:" + t.primaryKey());
    for (SourceCatalog.Index ix : t.indexes()) {
      if (ix.origin().equals("pk")) {
        continue;
      }
      if (ix.partial() || ix.onExpressions()) {
        notes.add("index " + ix.name() + " not carried over (" + (ix.partial() ? "partial" : "on expressions") + ")");
        continue;
      }
      List<String> cols = TypePlanner.resolve(t, ix.columns());
      if (cols == null) {
        continue;
      }
      boolean unique = ix.unique();
      if (unique && part != null && !cols.contains(part.column())) {
        notes.add("index " + ix.name() + " made non-unique: a unique index of a partitioned table must hold "
            + part.column());
        unique = false;
      }
      addIndex(out, seen, usedNames, t.name(), ix.name().startsWith("sqlite_autoindex_") ? null : ix.name(), cols, unique);
    }
    if (nurselink) {
      List<String> wanted = NURSELINK_INDEXES.get(t.name().toLowerCase(Locale.ROOT));
      if (wanted != null) {
        List<String> cols = TypePlanner.resolve(t, wanted);
        if (cols == null) {
          notes.add("operational index on (" + String.join(", ", wanted) + ") skipped: column missing");
        } else if (out.stream().noneMatch(i -> i.columns().size() >= cols.size()
            && i.columns().subList(0, cols.size()).equals(cols))) {
          addIndex(out, seen, usedNames, t.name(), null, cols, false);
        }
      }
    }
    return List.copyOf(out);
  }

  private static void addIndex(List<IndexPlan> out, Set<String> seen, Set<String> usedNames, String table,
      String sourceName, List<String> cols, boolean unique) {
    String key = (unique ? "u:" : "i:") + cols;
    if (!seen.add(key)) {
      return;
    }
    String name = sourceName != null ? sourceName : Sql.name(table, String.join("_", cols), unique ? "key" : "idx");
    name = unique(name, usedNames);
    out.add(new IndexPlan(name, List.copyOf(cols), unique));
  }

  static String unique(String name, Set<String> used) {
    String n = name;
    for (int i = 2; !used.add(n.toLowerCase(Locale.ROOT)); i++) {
      n = Sql.name(name, Integer.toString(i));
    }
    return n;
  }

  private static List<ForeignKeyPlan> foreignKeys(SourceCatalog catalog, SourceCatalog.Table t, TablePlan tp,
      Map<String, TablePlan> plans, Set<String> usedNames, List<String> notes) {
    List<ForeignKeyPlan> out = new ArrayList<>();
    for (SourceCatalog.ForeignKey fk : t.foreignKeys()) {
      String label = "foreign key (" + String.join(", ", fk.from()) + ") -> " + fk.parent();
      SourceCatalog.Table parent = catalog.table(fk.parent());
      if (parent == null) {
        notes.add(label + " skipped: no table " + fk.parent());
        continue;
      }
      TablePlan pp = plans.get(parent.name());
      List<String> from = TypePlanner.resolve(t, fk.from());
      List<String> to = fk.to().stream().allMatch(x -> x == null) ? pp.primaryKey() : TypePlanner.resolve(parent, fk.to());
      if (from == null || to == null || to.size() != from.size()) {
        notes.add(label + " skipped: columns do not resolve");
        continue;
      }
      boolean keyed = new HashSet<>(pp.primaryKey()).equals(new HashSet<>(to)) && pp.primaryKey().size() == to.size()
          || pp.indexes().stream().anyMatch(i -> i.unique() && new HashSet<>(i.columns()).equals(new HashSet<>(to))
              && i.columns().size() == to.size());
      if (!keyed) {
        notes.add(label + " skipped: " + parent.name() + "(" + String.join(", ", to) + ") is not a key in the target");
        continue;
      }
      boolean typesMatch = true;
      for (int i = 0; i < from.size(); i++) {
        if (tp.column(from.get(i)).kind() != pp.column(to.get(i)).kind()) {
          typesMatch = false;
        }
      }
      if (!typesMatch) {
        notes.add(label + " skipped: column types differ after typing");
        continue;
      }
      String name = unique(Sql.name(t.name(), String.join("_", from), "fkey"), usedNames);
      out.add(new ForeignKeyPlan(name, from, parent.name(), to, action(fk.onUpdate()), action(fk.onDelete())));
    }
    return List.copyOf(out);
  }

  private static String action(String a) {
    String u = a == null ? "NO ACTION" : a.toUpperCase(Locale.ROOT).trim();
    return Set.of("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT").contains(u) ? u : "NO ACTION";
  }

  private static ColumnPlan find(List<ColumnPlan> cols, String name) {
    for (ColumnPlan c : cols) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(name);
  }
}
