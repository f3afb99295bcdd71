package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.migrate.MigrationTestSupport.PgDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot's rows read from its pages and read through SQLite give the same migration: the same
 * tables, types, rows (EXCEPT ALL both ways), rejects and notes.
 */
class MigrationReadPathTest {
  @TempDir Path dir;

  @Test
  void aDirtyNurselinkSourceMigratesTheSameEitherWay() throws Exception {
    Path db = dir.resolve("dirty.db");
    Generator.create().missions(400).seed(23).dirty(true).writeSqlite(db);
    // rows written before a column was added read its default; a table without rowid is read by SQLite
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE missions ADD COLUMN source_app TEXT DEFAULT 'web'");
      st.execute("UPDATE missions SET source_app = 'ios' WHERE id % 7 = 0");
      st.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value) WITHOUT ROWID");
      st.execute("INSERT INTO settings VALUES ('fee_rate', 0.12), ('currency', 'EUR')");
    }
    assertSameEitherWay(db, List.of("users", "missions", "mission_applications", "contracts", "settings"));
  }

  @Test
  void theReferenceDatabasesMigrateTheSameEitherWay() throws Exception {
    for (String file : List.of("chinook.sqlite", "sakila.sqlite")) {
      Path db = MigrationTestSupport.reference(file, dir);
      List<String> tables = new ArrayList<>();
      for (List<String> r : MigrationTestSupport.rows(DriverManager.getConnection("jdbc:sqlite:" + db),
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
        tables.add(r.get(0));
      }
      assertSameEitherWay(db, tables);
    }
  }

  private static void assertSameEitherWay(Path db, List<String> tables) throws Exception {
    try (PgDatabase pg = new PgDatabase()) {
      List<String> direct = new ArrayList<>();
      List<String> through = new ArrayList<>();
      Report a = Migration.from(db).to(pg.url).schema("direct").jobs(2).progress(direct::add).execute();
      Report b = Migration.from(db).to(pg.url).schema("through").jobs(2).readDirectly(false).progress(through::add)
          .execute();
      assertTrue(a.ok(), a.render());
      assertTrue(b.ok(), b.render());
      assertTrue(direct.contains("rows read from the snapshot's pages"), direct.toString());
      assertFalse(through.contains("rows read from the snapshot's pages"), through.toString());
      assertEquals(b.plan().notes(), a.plan().notes());
      assertEquals(b.rowsLoaded(), a.rowsLoaded());
      assertEquals(b.rejected(), a.rejected());
      assertEquals(b.script().replace("\"through\"", "\"direct\"").replace("schema through", "schema direct"),
          a.script(), "the same plan, profiles and DDL");
      List<String> all = new ArrayList<>(tables);
      if (a.rejected() > 0) {
        all.add(DdlWriter.REJECTS_TABLE);
      }
      long rows = 0;
      for (String t : all) {
        String x = "direct.\"" + t + "\"";
        String y = "through.\"" + t + "\"";
        assertEquals("0", pg.one("SELECT count(*) FROM (SELECT * FROM " + x + " EXCEPT ALL SELECT * FROM " + y + ") d"),
            db.getFileName() + " " + t);
        assertEquals("0", pg.one("SELECT count(*) FROM (SELECT * FROM " + y + " EXCEPT ALL SELECT * FROM " + x + ") d"),
            db.getFileName() + " " + t);
        rows += Long.parseLong(pg.one("SELECT count(*) FROM " + x));
      }
      assertEquals(a.rowsLoaded() + a.rejected(), rows, db.getFileName().toString());
    }
  }
}
