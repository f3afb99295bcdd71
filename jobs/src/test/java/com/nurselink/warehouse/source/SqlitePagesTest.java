package com.nurselink.warehouse.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.util.Pseudonyms;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extract's page reader against SQLite's own text of every value: the same rows as the JDBC read of
 * {@code SELECT CAST(c AS TEXT), ..., rowid}, compared whole (with duplicates), over the reference
 * databases, a generated dirty source read by the extractor both ways, and a file made to hold each case.
 */
class SqlitePagesTest extends SparkTestBase {
  @TempDir
  Path tmp;

  @Test
  void givesSqlitesTextOfEveryValueOfTheReferenceDatabases() throws Exception {
    long rows = 0;
    for (String name : SqliteTestFiles.REFERENCE) {
      Path copy = SqliteTestFiles.reference(tmp, name);
      for (String table : SqliteTestFiles.tables(copy)) {
        rows += compare(copy, table, 3);
      }
    }
    assertTrue(rows > 40_000, "rows compared: " + rows);
  }

  @Test
  void givesSqlitesTextOfEveryKindOfValueInEveryPartitioning() throws Exception {
    Path db = tmp.resolve("cases.db");
    Random random = new Random(7);
    long[] ints = {0, 1, -1, 127, -129, 32_768, -8_388_609, 2_147_483_648L, 140_737_488_355_328L,
        Long.MAX_VALUE, Long.MIN_VALUE};
    // reals SQLite writes with 15 digits, with 17, with an exponent, whole numbers in a REAL column,
    // negative zero, infinities, and reals stored in columns of every affinity
    String[] reals = {"0.1", "1.0 / 3", "2.0", "-0.0", "1e308", "1e-300", "123456789012345678.0", "1e17",
        "9.99e16", "25.5", "31.75", "9e999", "-9e999", "4.35", "0.30000000000000004", "100.0 / 7"};
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("PRAGMA page_size = 1024");
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, i INT, r REAL, n NUMERIC, x, s TEXT, b BLOB)");
      for (long v : ints) {
        st.execute("INSERT INTO t (i, r, n, x, s, b) VALUES (" + v + ", " + v + ", " + v + ", " + v + ", " + v
            + ", CAST(" + v + " AS BLOB))");
      }
      for (String r : reals) {
        st.execute("INSERT INTO t (i, r, n, x, s, b) VALUES (" + r + ", " + r + ", " + r + ", " + r + ", " + r
            + ", " + r + ")");
      }
      try (var ps = c.prepareStatement("INSERT INTO t (r, x) VALUES (?, ?)")) {
        for (int k = 0; k < 2_000; k++) {
          ps.setDouble(1, Math.round(random.nextDouble() * 6_000) / 100.0);
          ps.setDouble(2, Double.longBitsToDouble(random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL)
              * (random.nextBoolean() ? 1 : -1));
          ps.executeUpdate();
        }
      }
      // text: non-ASCII, malformed UTF-8, NUL inside, empty; blobs of text and of bytes; overflow pages
      st.execute("INSERT INTO t (s, x, b) VALUES ('é ü 中 😀', 'Besançon', x'')");
      st.execute("INSERT INTO t (s, x, b) VALUES (CAST(x'c328' AS TEXT), CAST(x'eda080' AS TEXT), x'00ff')");
      st.execute("INSERT INTO t (s, x, b) VALUES (CAST(x'f4908080' AS TEXT), CAST(x'e0809f' AS TEXT), x'c0af')");
      st.execute("INSERT INTO t (s, x, b) VALUES ('a' || char(0) || 'b', '', 'text in a blob')");
      st.execute("INSERT INTO t (s, b) VALUES (printf('%.5000c', 'w'), randomblob(3000))");
      // many rows: interior pages, gaps, a negative and the largest rowid
      st.execute("WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 3000)"
          + " INSERT INTO t (id, i, r, s) SELECT 10000 + k * 13, k, k / 7.0, 'row ' || k FROM n");
      st.execute("DELETE FROM t WHERE id > 10000 AND i % 4 = 0");
      st.execute("INSERT INTO t (id, s) VALUES (-50, 'negative rowid')");
      // the extreme rowids, in a table of their own (t's ranges stay narrow, so that they seek mid-table)
      st.execute("CREATE TABLE extremes (a INTEGER PRIMARY KEY, b)");
      st.execute("INSERT INTO extremes VALUES (-9223372036854775808, 'first'), (-1, 'x'), (0, 'y'),"
          + " (4611686018427387904, 'z'), (9223372036854775807, 'last')");
      // columns added after rows were written: old records read their defaults
      st.execute("ALTER TABLE t ADD COLUMN added_int INTEGER DEFAULT 42");
      st.execute("ALTER TABLE t ADD COLUMN added_real REAL DEFAULT 2.5");
      st.execute("ALTER TABLE t ADD COLUMN added_text TEXT DEFAULT 'n/a'");
      st.execute("INSERT INTO t (s, added_int, added_real, added_text) VALUES ('after', 7, NULL, 'x')");
      st.execute("CREATE TABLE empty (a INTEGER PRIMARY KEY, b)");
    }
    long total = count(db, "t");
    for (int partitions : new int[] {1, 2, 3, 7, 16}) {
      assertEquals(total, compare(db, "t", partitions), partitions + " partitions");
    }
    assertEquals(0, compare(db, "empty", 4));
    for (int partitions : new int[] {1, 3, 16}) {
      assertEquals(5, compare(db, "extremes", partitions), partitions + " partitions");
    }

    // a real inserted into the TEXT column s was stored as SQLite's text of it: the page reader gives that
    // text for the same real in the REAL column r and the column x of no affinity (the INT and NUMERIC
    // columns store whole reals as integers)
    List<String> cols = List.of("i", "r", "n", "x", "s");
    List<Row> rows = pages(db, "t", cols, cols, 3).where("_row > " + ints.length + " AND _row <= "
        + (ints.length + reals.length)).orderBy("_row").collectAsList();
    assertEquals(reals.length, rows.size());
    List<String> texts = new ArrayList<>();
    for (Row r : rows) {
      for (int k : new int[] {1, 3}) {
        assertEquals(r.getString(4), r.getString(k), "column " + cols.get(k) + " of " + r);
      }
      texts.add(r.getString(4));
    }
    // 1/3 in 17 digits from SQLite's own decimal conversion (the exact binary value rounds to ...31)
    assertEquals(List.of("0.1", "0.33333333333333332", "2.0"), texts.subList(0, 3));
    assertEquals(List.of("25.5", "31.75", "Inf", "-Inf", "4.35"), texts.subList(9, 14));
  }

  @Test
  void theExtractorReadsAGeneratedDirtySourceAlikeBothWays() throws Exception {
    Path db = tmp.resolve("dirty.db");
    Generator.create().missions(1_500).seed(5).dirty(true).writeSqlite(db);
    Pseudonyms ps = new Pseudonyms("k");
    for (String table : SourceContract.names()) {
      SourceTable src = new SourceTable(table, db.toString(), table, Map.of());
      Dataset<Row> viaPages = Extractor.read(spark(), src, "jdbc:sqlite:" + db, db.toString(),
          new Extractor.Options(3, 100, "fail", ps, true)).raw();
      Dataset<Row> viaSqlite = Extractor.read(spark(), src, "jdbc:sqlite:" + db, db.toString(),
          new Extractor.Options(3, 100, "fail", ps, false)).raw();
      assertTrue(viaPages.queryExecution().executedPlan().toString().contains("sqlite pages of " + table),
          "read from the pages: " + table);
      assertFalse(viaSqlite.queryExecution().executedPlan().toString().contains("sqlite pages"), table);
      assertSame(viaSqlite, viaPages, table);
    }
  }

  @Test
  void aTableTheReaderCannotReadGoesThroughSqlite() throws Exception {
    Path db = tmp.resolve("generated.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE contracts (id INTEGER PRIMARY KEY, application_id, mission_id, nurse_id, status,"
          + " start_date, end_date, hourly_rate, hours_worked, signed_at, created_at, updated_at)");
      // a generated column: records hold no value for it, SQLite computes it
      st.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email, full_name, role, city, specialty,"
          + " created_at, updated_at GENERATED ALWAYS AS (created_at + 0.5) VIRTUAL)");
      st.execute("INSERT INTO users (id, email, full_name, role, city, specialty, created_at)"
          + " VALUES (3, 'a@b.c', 'A B', 'nurse', 'Lyon', 'icu', 1)");
      st.execute("INSERT INTO contracts (id, mission_id, nurse_id, status, hourly_rate) VALUES (1, 2, 3, 's', 27.3)");
    }
    Pseudonyms ps = new Pseudonyms("k");
    SourceTable users = new SourceTable("users", db.toString(), "users", Map.of());
    var ex = Extractor.read(spark(), users, "jdbc:sqlite:" + db, db.toString(), new Extractor.Options(2, 10, "fail", ps));
    assertFalse(ex.raw().queryExecution().executedPlan().toString().contains("sqlite pages"));
    assertEquals(List.of(row("3", "nurse", "1.5")), ex.raw().selectExpr("id", "role", "updated_at").collectAsList());
    SourceTable contracts = new SourceTable("contracts", db.toString(), "contracts", Map.of());
    ex = Extractor.read(spark(), contracts, "jdbc:sqlite:" + db, db.toString(), new Extractor.Options(2, 10, "fail", ps));
    assertTrue(ex.raw().queryExecution().executedPlan().toString().contains("sqlite pages"));
    assertEquals(List.of(row("1", "27.3", null, 1L)),
        ex.raw().selectExpr("id", "hourly_rate", "end_date", "_row").collectAsList());
  }

  @Test
  void aDamagedPageFailsTheReadNamingTheFileTableAndPage() throws Exception {
    Path db = tmp.resolve("damaged.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("PRAGMA page_size = 1024");
      st.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)");
      st.execute("WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 2000)"
          + " INSERT INTO t SELECT k, 'value ' || k FROM n");
    }
    long root;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = 't'")) {
      rs.next();
      root = rs.getLong(1);
    }
    // a child pointer in the middle of the root now names a page past the end of the file (SQLite's
    // min() and max() of the rowid read only the first and the last child)
    try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
      long page = (root - 1) * 1024;
      raf.seek(page + 3);
      int cells = raf.readUnsignedShort();
      assertTrue(cells > 2);
      raf.seek(page + 12 + 2 * (cells / 2));
      int cell = raf.readUnsignedShort();
      raf.seek(page + cell);
      raf.writeInt(1_000_000);
    }
    Dataset<Row> read = SqlitePages.read(spark(), db, "t", List.of("a", "b"), List.of("a", "b"), 1, 2000, 2);
    Exception e = assertThrows(Exception.class, read::collectAsList);
    Throwable root0 = e;
    while (root0.getCause() != null) {
      root0 = root0.getCause();
    }
    assertTrue(root0.getMessage().startsWith(db + ", table t: page 1000000 is outside the file"), root0.getMessage());
  }

  @Test
  void wellFormedUtf8IsWhatJavaDecodesWithoutReplacement() {
    Random random = new Random(3);
    int malformed = 0;
    for (int k = 0; k < 200_000; k++) {
      byte[] b = new byte[1 + random.nextInt(5)];
      random.nextBytes(b);
      if (random.nextBoolean()) {
        b[0] = (byte) (0xC0 | random.nextInt(0x40)); // start a multi-byte sequence more often
      }
      byte[] again = new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
      assertEquals(java.util.Arrays.equals(b, again), SqlitePages.wellFormed(b), java.util.HexFormat.of().formatHex(b));
      malformed += SqlitePages.wellFormed(b) ? 0 : 1;
    }
    assertTrue(malformed > 10_000 && malformed < 190_000, "both kinds drawn: " + malformed);
    for (long v : new long[] {0, 7, -7, 10, -10, 99, 100, 1_000_000_007L, Long.MAX_VALUE, Long.MIN_VALUE}) {
      assertArrayEquals(Long.toString(v).getBytes(StandardCharsets.US_ASCII), SqlitePages.digits(v));
    }
  }

  /** Every column of {@code table} read from its pages and through SQLite: the same rows; how many. */
  private long compare(Path db, String table, int partitions) throws Exception {
    List<String> columns = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      if (!SqlitePages.readable(db, c, table)) {
        return 0;
      }
      try (Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT name FROM pragma_table_info('" + table.replace("'", "''") + "')")) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      names.add("c" + i);
    }
    Dataset<Row> viaPages = pages(db, table, names, columns, partitions);
    StringBuilder select = new StringBuilder("SELECT ");
    StringBuilder schema = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      select.append("CAST(\"").append(columns.get(i).replace("\"", "\"\"")).append("\" AS TEXT) AS c").append(i)
          .append(", ");
      schema.append("c").append(i).append(" STRING, ");
    }
    select.append("_rowid_ AS _row FROM \"").append(table.replace("\"", "\"\"")).append('"');
    Dataset<Row> viaSqlite = spark().read().format("jdbc").option("driver", "org.sqlite.JDBC")
        .option("url", "jdbc:sqlite:" + db).option("dbtable", "(" + select + ") s")
        .option("customSchema", schema + "_row BIGINT").load();
    List<Row> expected = sorted(viaSqlite);
    assertEquals(List.of(viaSqlite.columns()), List.of(viaPages.columns()));
    assertEquals(expected, sorted(viaPages), db.getFileName() + " " + table);
    return expected.size();
  }

  private static Dataset<Row> pages(Path db, String table, List<String> names, List<String> columns, int partitions)
      throws Exception {
    long lo;
    long hi;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT min(_rowid_), max(_rowid_) FROM \"" + table.replace("\"", "\"\"")
             + "\"")) {
      rs.next();
      lo = rs.getLong(1);
      hi = rs.getLong(2);
    }
    return SqlitePages.read(spark(), db, table, names, columns, lo, hi, partitions);
  }

  /** The same column names and the same rows, counted with duplicates (both sides sorted, compared whole). */
  private static void assertSame(Dataset<Row> expected, Dataset<Row> actual, String what) {
    assertEquals(List.of(expected.columns()), List.of(actual.columns()), what);
    assertEquals(sorted(expected), sorted(actual), what);
  }

  private static long count(Path db, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

}
