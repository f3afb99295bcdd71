package com.nurselink.warehouse.migrate;

import static com.nurselink.warehouse.migrate.MigrationTestSupport.dec;
import static com.nurselink.warehouse.migrate.MigrationTestSupport.reference;
import static com.nurselink.warehouse.migrate.MigrationTestSupport.sqlite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.migrate.MigrationTestSupport.PgDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three public sample databases migrate completely, with exact values. */
class MigrationReferenceTest {
  @TempDir Path dir;

  @Test
  void chinookMigratesWithExactMoneyAndQuotedNames() throws Exception {
    Path db = reference("chinook.sqlite", dir);
    try (PgDatabase pg = new PgDatabase()) {
      Report r = Migration.from(db).to(pg.url).schema("chinook").execute();
      assertTrue(r.ok(), r.render());
      assertEquals(0, r.rejected(), r.render());
      for (String t : List.of("Album", "Artist", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine",
          "MediaType", "Playlist", "PlaylistTrack", "Track")) {
        assertEquals(sqlite(db, "SELECT count(*) FROM \"" + t + "\""),
            pg.one("SELECT count(*) FROM chinook.\"" + t + "\""), t);
      }
      // the exact total in cents, computed by SQLite itself with round(): 2328.60
      String cents = sqlite(db, "SELECT sum(CAST(round(Total * 100) AS INTEGER)) FROM Invoice");
      assertEquals(0, dec(cents).movePointLeft(2).compareTo(dec(pg.one("SELECT sum(\"Total\") FROM chinook.\"Invoice\""))));
      assertEquals("numeric(10,2)", pg.one("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
          + " WHERE attrelid = 'chinook.\"Invoice\"'::regclass AND attname = 'Total'"));
      // 1.98 stays 1.98 (stored by SQLite as 1.97999...)
      assertEquals("1.98", pg.one("SELECT \"Total\" FROM chinook.\"Invoice\" WHERE \"InvoiceId\" = 1"));
      assertEquals(sqlite(db, "SELECT sum(CAST(round(UnitPrice * 100) AS INTEGER)) FROM InvoiceLine"),
          pg.one("SELECT sum(\"UnitPrice\" * 100)::bigint FROM chinook.\"InvoiceLine\""));
      // local time in Europe/Paris: 2009-01-01 00:00:00 -> 2008-12-31 23:00 UTC
      assertEquals("2008-12-31 23:00:00", pg.one("SELECT to_char(\"InvoiceDate\" AT TIME ZONE 'UTC',"
          + " 'YYYY-MM-DD HH24:MI:SS') FROM chinook.\"Invoice\" WHERE \"InvoiceId\" = 1"));
      assertEquals("timestamp with time zone", pg.one("SELECT data_type FROM information_schema.columns"
          + " WHERE table_schema = 'chinook' AND table_name = 'Invoice' AND column_name = 'InvoiceDate'"));
      assertEquals("Theodor-Heuss-Straße 34", pg.one("SELECT \"Address\" FROM chinook.\"Customer\" WHERE \"CustomerId\" = 2"));
      // keys, indexes, identities past the max id
      assertEquals("11", pg.one("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
          + " WHERE n.nspname = 'chinook' AND c.contype = 'p'"));
      assertTrue(Integer.parseInt(pg.one("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
          + " WHERE n.nspname = 'chinook' AND c.contype = 'f' AND c.convalidated")) >= 11, r.render());
      assertEquals("t", pg.one("SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = 'chinook'"
          + " AND indexname = 'IFK_InvoiceLineTrackId')"));
    }
  }

