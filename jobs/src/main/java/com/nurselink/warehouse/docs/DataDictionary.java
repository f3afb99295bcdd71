package com.nurselink.warehouse.docs;

import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.model.SqlModel;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.pipeline.ExtractJob;
import com.nurselink.warehouse.staging.CleanSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * The data dictionary of the warehouse, built from the code and the SQL, never written by hand:
 * every table and view an analyst finds in the warehouse, with its grain, partitioning, columns
 * (type and one-line description) and lineage.
 *
 * <ul>
 *   <li>Gold tables ({@link ModelRegistry}): the columns of the {@code Columns:} block of the
 *       model's header, in the order of the model's output, with their descriptions, and the types
 *       of their table in {@code sql/warehouse/V1__marts.sql}; the header's text (grain, definitions, the KPI formulas), and the tables
 *       the SQL reads (through intermediate models, which are not published).
 *   <li>{@code clean_<table>} and {@code quarantine_<table>} views: the clean layer's columns
 *       ({@link CleanSchema}) and the quarantine's (raw columns as read, reasons).
 *   <li>The run ledger ({@code etl_runs}, {@code etl_alerts}, {@code etl_snapshots}; {@link Ledger}).
 * </ul>
 */
public final class DataDictionary {
  private DataDictionary() {}

  /** A column: name, SQL type as the PostgreSQL warehouse declares it, description (null: none). */
  public record Column(String name, String type, String description) {}

  /** A table or view of the warehouse. */
  public record Table(String name, String kind, String grain, String partitioning, List<String> description,
      List<Column> columns, List<String> upstream, List<String> downstream, String source) {}

  /** A lineage edge: {@code from} is read to build {@code to}. */
  public record Edge(String from, String to) {}

  /** The whole dictionary: tables in layer order, and the lineage edges between them and the sources. */
  public record Dictionary(List<Table> tables, List<Edge> edges) {
    public Table table(String name) {
      return tables.stream().filter(t -> t.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no table " + name + " in the data dictionary"));
    }
  }

  /** The node of a source table in the lineage (the operational database). */
  static String sourceNode(String table) {
    return "source." + table;
  }

