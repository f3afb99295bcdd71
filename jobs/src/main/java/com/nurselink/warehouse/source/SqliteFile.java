package com.nurselink.warehouse.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the rows of a rowid table straight from a SQLite database file, in the order of its b-tree (the
 * order of {@code SELECT _rowid_, * FROM t}), without a call into the SQLite library per value.
 *
 * <p>Why by hand: sqlite-jdbc returns one value per JNI call, about 0.2 us each; reading the 33M values of a
 * 3M-row table that way takes 6-7 s, where walking the file's pages and decoding its records in Java takes
 * about 1 s (BENCHMARKS.md). No maintained Java library reads the SQLite file format without the native
 * library. The format is SQLite's documented, stable on-disk format (https://www.sqlite.org/fileformat2.html);
 * only what a table scan needs is implemented: the header, table b-tree pages, overflow chains and records.
 *
 * <p>It is meant for a file nobody writes to, such as a snapshot ({@link SqliteSnapshots#copy}):
 * {@link #unsupported} names what it does not read (UTF-16 text, a write-ahead log or rollback journal
 * beside the file), and the caller then reads through SQLite. A damaged page or record fails with the
 * page number and rowid, never with a wrong value.
 */
public final class SqliteFile implements AutoCloseable {
  /** Storage classes, as {@code typeof()} names them. */
  public static final int NULL = 0;
  public static final int INTEGER = 1;
  public static final int REAL = 2;
  public static final int TEXT = 3;
  public static final int BLOB = 4;

  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  /** Pages are mapped in segments of this many bytes (a multiple of every page size). */
  private static final long SEGMENT = 1L << 30;
  /** No b-tree of a valid file is this deep (SQLite's own limit is 20). */
  private static final int MAX_DEPTH = 64;

  private final Path file;
  private final FileChannel channel;
  private final ByteBuffer[] segments;
  private final int pageSize;
  private final int usable;
  private final long pages;

  private SqliteFile(Path file, FileChannel channel, ByteBuffer[] segments, int pageSize, int usable, long pages) {
    this.file = file;
    this.channel = channel;
    this.segments = segments;
    this.pageSize = pageSize;
    this.usable = usable;
    this.pages = pages;
  }

  /**
   * Why this file cannot be read here, or empty when it can: not a SQLite 3 file, text stored as UTF-16, or
   * a write-ahead log or rollback journal beside it (their pages would be missing from the file).
   */
  public static Optional<String> unsupported(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer h = header(ch);
      if (h == null) {
        return Optional.of("not a SQLite 3 file");
      }
      if (h.getInt(56) != 1 && h.getInt(56) != 0) {
        return Optional.of("text stored as UTF-16");
      }
    }
    for (String suffix : new String[] {"-wal", "-journal"}) {
      Path side = file.resolveSibling(file.getFileName() + suffix);
      if (Files.exists(side) && Files.size(side) > 0) {
        return Optional.of("a " + suffix.substring(1) + " file is beside it");
      }
    }
    return Optional.empty();
  }

  /** Opens a file {@link #unsupported} accepts (read only, its pages mapped). */
  public static SqliteFile open(Path file) throws IOException {
    Optional<String> why = unsupported(file);
    if (why.isPresent()) {
      throw new IOException("cannot read " + file + " directly: " + why.get());
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      ByteBuffer h = header(ch);
      int pageSize = h.getShort(16) & 0xFFFF;
      pageSize = pageSize == 1 ? 65_536 : pageSize;
      if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
        throw new IOException(file + ": invalid page size " + pageSize);
      }
      int usable = pageSize - (h.get(20) & 0xFF);
      if (usable < 480) {
        throw new IOException(file + ": invalid reserved space per page");
      }
      long size = ch.size();
      long pages = size / pageSize;
      int n = (int) ((size + SEGMENT - 1) / SEGMENT);
      ByteBuffer[] segments = new ByteBuffer[n];
      for (int i = 0; i < n; i++) {
        long from = i * SEGMENT;
        segments[i] = ch.map(FileChannel.MapMode.READ_ONLY, from, Math.min(SEGMENT, size - from));
      }
      return new SqliteFile(file, ch, segments, pageSize, usable, pages);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static ByteBuffer header(FileChannel ch) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(100);
    while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
      // until the header is read or the file ends
    }
    if (h.hasRemaining()) {
      return null;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (h.get(i) != MAGIC[i]) {
        return null;
      }
    }
    return h;
  }

  /** The file's page size in bytes. */
  public int pageSize() {
    return pageSize;
  }

  /**
   * A scan of the rowid table whose b-tree starts at {@code rootPage} ({@code sqlite_master.rootpage}).
   *
   * @param columns the table's columns, in declaration order (generated columns excluded by the caller)
   * @param rowidAlias the index of the column that aliases the rowid ({@code INTEGER PRIMARY KEY}), or -1
   * @param realAffinity per column, whether it has REAL affinity (SQLite stores its whole numbers as integers
   *     and reads them back as reals)
   * @param missing the value of a column a record does not hold (rows written before an {@code ALTER TABLE
   *     ADD COLUMN}); asked once per column
   */
  private Scan scan(String table, long rootPage, List<String> names, int rowidAlias, boolean[] realAffinity,
      MissingValue missing) {
    return new Scan(table, rootPage, List.copyOf(names), rowidAlias, realAffinity.clone(), missing);
  }

  /**
   * A scan of a table of this file over all its columns in declaration order, with what it needs asked of
   * SQLite through {@code sqlite} (a connection to the same file, kept open while the scan runs): the root
   * page, the declared types, which column aliases the rowid (as SQLite compiles a read of it), and the
   * value of a column missing from old records. Empty for a table whose records are laid out otherwise: a
   * {@code WITHOUT ROWID} table or one with generated columns.
   */
  public Optional<Scan> scan(Connection sqlite, String table) throws SQLException {
    long root;
    String sql;
    try (PreparedStatement ps = sqlite.prepareStatement(
        "SELECT rootpage, sql FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        root = rs.getLong(1);
        sql = rs.getString(2) == null ? "" : rs.getString(2);
      }
    }
    if (sql.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").contains("WITHOUT ROWID") || root < 1) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    List<Boolean> real = new ArrayList<>();
    String quoted = '"' + table.replace("\"", "\"\"") + '"';
    try (Statement st = sqlite.createStatement();
         ResultSet rs = st.executeQuery("PRAGMA table_xinfo(" + quoted + ")")) {
      while (rs.next()) {
        if (rs.getInt("hidden") != 0) {
          return Optional.empty();
        }
        names.add(rs.getString("name"));
        real.add(realAffinity(rs.getString("type")));
      }
    }
    int alias = -1;
    for (int i = 0; i < names.size(); i++) {
      if (readsRowid(sqlite, quoted, '"' + names.get(i).replace("\"", "\"\"") + '"')) {
        alias = i;
      }
    }
    boolean[] affinity = new boolean[names.size()];
    for (int i = 0; i < affinity.length; i++) {
      affinity[i] = real.get(i);
    }
    MissingValue missing = (column, rowid) -> {
      String q = "SELECT \"" + names.get(column).replace("\"", "\"\"") + "\" FROM " + quoted + " WHERE _rowid_ = ?";
      try (PreparedStatement ps = sqlite.prepareStatement(q)) {
        ps.setLong(1, rowid);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new IOException(file + ", table " + table + ": no row with rowid " + rowid);
          }
          return rs.getObject(1);
        }
      } catch (SQLException e) {
        throw new IOException(file + ", table " + table + ": " + e.getMessage(), e);
      }
    };
    return Optional.of(scan(table, root, names, alias, affinity, missing));
  }

  /**
   * Whether SQLite reads this column as the rowid ({@code Rowid}, or {@code IdxRowid} from a covering index)
   * and never as a record field: the column is an alias of the rowid.
   */
  private static boolean readsRowid(Connection sqlite, String table, String column) throws SQLException {
    boolean rowid = false;
    boolean col = false;
    try (Statement st = sqlite.createStatement();
         ResultSet rs = st.executeQuery("EXPLAIN SELECT " + column + " FROM " + table)) {
      while (rs.next()) {
        String op = rs.getString("opcode");
        rowid |= op.equals("Rowid") || op.equals("IdxRowid");   // IdxRowid: read from a covering index
        col |= op.equals("Column");
      }
    }
    return rowid && !col;
  }

  /** The value SQLite returns for a column that is not in a row's record. */
  @FunctionalInterface
  public interface MissingValue {
    /** The value (null, Long, Double, String or byte[]) of {@code column} in the row {@code rowid}. */
    Object of(int column, long rowid) throws IOException;
  }

  /**
   * Whether a declared type gives REAL affinity, by SQLite's rules (https://www.sqlite.org/datatype3.html,
   * 3.1): no INT, CHAR, CLOB, TEXT or BLOB in it, and REAL, FLOA or DOUB.
   */
  public static boolean realAffinity(String declaredType) {
    String t = declaredType == null ? "" : declaredType.toUpperCase(Locale.ROOT);
    if (t.contains("INT") || t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") || t.contains("BLOB")
        || t.isEmpty()) {
      return false;
    }
    return t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB");
  }

  private ByteBuffer page(long number, String table) throws IOException {
    if (number < 1 || number > pages) {
      throw damaged(table, "page " + number + " is outside the file (" + pages + " pages)");
    }
    long offset = (number - 1) * pageSize;
    return segments[(int) (offset / SEGMENT)].slice((int) (offset % SEGMENT), pageSize);
  }

  private IOException damaged(String table, String what) {
    return new IOException(file + ", table " + table + ": " + what + " (the file is damaged)");
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** A cursor over a table's rows. Values are decoded when asked for; byte arrays are copies. */
  public final class Scan {
    private final String table;
    private final long root;
    private final List<String> names;
    private final int columns;
    private final int rowidAlias;
    private final boolean[] realAffinity;
    private final MissingValue missing;
    private final Object[] missingValues;
    private final boolean[] missingKnown;
    /** The path from the root: pages and the next cell to visit in each. */
    private final ByteBuffer[] stack = new ByteBuffer[MAX_DEPTH];
    private final int[] headers = new int[MAX_DEPTH];
    private final int[] next = new int[MAX_DEPTH];
    private final long[] numbers = new long[MAX_DEPTH];
    private int depth = -1;
    private long visited;
    private boolean started;
    // the current row
    private ByteBuffer buf;
    private long rowid;
    private int fields;
    private final int[] serial;
    private final int[] offset;
    private byte[] overflow = new byte[0];

    private Scan(String table, long root, List<String> names, int rowidAlias, boolean[] realAffinity,
        MissingValue missing) {
      this.table = table;
      this.root = root;
      this.names = names;
      this.columns = names.size();
      this.rowidAlias = rowidAlias;
      this.realAffinity = realAffinity;
      this.missing = missing;
      this.missingValues = new Object[columns];
      this.missingKnown = new boolean[columns];
      this.serial = new int[columns];
      this.offset = new int[columns];
    }

    /** How many columns the table has. */
    public int columns() {
      return columns;
    }

    /** The table's column names, in declaration order (as {@code PRAGMA table_xinfo} gives them). */
    public List<String> columnNames() {
      return names;
    }

    /**
     * Positions the scan before the first row whose rowid is at least {@code from}: the next {@link #next}
     * moves to it. Descends the b-tree once, by the keys of its interior pages, instead of reading the rows
     * before it.
     */
    public void seek(long from) throws IOException {
      started = true;
      depth = -1;
      visited = 0;
      push(root);
      while (true) {
        ByteBuffer p = stack[depth];
        int h = headers[depth];
        boolean leaf = p.get(h) == 13;
        int cells = p.getShort(h + 3) & 0xFFFF;
        int pointers = h + (leaf ? 8 : 12);
        // the first cell whose key (a leaf's rowid; an interior cell's largest rowid of its child) >= from
        int lo = 0;
        int hi = cells;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          int at = cell(p, pointers, mid, cells);
          long key;
          if (leaf) {
            varint(p, at, usable);
            key = varint(p, varintEnd, usable);
          } else {
            key = varint(p, at + 4, usable);
          }
          if (key < from) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        if (leaf) {
          next[depth] = lo;
          return;
        }
        next[depth] = lo + 1;
        push(lo < cells ? p.getInt(cell(p, pointers, lo, cells)) & 0xFFFF_FFFFL : p.getInt(h + 8) & 0xFFFF_FFFFL);
      }
    }

    /** Moves to the next row; false after the last. */
    public boolean next() throws IOException {
      if (!started) {
        started = true;
        push(root);
      }
      while (depth >= 0) {
        ByteBuffer p = stack[depth];
        int h = headers[depth];
        int flag = p.get(h);
        int cells = p.getShort(h + 3) & 0xFFFF;
        int i = next[depth]++;
        if (flag == 13) {
          if (i < cells) {
            row(p, cell(p, h + 8, i, cells));
            return true;
          }
          depth--;
        } else if (i < cells) {
          push(p.getInt(cell(p, h + 12, i, cells)) & 0xFFFF_FFFFL);
        } else if (i == cells) {
          push(p.getInt(h + 8) & 0xFFFF_FFFFL);
        } else {
          depth--;
        }
      }
      return false;
    }

    private int cell(ByteBuffer p, int pointers, int i, int cells) throws IOException {
      int at = p.getShort(pointers + 2 * i) & 0xFFFF;
      if (at < pointers + 2 * cells || at >= usable) {
        throw damaged(table, "cell " + i + " of page " + numbers[depth] + " points outside the page");
      }
      return at;
    }

    private void push(long number) throws IOException {
      if (depth + 1 >= MAX_DEPTH || ++visited > pages) {
        throw damaged(table, "the b-tree loops or is deeper than " + MAX_DEPTH);
      }
      ByteBuffer p = page(number, table);
      int h = number == 1 ? 100 : 0;
      int flag = p.get(h);
      if (flag != 13 && flag != 5) {
        throw damaged(table, "page " + number + " is not a page of a rowid table (flag " + flag + ")");
      }
      depth++;
      stack[depth] = p;
      headers[depth] = h;
      next[depth] = 0;
      numbers[depth] = number;
    }

    /** Reads the leaf cell at {@code at}: payload size, rowid, then the record (on this page or overflowing). */
    private void row(ByteBuffer p, int at) throws IOException {
      long payload = varint(p, at, usable);
      int q = varintEnd;
      rowid = varint(p, q, usable);
      q = varintEnd;
      int max = usable - 35;
      if (payload <= max) {
        if (q + payload > usable) {
          throw damaged(table, "the record of rowid " + rowid + " runs past its page");
        }
        record(p, q, q + (int) payload);
        return;
      }
      if (payload > Integer.MAX_VALUE - 8) {
        throw damaged(table, "the record of rowid " + rowid + " is " + payload + " bytes");
      }
      int min = (usable - 12) * 32 / 255 - 23;
      int k = min + (int) ((payload - min) % (usable - 4));
      int local = k <= max ? k : min;
      if (payload > local + pages * (usable - 4)) {
        throw damaged(table, "the record of rowid " + rowid + " claims " + payload + " bytes, more than the file");
      }
      if (q + local + 4 > usable) {
        throw damaged(table, "the record of rowid " + rowid + " runs past its page");
      }
      int total = (int) payload;
      if (overflow.length < total) {
        overflow = new byte[Math.max(total, overflow.length * 2)];
      }
      p.get(q, overflow, 0, local);
      int filled = local;
      long nextPage = p.getInt(q + local) & 0xFFFF_FFFFL;
      int chain = 0;
      while (filled < total) {
        if (nextPage == 0 || ++chain > pages) {
          throw damaged(table, "the overflow chain of rowid " + rowid + " ends early");
        }
        ByteBuffer o = page(nextPage, table);
        int n = Math.min(usable - 4, total - filled);
        o.get(4, overflow, filled, n);
        filled += n;
        nextPage = o.getInt(0) & 0xFFFF_FFFFL;
      }
      record(ByteBuffer.wrap(overflow, 0, total), 0, total);
    }

    /** Parses a record's header: the serial type and offset of each field. */
    private void record(ByteBuffer b, int start, int stop) throws IOException {
      long size = varint(b, start, stop);
      int q = varintEnd;
      if (size < 1 || start + size > stop) {
        throw damaged(table, "the record header of rowid " + rowid + " is malformed");
      }
      int headerEnd = start + (int) size;
      long body = headerEnd;
      int n = 0;
      while (q < headerEnd) {
        if (n == columns) {
          throw damaged(table, "the record of rowid " + rowid + " holds more than " + columns + " columns");
        }
        long t = varint(b, q, headerEnd);
        q = varintEnd;
        if (t > Integer.MAX_VALUE || t == 10 || t == 11) {
          throw damaged(table, "the record of rowid " + rowid + " has an invalid serial type " + t);
        }
        serial[n] = (int) t;
        offset[n] = (int) Math.min(body, stop);
        body += length((int) t);
        n++;
      }
      if (body > stop) {
        throw damaged(table, "the record of rowid " + rowid + " runs past its payload");
      }
      buf = b;
      fields = n;
    }

    /** The rowid of the current row. */
    public long rowid() {
      return rowid;
    }

    /** The storage class of a column of the current row ({@link #NULL} ... {@link #BLOB}). */
    public int type(int column) throws IOException {
      if (column == rowidAlias) {
        return INTEGER;
      }
      if (column >= fields) {
        Object v = missing(column);
        return v == null ? NULL : v instanceof Long ? INTEGER : v instanceof Double ? REAL
            : v instanceof String ? TEXT : BLOB;
      }
      int t = serial[column];
      if (t == 0) {
        return NULL;
      }
      if (t <= 6 || t == 8 || t == 9) {
        return realAffinity[column] ? REAL : INTEGER;
      }
      return t == 7 ? REAL : (t & 1) == 0 ? BLOB : TEXT;
    }

    /** A number's value as a long (0 for NULL); a text or blob value is refused. */
    public long getLong(int column) throws IOException {
      if (column == rowidAlias) {
        return rowid;
      }
      if (column >= fields) {
        Object v = missing(column);
        return v instanceof Number n ? n.longValue() : 0;
      }
      int t = number(column);
      return t == 7 ? (long) Double.longBitsToDouble(buf.getLong(offset[column])) : integer(t, offset[column]);
    }

    /** A number's value as a double (0 for NULL); a text or blob value is refused. */
    public double getDouble(int column) throws IOException {
      if (column == rowidAlias) {
        return rowid;
      }
      if (column >= fields) {
        Object v = missing(column);
        return v instanceof Number n ? n.doubleValue() : 0;
      }
      int t = number(column);
      return t == 7 ? Double.longBitsToDouble(buf.getLong(offset[column])) : integer(t, offset[column]);
    }

    private int number(int column) {
      int t = serial[column];
      if (t >= 12) {
        throw new IllegalStateException(table + ": the value of column " + column + " at rowid " + rowid
            + " is " + ((t & 1) == 0 ? "a blob" : "text") + ", not a number");
      }
      return t;
    }

    /** The bytes of a text (UTF-8, as stored) or blob value; null for NULL. */
    public byte[] getBytes(int column) throws IOException {
      int type = type(column);
      if (type == NULL) {
        return null;
      }
      if (column >= fields) {
        Object v = missing(column);
        return v instanceof byte[] b ? b.clone() : String.valueOf(v).getBytes(StandardCharsets.UTF_8);
      }
      if (type != TEXT && type != BLOB) {
        throw new IllegalStateException(table + ": the value of column " + column + " at rowid " + rowid
            + " is a number, not text");
      }
      int t = serial[column];
      byte[] b = new byte[(t - 12) >> 1];
      buf.get(offset[column], b);
      return b;
    }

    /**
     * The value as sqlite-jdbc's {@code getObject} gives it: null, an Integer when it fits 32 bits else a
     * Long, a Double, a String (text decoded from UTF-8) or a byte[] (blob).
     */
    public Object getObject(int column) throws IOException {
      switch (type(column)) {
        case NULL -> {
          return null;
        }
        case INTEGER -> {
          long v = getLong(column);
          return v == (int) v ? (Object) (int) v : (Object) v;
        }
        case REAL -> {
          return getDouble(column);
        }
        case TEXT -> {
          return new String(getBytes(column), StandardCharsets.UTF_8);
        }
        default -> {
          return getBytes(column);
        }
      }
    }

    private Object missing(int column) throws IOException {
      if (!missingKnown[column]) {
        Object v = missing.of(column, rowid);
        missingValues[column] = v instanceof Integer i ? (Object) i.longValue() : v;
        missingKnown[column] = true;
      }
      return missingValues[column];
    }

    private long integer(int t, int at) {
      switch (t) {
        case 8 -> {
          return 0;
        }
        case 9 -> {
          return 1;
        }
        case 0 -> {
          return 0;
        }
        default -> {
          int len = t == 5 ? 6 : t == 6 ? 8 : t;
          long v = buf.get(at);   // sign-extended first byte
          for (int k = 1; k < len; k++) {
            v = (v << 8) | (buf.get(at + k) & 0xFF);
          }
          return v;
        }
      }
    }

    /** Where the last varint read ended. */
    private int varintEnd;

    /** A SQLite varint at {@code at}, reading no further than {@code limit}. */
    private long varint(ByteBuffer b, int at, int limit) throws IOException {
      long v = 0;
      for (int i = 0; i < 9; i++) {
        if (at + i >= limit) {
          throw damaged(table, "a varint runs past its page near rowid " + rowid);
        }
        int x = b.get(at + i) & 0xFF;
        if (i == 8) {
          varintEnd = at + 9;
          return (v << 8) | x;
        }
        v = (v << 7) | (x & 0x7F);
        if (x < 0x80) {
          varintEnd = at + i + 1;
          return v;
        }
      }
      throw new AssertionError();
    }
  }

  /** The byte length of a value of serial type {@code t}. */
  static int length(int t) {
    return switch (t) {
      case 0, 8, 9 -> 0;
      case 1, 2, 3, 4 -> t;
      case 5 -> 6;
      case 6, 7 -> 8;
      default -> (t - 12) >> 1;
    };
  }
}
