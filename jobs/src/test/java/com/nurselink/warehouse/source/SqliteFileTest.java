package com.nurselink.warehouse.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.generate.Generator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct reader against SQLite itself: every row, rowid and value of real files (the reference
 * databases, a generated dirty nurselink source) and of files made to hold each case of the format.
 */
class SqliteFileTest {
  @TempDir
  Path tmp;

  @Test
  void readsTheReferenceDatabasesAsSqliteDoes() throws Exception {
    long values = 0;
    for (String name : SqliteTestFiles.REFERENCE) {
      Path copy = SqliteTestFiles.reference(tmp, name);
      long compared = compareAll(copy);
      assertEquals(cells(copy), compared, name + ": every value of every table compared");
      values += compared;
    }
    assertTrue(values > 300_000, "values compared: " + values);
  }

  @Test
  void readsADirtyGeneratedSourceAsSqliteDoes() throws Exception {
    Path db = tmp.resolve("dirty.db");
    Generator.create().missions(3_000).seed(11).dirty(true).writeSqlite(db);
    assertTrue(compareAll(db) > 50_000);
  }

  @Test
  void readsEveryKindOfValueAndPageAsSqliteDoes() throws Exception {
    for (int pageSize : new int[] {512, 4096, 65_536}) {
      Path db = tmp.resolve("cases-" + pageSize + ".db");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
        st.execute("PRAGMA page_size = " + pageSize);
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, i INT, r REAL, d DOUBLE PRECISION, x, s TEXT, b BLOB)");
        st.execute("CREATE INDEX t_s ON t (s)");
        // every integer width, both signs, and the constants 0 and 1 (serial types 8, 9)
        long[] ints = {0, 1, -1, 127, 128, -128, -129, 32_767, 32_768, -32_769, 8_388_607, 8_388_608, -8_388_609,
            2_147_483_647L, 2_147_483_648L, -2_147_483_649L, 140_737_488_355_327L, 140_737_488_355_328L,
            Long.MAX_VALUE, Long.MIN_VALUE};
        for (long v : ints) {
          st.execute("INSERT INTO t (i, r, d, x, s, b) VALUES (" + v + ", " + v + ", " + v + ", " + v + ", '" + v
              + "', CAST(" + v + " AS BLOB))");
        }
        // reals, whole-number reals in REAL columns (stored as integers), text and blobs in any column
        st.execute("INSERT INTO t (i, r, d, x, s, b) VALUES (1.5, 2.0, -0.0, 1e308, 'é ü 中 😀', x'')");
        st.execute("INSERT INTO t (i, r, d, x, s, b) VALUES ('12,5', 'abc', '3', x'00ff', '', x'000102')");
        st.execute("INSERT INTO t (i, r, d, x, s, b) VALUES (NULL, NULL, NULL, NULL, NULL, NULL)");
        st.execute("INSERT INTO t (i, r, d, x, s, b) VALUES (4, 5, 6, 7.25, CAST(x'c328' AS TEXT), 'text in blob')");
        st.execute("INSERT INTO t (i, r, d, x, s, b) VALUES (0, 0.1, 1e-300, 'a' || char(0) || 'b', 'x', NULL)");
        // values spilling onto overflow pages, of every length around the page's limits
        for (int len : new int[] {pageSize / 2, pageSize - 36, pageSize - 35, pageSize, 3 * pageSize + 7, 200_000}) {
          st.execute("INSERT INTO t (i, s, b) VALUES (" + len + ", printf('%." + len + "c', 'w'), randomblob(" + len
              + "))");
        }
        // enough rows for interior pages, with rowids that need every varint width, and gaps
        st.execute("WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 3000)"
            + " INSERT INTO t (id, i, r, x, s) SELECT 1000 + k * 997, k, k / 7.0, k % 3, 'row ' || k FROM n");
        st.execute("INSERT INTO t (id, s) VALUES (9223372036854775807, 'last')");
        st.execute("INSERT INTO t (id, s) VALUES (-5, 'negative rowid')");
        st.execute("DELETE FROM t WHERE i % 5 = 0 AND id > 1000");
        // a column added after rows were written: old records lack it and read its default
        st.execute("ALTER TABLE t ADD COLUMN added INTEGER DEFAULT 42");
        st.execute("ALTER TABLE t ADD COLUMN added_text TEXT DEFAULT 'n/a'");
        st.execute("ALTER TABLE t ADD COLUMN added_real REAL DEFAULT 2");
        st.execute("ALTER TABLE t ADD COLUMN added_null");
        st.execute("INSERT INTO t (s, added, added_text) VALUES ('after', 7, NULL)");
        // not a rowid alias: INTEGER PRIMARY KEY DESC as a column constraint (SQLite's documented quirk)
        st.execute("CREATE TABLE quirk (k INTEGER PRIMARY KEY DESC, v TEXT)");
        st.execute("INSERT INTO quirk VALUES (3, 'c'), (1, 'a'), (2, 'b')");
        // a rowid alias declared as a table constraint, and a table with no alias
        st.execute("CREATE TABLE alias (v TEXT, k INTEGER, PRIMARY KEY (k DESC))");
        st.execute("INSERT INTO alias VALUES ('a', 10), ('b', 5)");
        st.execute("CREATE TABLE plain (a, b)");
        st.execute("INSERT INTO plain VALUES (1, 2), (NULL, 'x')");
        st.execute("CREATE TABLE empty (a INTEGER PRIMARY KEY, b)");
      }
      assertTrue(compareAll(db) > 10_000);
      try (SqliteFile f = SqliteFile.open(db); Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        assertEquals(pageSize, f.pageSize());
        SqliteFile.Scan s = f.scan(c, "alias").orElseThrow();
        assertTrue(s.next());
        assertEquals(5, s.rowid(), "k aliases the rowid");
        SqliteFile.Scan q = f.scan(c, "quirk").orElseThrow();
        assertTrue(q.next());
        assertEquals(1, q.rowid(), "k does not alias the rowid: rows are in insertion order");
        assertEquals(3, q.getLong(0));
      }
    }
  }

  @Test
  void seeksToTheFirstRowAtOrAfterARowid() throws Exception {
    Path db = database("seek.db", "PRAGMA page_size = 512", "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)",
        "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 5000)"
            + " INSERT INTO t SELECT k * 3 - 7000, 'value ' || k FROM n",
        "DELETE FROM t WHERE a % 7 = 0", "INSERT INTO t VALUES (9223372036854775807, 'last')",
        "CREATE TABLE e (a INTEGER PRIMARY KEY)");
    List<Long> rowids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT a FROM t ORDER BY a")) {
      while (rs.next()) {
        rowids.add(rs.getLong(1));
      }
    }
    try (SqliteFile f = SqliteFile.open(db); Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      // from every rowid, the one after it (in a gap, or the next rowid), and beyond both ends: the rows
      // at and after it; interior pages divide at some of these keys
      List<Long> froms = new ArrayList<>(List.of(Long.MIN_VALUE, -1_000_000L));
      for (long r : rowids) {
        froms.add(r);
        if (r != Long.MAX_VALUE) {
          froms.add(r + 1);
        }
      }
      for (long from : froms) {
        SqliteFile.Scan s = f.scan(c, "t").orElseThrow();
        s.seek(from);
        List<Long> read = new ArrayList<>();
        while (read.size() < 3 && s.next()) {
          read.add(s.rowid());
        }
        List<Long> expected = rowids.stream().filter(r -> r >= from).limit(3).toList();
        assertEquals(expected, read, "from " + from);
      }
      SqliteFile.Scan empty = f.scan(c, "e").orElseThrow();
      empty.seek(5);
      assertFalse(empty.next());
    }
  }

  @Test
  void leavesToSqliteWhatItDoesNotRead() throws Exception {
    Path db = tmp.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE w (k TEXT PRIMARY KEY, v) WITHOUT ROWID");
      st.execute("CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL)");
      st.execute("INSERT INTO w VALUES ('x', 1)");
      st.execute("INSERT INTO g (a) VALUES (1)");
    }
    try (SqliteFile f = SqliteFile.open(db); Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      assertEquals(Optional.empty(), f.scan(c, "w"));
      assertEquals(Optional.empty(), f.scan(c, "g"));
      assertEquals(Optional.empty(), f.scan(c, "missing"));
    }

    Path utf16 = tmp.resolve("utf16.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + utf16); Statement st = c.createStatement()) {
      st.execute("PRAGMA encoding = 'UTF-16le'");
      st.execute("CREATE TABLE t (a TEXT)");
      st.execute("INSERT INTO t VALUES ('x')");
    }
    assertEquals(Optional.of("text stored as UTF-16"), SqliteFile.unsupported(utf16));
    IOException e = assertThrows(IOException.class, () -> SqliteFile.open(utf16));
    assertTrue(e.getMessage().contains(utf16.toString()), e.getMessage());

    Path text = Files.writeString(tmp.resolve("notes.db"), "not a database");
    assertEquals(Optional.of("not a SQLite 3 file"), SqliteFile.unsupported(text));

    Files.writeString(tmp.resolve("other.db-wal"), "pages not yet checkpointed");
    assertEquals(Optional.of("a wal file is beside it"), SqliteFile.unsupported(db));
  }

  @Test
  void aDamagedPageFailsNamingTheFileTableAndPage() throws Exception {
    Path db = database("damaged.db", "PRAGMA page_size = 1024", "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)",
        "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 2000)"
            + " INSERT INTO t SELECT k, 'value ' || k FROM n");
    long root = rootPage(db, "t");
    // the root is an interior page; its first child pointer now names a page past the end of the file
    try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
      long page = (root - 1) * 1024;
      raf.seek(page + 3);
      int cells = raf.readUnsignedShort();
      assertTrue(cells > 0);
      raf.seek(page + 12);
      int firstCell = raf.readUnsignedShort();
      raf.seek(page + firstCell);
      raf.writeInt(1_000_000);
    }
    try (SqliteFile f = SqliteFile.open(db); Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      SqliteFile.Scan s = f.scan(c, "t").orElseThrow();
      IOException e = assertThrows(IOException.class, () -> {
        while (s.next()) {
          s.getObject(1);
        }
      });
      assertTrue(e.getMessage().startsWith(db + ", table t: page 1000000 is outside the file"), e.getMessage());
      assertTrue(e.getMessage().endsWith("(the file is damaged)"), e.getMessage());
    }
  }

  @Test
  void aRecordClaimingMoreBytesThanTheFileFailsBeforeAnyAllocation() throws Exception {
    Path db = database("claims.db", "PRAGMA page_size = 1024", "CREATE TABLE u (a TEXT, b INTEGER)",
        "INSERT INTO u VALUES ('only row', 7)");
    long root = rootPage(db, "u");
    // the root is the only leaf; its cell's payload size becomes 2^28 - 1 bytes, in a 2-page file
    try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
      long page = (root - 1) * 1024;
      raf.seek(page + 8);
      int cell = raf.readUnsignedShort();
      raf.seek(page + cell);
      raf.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
    }
    try (SqliteFile f = SqliteFile.open(db); Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      SqliteFile.Scan s = f.scan(c, "u").orElseThrow();
      IOException e = assertThrows(IOException.class, s::next);
      assertTrue(e.getMessage().contains("claims 268435455 bytes, more than the file"), e.getMessage());
    }
  }

  @Test
  void aNumberIsNotReadFromText() throws Exception {
    Path db = database("types.db", "CREATE TABLE v (a)", "INSERT INTO v VALUES ('12345678')");
    try (SqliteFile f = SqliteFile.open(db); Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      SqliteFile.Scan s = f.scan(c, "v").orElseThrow();
      assertTrue(s.next());
      assertEquals(SqliteFile.TEXT, s.type(0));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.getLong(0));
      assertEquals("v: the value of column 0 at rowid 1 is text, not a number", e.getMessage());
      assertThrows(IllegalStateException.class, () -> s.getDouble(0));
    }
  }

  /** A new database file in the test's directory, made by these statements. */
  private Path database(String name, String... statements) throws SQLException {
    Path db = tmp.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
    return db;
  }

  private static long rootPage(Path db, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Rows times columns over the tables of {@code db}, counted by SQLite. */
  private static long cells(Path db) throws SQLException {
    long n = 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      for (String t : SqliteTestFiles.tables(c)) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) * (SELECT count(*) FROM pragma_table_info('"
            + t.replace("'", "''") + "')) FROM \"" + t.replace("\"", "\"\"") + "\"")) {
          rs.next();
          n += rs.getLong(1);
        }
      }
    }
    return n;
  }

  /** Compares every table of {@code db} read both ways; the number of values compared. */
  private static long compareAll(Path db) throws Exception {
    long values = 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); SqliteFile f = SqliteFile.open(db)) {
      for (String t : SqliteTestFiles.tables(c)) {
        Optional<SqliteFile.Scan> scan = f.scan(c, t);
        if (scan.isEmpty()) {
          continue;
        }
        values += compare(c, t, scan.get());
      }
    }
    return values;
  }

  private static long compare(Connection c, String table, SqliteFile.Scan scan) throws SQLException, IOException {
    long values = 0;
    String where = db(c) + ", table " + table;
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT _rowid_, * FROM \"" + table.replace("\"", "\"\"") + "\"")) {
      int n = rs.getMetaData().getColumnCount() - 1;
      assertEquals(n, scan.columns(), where);
      while (rs.next()) {
        assertTrue(scan.next(), where + ": fewer rows read directly");
        assertEquals(rs.getLong(1), scan.rowid(), where);
        for (int i = 0; i < n; i++) {
          Object expected = rs.getObject(i + 2);
          Object actual = scan.getObject(i);
          String at = where + ", rowid " + scan.rowid() + ", column " + (i + 1);
          if (expected instanceof byte[] b) {
            assertArrayEquals(b, (byte[]) actual, at);
            assertArrayEquals(b, scan.getBytes(i), at);
          } else {
            assertEquals(expected, actual, at);
            if (expected instanceof String) {
              assertArrayEquals(rs.getBytes(i + 2), scan.getBytes(i), at);
            }
            if (expected instanceof Integer || expected instanceof Long) {
              assertEquals(rs.getLong(i + 2), scan.getLong(i), at);
            }
          }
          values++;
        }
      }
      assertFalse(scan.next(), where + ": more rows read directly");
    }
    return values;
  }

  private static String db(Connection c) throws SQLException {
    return c.getMetaData().getURL();
  }
}