  public static Dictionary build() {
    List<Edge> edges = new ArrayList<>();
    List<Table> draft = new ArrayList<>();
    for (String t : SourceContract.names()) {
      edges.add(new Edge(sourceNode(t), "clean_" + t));
      edges.add(new Edge(sourceNode(t), "quarantine_" + t));
    }
    Map<String, Set<String>> reads = goldReads();
    reads.forEach((table, from) -> from.forEach(f -> edges.add(new Edge(f, table))));

    Map<String, List<String[]>> ddl = marts();
    for (ModelRegistry.Model m : ModelRegistry.gold()) {
      SqlModel sql = SqlModel.load(m.sql());
      Map<String, String> described = sql.columns();
      List<String[]> declared = ddl.get(m.name());
      if (declared == null) {
        throw new IllegalStateException("sql/warehouse/V1__marts.sql declares no table " + m.name());
      }
      // the order of the model's output (its Columns block); the types of the PostgreSQL marts
      Map<String, String> types = new LinkedHashMap<>();
      declared.forEach(c -> types.put(c[0], c[1]));
      List<Column> cols = new ArrayList<>();
      described.forEach((name, text) -> cols.add(new Column(name, types.getOrDefault(name, "not in V1__marts.sql"),
          readable(text))));
      types.forEach((name, type) -> {
        if (!described.containsKey(name)) {
          cols.add(new Column(name, type, null));
        }
      });
      draft.add(new Table(m.name(), kind(m.kind()), readable(m.grain()), partitioning(m),
          sql.description().stream().map(DataDictionary::readable).toList(), cols,
          List.copyOf(reads.get(m.name())), List.of(), sql.resource()));
    }
    for (String t : SourceContract.names()) {
      List<Column> clean = new ArrayList<>();
      for (StructField f : CleanSchema.clean(t).fields()) {
        clean.add(new Column(f.name(), sqlType(f.dataType()), CleanSchema.description(t, f.name())));
      }
      draft.add(new Table("clean_" + t, "clean view", "one row per " + singular(t)
          + " id (the latest updated_at of its copies)", "none (the lake's clean." + t + ")",
          List.of("The typed, deduplicated source table " + t + ": the rows that passed every validation rule."),
          clean, List.of(sourceNode(t)), List.of(), "staging/CleanSchema.java"));
      List<Column> quarantine = new ArrayList<>();
      for (StructField f : CleanSchema.quarantine(t).fields()) {
        quarantine.add(new Column(f.name(), sqlType(f.dataType()), CleanSchema.quarantineDescription(t, f.name())));
      }
      quarantine.add(new Column(ExtractJob.EXTRACT_DATE, "date",
          CleanSchema.quarantineDescription(t, ExtractJob.EXTRACT_DATE)));
      draft.add(new Table("quarantine_" + t, "quarantine view", "one row per source row of " + t
          + " that failed a validation rule, per extract", ExtractJob.EXTRACT_DATE + " (the lake's quarantine." + t + ")",
          List.of("The rows of " + t + " that failed at least one validation rule, as read, with their reasons:"
              + " every source row is in clean_" + t + " or here."),
          quarantine, List.of(sourceNode(t)), List.of(), "staging/CleanSchema.java"));
    }
    for (String ddlText : List.of(Ledger.DDL, Ledger.ALERTS_DDL, Ledger.SNAPSHOTS_DDL)) {
      draft.add(ledgerTable(ddlText));
    }

    List<Table> tables = new ArrayList<>();
    for (Table t : draft) {
      List<String> down = new ArrayList<>(new TreeSet<>(edges.stream().filter(e -> e.from().equals(t.name()))
          .map(Edge::to).toList()));
      tables.add(new Table(t.name(), t.kind(), t.grain(), t.partitioning(), t.description(), t.columns(),
          t.upstream(), down, t.source()));
    }
    return new Dictionary(tables, edges);
  }

  /**
   * A model's text with its run parameters as a reader says them: {@code ${as_of_date}} is the
   * run's date D, {@code ${cutoff_utc}} D+1 00:00 business time.
   */
  static String readable(String s) {
    return s == null ? null : s.replace("${as_of_date}", "D").replace("${cutoff_utc}", "D+1 00:00 (business time)")
        .replace("${business_zone}", "the business time zone").replace("${run_id}", "the run id");
  }

  private static String singular(String table) {
    return switch (table) {
      case "users" -> "user";
      case "missions" -> "mission";
      case "mission_applications" -> "application";
      case "contracts" -> "contract";
      default -> table;
    };
  }

  private static String kind(ModelRegistry.Kind k) {
    return switch (k) {
      case DIMENSION -> "dimension";
      case FACT -> "fact";
      case KPI -> "KPI mart";
      case FEATURE -> "feature set";
      case INTERMEDIATE -> "intermediate";
    };
  }

  private static String partitioning(ModelRegistry.Model m) {
    if (!m.partitioned()) {
      return "none (published as a whole)";
    }
    if (m.monthOf() != null) {
      return m.partitionColumn() + " (the month of " + m.monthOf() + ", 'YYYY-MM')";
    }
    return m.partitionedByRunDate() ? m.partitionColumn() + " (one partition per run date)" : m.partitionColumn();
  }