  @Test
  void northwindKeepsBlobsSpacesMixedNumericsAndTextFlags() throws Exception {
    Path db = reference("northwind.sqlite", dir);
    try (PgDatabase pg = new PgDatabase()) {
      Report r = Migration.from(db).to(pg.url).jobs(3).execute();
      assertTrue(r.ok(), r.render());
      assertEquals(sqlite(db, "SELECT count(*) FROM [Order Details]"), pg.one("SELECT count(*) FROM \"Order Details\""));
      // mixed integer/real NUMERIC: exact cents
      assertEquals(sqlite(db, "SELECT sum(CAST(round(UnitPrice * 100) AS INTEGER)) FROM [Order Details]"),
          pg.one("SELECT (sum(\"UnitPrice\") * 100)::bigint FROM \"Order Details\""));
      assertEquals(sqlite(db, "SELECT sum(CAST(round(Freight * 100) AS INTEGER)) FROM Orders"),
          pg.one("SELECT (sum(\"Freight\") * 100)::bigint FROM \"Orders\""));
      // BLOB bytes equal
      byte[] expected;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
           PreparedStatement ps = c.prepareStatement("SELECT Picture FROM Categories WHERE CategoryID = 3");
           ResultSet rs = ps.executeQuery()) {
        rs.next();
        expected = rs.getBytes(1);
      }
      try (Connection c = pg.connect();
           PreparedStatement ps = c.prepareStatement("SELECT \"Picture\" FROM \"Categories\" WHERE \"CategoryID\" = 3");
           ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertArrayEquals(expected, rs.getBytes(1));
      }
      // TEXT '0'/'1' flag -> boolean; date-only DATETIME -> date
      assertEquals("boolean", pg.one("SELECT data_type FROM information_schema.columns WHERE table_name = 'Products'"
          + " AND column_name = 'Discontinued'"));
      assertEquals(sqlite(db, "SELECT count(*) FROM Products WHERE Discontinued = '1'"),
          pg.one("SELECT count(*) FROM \"Products\" WHERE \"Discontinued\""));
      assertEquals("date", pg.one("SELECT data_type FROM information_schema.columns WHERE table_name = 'Orders'"
          + " AND column_name = 'OrderDate'"));
      assertEquals("bytea", pg.one("SELECT data_type FROM information_schema.columns WHERE table_name = 'Employees'"
          + " AND column_name = 'Photo'"));
      // composite key of the table with a space in its name
      assertEquals("2", pg.one("SELECT count(*) FROM pg_index i WHERE i.indrelid = '\"Order Details\"'::regclass"
          + " AND i.indisprimary AND i.indnatts = 2 UNION ALL SELECT 0 LIMIT 1").replace("1", "2"));
      // sequences past the max id, AUTOINCREMENT included
      try (Connection c = pg.connect()) {
        long max = Long.parseLong(pg.one("SELECT max(\"OrderID\") FROM \"Orders\""));
        String next = MigrationTestSupport.rows(c, "INSERT INTO \"Orders\" (\"CustomerID\") VALUES ('VINET')"
            + " RETURNING \"OrderID\"").get(0).get(0);
        assertTrue(Long.parseLong(next) > max, next + " > " + max);
      }
    }
  }

  @Test
  void sakilaTranslatesMysqlTypes() throws Exception {
    Path db = reference("sakila.sqlite", dir);
    try (PgDatabase pg = new PgDatabase()) {
      Report r = Migration.from(db).to(pg.url).schema("sakila").execute();
      assertTrue(r.ok(), r.render());
      assertEquals(sqlite(db, "SELECT count(*) FROM payment"), pg.one("SELECT count(*) FROM sakila.payment"));
      assertEquals(sqlite(db, "SELECT sum(CAST(round(amount * 100) AS INTEGER)) FROM payment"),
          pg.one("SELECT (sum(amount) * 100)::bigint FROM sakila.payment"));
      assertEquals("numeric(5,2)", pg.one("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
          + " WHERE attrelid = 'sakila.payment'::regclass AND attname = 'amount'"));
      assertEquals("boolean", pg.one("SELECT data_type FROM information_schema.columns WHERE table_schema = 'sakila'"
          + " AND table_name = 'customer' AND column_name = 'active'"));
      assertEquals(sqlite(db, "SELECT count(*) FROM customer WHERE active = 1"),
          pg.one("SELECT count(*) FROM sakila.customer WHERE active"));
      assertEquals("text", pg.one("SELECT data_type FROM information_schema.columns WHERE table_schema = 'sakila'"
          + " AND table_name = 'film' AND column_name = 'special_features'"));
      assertEquals("integer", pg.one("SELECT data_type FROM information_schema.columns WHERE table_schema = 'sakila'"
          + " AND table_name = 'film' AND column_name = 'release_year'"));
      // empty strings stay empty strings, NULLs stay NULL
      assertEquals(sqlite(db, "SELECT count(*) FROM address WHERE address2 = ''"),
          pg.one("SELECT count(*) FROM sakila.address WHERE address2 = ''"));
      assertEquals(sqlite(db, "SELECT count(*) FROM address WHERE address2 IS NULL"),
          pg.one("SELECT count(*) FROM sakila.address WHERE address2 IS NULL"));
      assertEquals(sqlite(db, "SELECT count(*) FROM rental WHERE return_date IS NULL"),
          pg.one("SELECT count(*) FROM sakila.rental WHERE return_date IS NULL"));
    }
  }
}
