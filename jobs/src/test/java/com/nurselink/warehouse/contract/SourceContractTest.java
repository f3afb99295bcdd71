package com.nurselink.warehouse.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.PgDatabase;
import com.nurselink.warehouse.generate.SqlScript;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source contract against SPEC and against the shipped DDL: {@code sql/source/sqlite.sql} run
 * into a real SQLite database, {@code sql/source/postgres.sql} into a real PostgreSQL database.
 */
class SourceContractTest {
  @TempDir Path dir;

  @Test
  void tablesAreTheFourLogicalTablesParentsFirst() {
    assertEquals(List.of("users", "missions", "mission_applications", "contracts"), SourceContract.names());
    assertEquals(SourceContract.CONTRACTS, SourceContract.of("contracts"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceContract.of("payments"));
    assertEquals("unknown source table payments (known: [users, missions, mission_applications, contracts])",
        e.getMessage());
    // a foreign key points to a table extracted before
    for (SourceContract t : SourceContract.values()) {
      for (Column c : t.columns()) {
        if (c.references() != null) {
          assertTrue(SourceContract.of(c.references()).ordinal() < t.ordinal(), t + "." + c.name());
        }
      }
    }
  }

  /** SPEC, Validation: the required timestamps, the enums, the numbers, the ranges. */
  @Test
  void validationRulesAreThoseOfTheSpec() {
    assertEquals(List.of(), SourceContract.USERS.requiredTimestamps());
    assertEquals(List.of("start_at", "end_at", "created_at"), SourceContract.MISSIONS.requiredTimestamps());
    assertEquals(List.of("applied_at"), SourceContract.MISSION_APPLICATIONS.requiredTimestamps());
    assertEquals(List.of("start_date"), SourceContract.CONTRACTS.requiredTimestamps());

    assertEquals("role", SourceContract.USERS.enumColumn());
    assertEquals(List.of("nurse", "establishment", "admin"), SourceContract.USERS.enumValues());
    assertEquals(List.of("draft", "open", "filled", "in_progress", "completed", "cancelled"),
        SourceContract.MISSIONS.enumValues());
    assertEquals(List.of("pending", "accepted", "rejected", "withdrawn"),
        SourceContract.MISSION_APPLICATIONS.enumValues());
    assertEquals(List.of("pending", "signed", "active", "completed", "cancelled", "disputed"),
        SourceContract.CONTRACTS.enumValues());

    assertEquals(List.of("hourly_rate"), SourceContract.MISSIONS.numbers());
    assertEquals(List.of("hourly_rate"), SourceContract.MISSIONS.requiredNumbers());
    assertEquals(List.of("hourly_rate", "hours_worked"), SourceContract.CONTRACTS.numbers());
    assertEquals(List.of(), SourceContract.CONTRACTS.requiredNumbers());

    assertEquals(new SourceContract.Range("start_at", "end_at"), SourceContract.MISSIONS.range());
    assertEquals(new SourceContract.Range("start_date", "end_date"), SourceContract.CONTRACTS.range());
    assertEquals(null, SourceContract.USERS.range());
    assertEquals(null, SourceContract.MISSION_APPLICATIONS.range());

    // personal data: email and full name only
    List<String> personal = new ArrayList<>();
    for (SourceContract t : SourceContract.values()) {
      t.columns().stream().filter(Column::personal).forEach(c -> personal.add(t.tableName() + "." + c.name()));
    }
    assertEquals(List.of("users.email", "users.full_name"), personal);
  }

  /** The columns the extract cannot do without (a source lacking one always fails). */
  @Test
  void requiredColumns() {
    assertEquals(List.of("id", "role"), SourceContract.USERS.requiredColumns());
    assertEquals(List.of("id", "establishment_id", "location", "hourly_rate", "status", "start_at", "end_at",
        "created_at"), SourceContract.MISSIONS.requiredColumns());
    assertEquals(List.of("id", "mission_id", "nurse_id", "status", "applied_at"),
        SourceContract.MISSION_APPLICATIONS.requiredColumns());
    assertEquals(List.of("id", "mission_id", "nurse_id", "status", "start_date"),
        SourceContract.CONTRACTS.requiredColumns());
  }

  /** Column name -> parent table of the contract's foreign keys. */
  private static Map<String, String> contractForeignKeys(SourceContract t) {
    Map<String, String> m = new TreeMap<>();
    t.columns().stream().filter(c -> c.references() != null).forEach(c -> m.put(c.name(), c.references()));
    return m;
  }

  @Test
  void sqliteSchemaHasTheColumnsOfTheContract() throws Exception {
    Path db = dir.resolve("source.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      for (SqlScript.Statement s : SqlScript.load("source/sqlite.sql").statements()) {
        st.execute(s.sql());
      }
      Set<String> tables = new TreeSet<>();
      try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertEquals(new TreeSet<>(SourceContract.names()), tables);
      for (SourceContract t : SourceContract.values()) {
        List<String> names = new ArrayList<>();
        List<String> wrongTypes = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("PRAGMA table_info(" + t.tableName() + ")")) {
          while (rs.next()) {
            String name = rs.getString("name");
            String declared = rs.getString("type");
            names.add(name);
            if (t.columnNames().contains(name) && !t.column(name).type().sqliteTypes().contains(declared)) {
              wrongTypes.add(name + " " + declared);
            }
          }
        }
        assertEquals(t.columnNames(), names, t.tableName() + ": columns of sqlite.sql");
        assertEquals(List.of(), wrongTypes, t.tableName() + ": declared types of sqlite.sql");
        Map<String, String> fks = new TreeMap<>();
        try (ResultSet rs = st.executeQuery("PRAGMA foreign_key_list(" + t.tableName() + ")")) {
          while (rs.next()) {
            assertEquals("id", rs.getString("to"), t.tableName() + "." + rs.getString("from"));
            fks.put(rs.getString("from"), rs.getString("table"));
          }
        }
        assertEquals(contractForeignKeys(t), fks, t.tableName() + ": foreign keys of sqlite.sql");
      }
    }
  }

  private static final Pattern ENUM_CHECK =
      Pattern.compile("CHECK \\(\\((\\w+) = ANY \\(ARRAY\\[(.*)]\\)\\)\\)");
  private static final Pattern TEXT_LITERAL = Pattern.compile("'([^']*)'::text");
  private static final Pattern COLUMN_NOT_BEFORE = Pattern.compile("\\((\\w+) >= (\\w+)\\)");

  @Test
  void postgresSchemaHasTheColumnsTypesEnumsKeysAndRangesOfTheContract() throws Exception {
    try (PgDatabase db = PgDatabase.create("nl_contract_"); Connection c = db.connect();
        Statement st = c.createStatement()) {
      for (SqlScript.Statement s : SqlScript.load("source/postgres.sql").statements()) {
        st.execute(s.sql());
      }
      for (SourceContract t : SourceContract.values()) {
        List<String> columns = new ArrayList<>();
        List<String> notNull = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type, is_nullable"
            + " FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
            + " ORDER BY ordinal_position")) {
          ps.setString(1, t.tableName());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              columns.add(rs.getString(1) + " " + rs.getString(2));
              if (rs.getString(3).equals("NO")) {
                notNull.add(rs.getString(1));
              }
            }
          }
        }
        assertEquals(t.columns().stream().map(col -> col.name() + " " + col.type().postgresType()).toList(), columns,
            t.tableName() + ": columns of postgres.sql");
        // the production schema enforces the values every row must carry
        for (Column col : t.columns()) {
          if (col.presence() == Presence.REQUIRED_VALUE) {
            assertTrue(notNull.contains(col.name()), t.tableName() + "." + col.name() + " is NOT NULL in postgres.sql");
          }
        }

        Map<String, List<String>> enums = new TreeMap<>();
        Set<SourceContract.Range> ranges = new java.util.HashSet<>();
        Map<String, String> fks = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT con.contype, pg_get_constraintdef(con.oid),"
            + " (SELECT attname FROM pg_attribute WHERE attrelid = con.conrelid AND attnum = con.conkey[1]),"
            + " con.confrelid::regclass::text FROM pg_constraint con WHERE con.conrelid = ?::regclass"
            + " AND con.contype IN ('c', 'f')")) {
          ps.setString(1, t.tableName());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String def = rs.getString(2);
              if (rs.getString(1).equals("f")) {
                assertEquals(1, def.split(",").length, def);
                assertTrue(def.endsWith("(id)"), def);
                fks.put(rs.getString(3), rs.getString(4));
                continue;
              }
              Matcher m = ENUM_CHECK.matcher(def);
              if (m.matches()) {
                List<String> values = new ArrayList<>();
                Matcher v = TEXT_LITERAL.matcher(m.group(2));
                while (v.find()) {
                  values.add(v.group(1));
                }
                enums.put(m.group(1), values);
              }
              Matcher r = COLUMN_NOT_BEFORE.matcher(def);
              while (r.find()) {
                if (t.columnNames().contains(r.group(1)) && t.columnNames().contains(r.group(2))) {
                  ranges.add(new SourceContract.Range(r.group(2), r.group(1)));
                }
              }
            }
          }
        }
        assertEquals(Map.of(t.enumColumn(), t.enumValues()), enums, t.tableName() + ": enum checks of postgres.sql");
        assertEquals(t.range() == null ? Set.of() : Set.of(t.range()), ranges, t.tableName() + ": range checks");
        assertEquals(contractForeignKeys(t), fks, t.tableName() + ": foreign keys of postgres.sql");
      }
    }
  }

  private static final Pattern PROJECT_CLASS = Pattern.compile("com/nurselink/warehouse/(\\w+)/");

  /**
   * The contract depends on the JDK only: its class files name no Spark (nor Scala) class and no
   * project class outside the package, and the package loads and runs in a class loader that has
   * nothing but the JDK and the compiled project classes.
   */
  @Test
  void contractNeedsNoSparkClasses() throws Exception {
    Path classes = Path.of(SourceContract.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path pkg = classes.resolve("com/nurselink/warehouse/contract");
    List<Path> files;
    try (Stream<Path> s = Files.list(pkg)) {
      files = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
    assertTrue(files.size() >= 4, "class files of the package: " + files);
    Map<String, List<String>> foreign = new LinkedHashMap<>();
    for (Path f : files) {
      String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      List<String> refs = new ArrayList<>();
      for (String root : List.of("org/apache/spark", "scala/", "org/apache/hadoop")) {
        if (bytes.contains(root)) {
          refs.add(root);
        }
      }
      Matcher m = PROJECT_CLASS.matcher(bytes);
      while (m.find()) {
        if (!m.group(1).equals("contract")) {
          refs.add(m.group());
        }
      }
      if (!refs.isEmpty()) {
        foreign.put(f.getFileName().toString(), refs);
      }
    }
    assertEquals(Map.of(), foreign, "classes outside the JDK named by the contract");

    try (URLClassLoader isolated = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> contract = Class.forName(SourceContract.class.getName(), true, isolated);
      assertTrue(contract.getClassLoader() == isolated);
      assertEquals(SourceContract.names(), contract.getMethod("names").invoke(null));
      assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("org.apache.spark.sql.Dataset"));
    }
  }

  @Test
  void anEnumColumnAndOnlyAnEnumColumnListsValues() {
    assertThrows(IllegalArgumentException.class,
        () -> new Column("status", ColumnType.ENUM, Presence.REQUIRED_VALUE, false, null, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new Column("city", ColumnType.TEXT, Presence.OPTIONAL, false, null, List.of("paris")));
    assertThrows(IllegalArgumentException.class,
        () -> new Column("city", ColumnType.TEXT, Presence.OPTIONAL, false, "users", List.of()));
  }
}