  /**
   * For each gold table, the gold and clean tables its SQL reads, through the intermediate
   * models it reads (which are views for the later models only); {@code prev_dim_nurse} is the
   * previous run's dim_nurse, the table itself, left out.
   */
  public static Map<String, Set<String>> goldReads() {
    Set<String> clean = new TreeSet<>();
    for (String t : SourceContract.names()) {
      clean.add("clean_" + t);
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (ModelRegistry.Model m : ModelRegistry.gold()) {
      out.put(m.name(), resolve(m.name(), clean, new TreeSet<>()));
    }
    return out;
  }

  private static Set<String> resolve(String model, Set<String> clean, Set<String> seen) {
    Set<String> out = new TreeSet<>();
    if (!seen.add(model)) {
      return out;
    }
    for (String r : SqlModel.load(ModelRegistry.byName(model).sql()).reads()) {
      if (clean.contains(r)) {
        out.add(r);
      } else if (ModelRegistry.all().stream().anyMatch(x -> x.name().equals(r))) {
        ModelRegistry.Model x = ModelRegistry.byName(r);
        if (x.gold()) {
          out.add(r);
        } else {
          out.addAll(resolve(r, clean, seen));
        }
      }
    }
    out.remove(model);
    return out;
  }

  private static final Pattern CREATE = Pattern.compile("(?m)^CREATE TABLE ([a-z_][a-z0-9_]*) \\($");
  private static final Pattern COLUMN = Pattern.compile("^\\s+([a-z_][a-z0-9_]*)\\s+(double precision|[a-z]+(?:\\[])?)\\b.*$");

  /** The columns (name, type) of each table of {@code sql/warehouse/V1__marts.sql}, in order. */
  static Map<String, List<String[]>> marts() {
    String text = SqlModel.readResource("sql/warehouse/V1__marts.sql");
    Map<String, List<String[]>> out = new LinkedHashMap<>();
    Matcher m = CREATE.matcher(text);
    while (m.find()) {
      List<String[]> cols = new ArrayList<>();
      for (String line : text.substring(m.end()).split("\n")) {
        if (line.startsWith(")")) {
          break;
        }
        Matcher c = COLUMN.matcher(line);
        if (c.matches()) {
          cols.add(new String[] {c.group(1), c.group(2)});
        }
      }
      out.put(m.group(1), cols);
    }
    return out;
  }

  private static final Pattern LEDGER = Pattern.compile("CREATE TABLE IF NOT EXISTS ([a-z_]+) \\((.*)\\)");

  private static Table ledgerTable(String ddl) {
    Matcher m = LEDGER.matcher(ddl);
    if (!m.matches()) {
      throw new IllegalStateException("not a ledger DDL: " + ddl);
    }
    String name = m.group(1);
    List<Column> cols = new ArrayList<>();
    for (String part : m.group(2).split(",\\s*(?![^()]*\\))")) {
      String[] w = part.strip().split("\\s+");
      if (w[0].equals("PRIMARY")) {
        continue;
      }
      String type = switch (w[1]) {
        case "VARCHAR" -> "text";
        case "TIMESTAMP" -> "timestamptz";
        default -> w[1].toLowerCase(Locale.ROOT);
      };
      cols.add(new Column(w[0], type, Ledger.COLUMN_DESCRIPTIONS.get(name + "." + w[0])));
    }
    String grain = switch (name) {
      case "etl_runs" -> "one row per run x job";
      case "etl_alerts" -> "one row per alert raised by a run";
      default -> "one row per run x job x lake table committed";
    };
    return new Table(name, "run ledger", grain, "none", List.of("The run ledger: what each nightly did (the"
        + " PostgreSQL warehouse's sql/warehouse/V2__ledger_and_state.sql, the same columns)."), cols, List.of(),
        List.of(), "ops/Ledger.java");
  }

  /** The SQL type of a clean or quarantine column, as the PostgreSQL warehouse names it. */
  static String sqlType(DataType t) {
    if (t instanceof ArrayType a) {
      return sqlType(a.elementType()) + "[]";
    }
    return switch (t.typeName()) {
      case "long" -> "bigint";
      case "integer" -> "integer";
      case "double" -> "double precision";
      case "string" -> "text";
      case "date" -> "date";
      case "timestamp" -> "timestamptz";
      case "boolean" -> "boolean";
      default -> throw new IllegalArgumentException("no SQL type for " + t);
    };
  }
}
