package com.nurselink.warehouse.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A Spark source reading a rowid table of a SQLite file (the extract's snapshot) from its pages through
 * {@link SqliteFile}: every column as the text SQLite gives for {@code CAST(c AS TEXT)}, then the rowid, in
 * ranges of the rowid, one partition each. It yields the rows the JDBC read
 * {@code SELECT CAST(c AS TEXT), ..., rowid FROM t} yields, without one call into the SQLite library per value
 * (BENCHMARKS.md: 1.5 s against 8.1-8.5 s for the 37.9M values of the 1M-mission source).
 *
 * <p>Integers and text need no library: an integer's text is its decimal digits (SQLite's {@code %lld}), text
 * and blobs are their bytes read as UTF-8 as sqlite-jdbc decodes them (malformed bytes replaced). A REAL's
 * text is SQLite's own conversion (15 significant digits when they read back as the same double, else 17
 * from SQLite's decimal conversion): it is asked of SQLite, {@code SELECT CAST(? AS TEXT)} on the same
 * connection, once per distinct value in a partition (a cache of up to 65,536 values, emptied when full),
 * so it is SQLite's text by construction.
 *
 * <p>Options: {@code path}, {@code table} (physical), {@code columns} (the physical column read into each
 * output column, a JSON array, null for a column read as NULL), {@code names} (the output columns, a JSON
 * array),
 * {@code bounds} ({@code lo,hi,partitions}: the rowid range split into that many ranges; the first and last
 * are open-ended). Executors read the file at {@code path}, as the JDBC source opens it.
 */
public final class SqlitePages implements TableProvider {
  /** The column of the rowid, after the named columns. */
  public static final String ROWID = "_row";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Distinct REAL values whose text one partition keeps. */
  private static final int REAL_CACHE = 1 << 16;

  /**
   * The rows of {@code table} in {@code file}, as strings named {@code names} read from {@code physical} (a
   * null entry: NULL), then {@link #ROWID}; {@code partitions} ranges of the rowid between {@code lo} and
   * {@code hi}.
   */
  public static Dataset<Row> read(SparkSession spark, Path file, String table, List<String> names,
      List<String> physical, long lo, long hi, int partitions) {
    return spark.read().format(SqlitePages.class.getName())
        .option("path", file.toAbsolutePath().toString())
        .option("table", table)
        .option("names", json(names))
        .option("columns", json(physical))
        .option("bounds", lo + "," + hi + "," + Math.max(1, partitions))
        .load();
  }

  /**
   * Whether {@code table} of {@code file} can be read from its pages: a file {@link SqliteFile} reads, and a
   * rowid table without generated columns. {@code sqlite} is a connection to the same file.
   */
  public static boolean readable(Path file, Connection sqlite, String table) throws SQLException, IOException {
    if (SqliteFile.unsupported(file).isPresent()) {
      return false;
    }
    try (SqliteFile f = SqliteFile.open(file)) {
      return f.scan(sqlite, table).isPresent();
    }
  }

  private static String json(List<String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] strings(String json) {
    try {
      return JSON.readValue(json, String[].class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON array of strings: " + json, e);
    }
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    List<StructField> fields = new ArrayList<>();
    for (String n : strings(options.get("names"))) {
      fields.add(DataTypes.createStructField(n, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(ROWID, DataTypes.LongType, false));
    return DataTypes.createStructType(fields);
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new PagesTable(schema, new CaseInsensitiveStringMap(properties));
  }

  /** The table, its scan and its batch: one plan, all its partitions read alike. */
  private static final class PagesTable implements Table, SupportsRead, ScanBuilder, Scan, Batch {
    private final StructType schema;
    private final CaseInsensitiveStringMap options;

    PagesTable(StructType schema, CaseInsensitiveStringMap options) {
      this.schema = schema;
      this.options = options;
    }

    @Override
    public String name() {
      return "sqlite pages of " + options.get("table");
    }

    @Override
    @SuppressWarnings("deprecation")
    public StructType schema() {
      return schema;
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
      return this;
    }

    @Override
    public Scan build() {
      return this;
    }

    @Override
    public StructType readSchema() {
      return schema;
    }

    @Override
    public String description() {
      return name();
    }

    @Override
    public Batch toBatch() {
      return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
      String[] b = options.get("bounds").split(",");
      long lo = Long.parseLong(b[0]);
      long hi = Long.parseLong(b[1]);
      int n = Integer.parseInt(b[2]);
      List<Range> ranges = new ArrayList<>();
      // n ranges of equal width between lo and hi, the first and the last open-ended; the width is
      // computed without hi - lo, which overflows over the whole range of rowids (lo + i * stride is
      // exact even when i * stride alone overflows: it lies between lo and hi)
      long stride = Math.max(1, hi / n - lo / n);
      long from = Long.MIN_VALUE;
      for (int i = 1; i < n && lo + i * stride <= hi; i++) {
        long bound = lo + i * stride;
        ranges.add(new Range(from, bound - 1));
        from = bound;
      }
      ranges.add(new Range(from, Long.MAX_VALUE));
      return ranges.toArray(new InputPartition[0]);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      return new Factory(options.get("path"), options.get("table"), strings(options.get("columns")));
    }
  }

  /** The decimal digits of {@code v}, as SQLite's {@code %lld} writes them. */
  static byte[] digits(long v) {
    if (v == Long.MIN_VALUE) {
      return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
    long a = Math.abs(v);
    int n = v < 0 ? 2 : 1;
    for (long x = a; x >= 10; x /= 10) {
      n++;
    }
    byte[] b = new byte[n];
    int i = n;
    do {
      b[--i] = (byte) ('0' + a % 10);
      a /= 10;
    } while (a != 0);
    if (v < 0) {
      b[0] = '-';
    }
    return b;
  }

  /**
   * Whether {@code b} is well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms, no surrogates,
   * nothing above U+10FFFF), which Java's decoder reads without a replacement.
   */
  static boolean wellFormed(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int x = b[i] & 0xFF;
      if (x < 0x80) {
        i++;
        continue;
      }
      int len;
      int lo = 0x80;
      int hi = 0xBF;
      if (x >= 0xC2 && x <= 0xDF) {
        len = 2;
      } else if (x >= 0xE0 && x <= 0xEF) {
        len = 3;
        lo = x == 0xE0 ? 0xA0 : 0x80;
        hi = x == 0xED ? 0x9F : 0xBF;
      } else if (x >= 0xF0 && x <= 0xF4) {
        len = 4;
        lo = x == 0xF0 ? 0x90 : 0x80;
        hi = x == 0xF4 ? 0x8F : 0xBF;
      } else {
        return false;
      }
      if (i + len > n) {
        return false;
      }
      int second = b[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return false;
      }
      for (int k = 2; k < len; k++) {
        int y = b[i + k] & 0xFF;
        if (y < 0x80 || y > 0xBF) {
          return false;
        }
      }
      i += len;
    }
    return true;
  }

  /** The rows whose rowid is in [from, to]. */
  record Range(long from, long to) implements InputPartition {}

  /** What an executor needs to read a range. */
  private record Factory(String path, String table, String[] columns) implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      try {
        return new Reader(this, (Range) partition);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** Reads one range: the scan of the pages, the connection for what only SQLite says. */
  private static final class Reader implements PartitionReader<InternalRow> {
    private final SqliteFile file;
    private final Connection sqlite;
    private final SqliteFile.Scan scan;
    private final int[] index;
    private final long to;
    private PreparedStatement realText;
    private final Map<Long, UTF8String> reals = new HashMap<>();
    private InternalRow row;

    Reader(Factory f, Range range) throws IOException {
      Path p = Path.of(f.path());
      SqliteFile opened = SqliteFile.open(p);
      Connection c = null;
      try {
        Properties props = new Properties();
        props.setProperty("open_mode", "1"); // read-only
        c = DriverManager.getConnection("jdbc:sqlite:" + p, props);
        Optional<SqliteFile.Scan> s = opened.scan(c, f.table());
        if (s.isEmpty()) {
          throw new IOException(p + ", table " + f.table() + ": not a rowid table this reader reads");
        }
        scan = s.get();
        List<String> names = scan.columnNames();
        index = new int[f.columns().length];
        for (int i = 0; i < index.length; i++) {
          String col = f.columns()[i];
          index[i] = col == null ? -1 : column(names, col);
          if (index[i] == -2) {
            throw new IOException(p + ", table " + f.table() + ": no column " + col);
          }
        }
        if (range.from() != Long.MIN_VALUE) {
          scan.seek(range.from());
        }
        to = range.to();
        file = opened;
        sqlite = c;
      } catch (SQLException e) {
        IOException failed = new IOException(p + ", table " + f.table() + ": " + SqliteSnapshots.sqliteReason(e), e);
        closeAfter(failed, opened, c);
        throw failed;
      } catch (IOException | RuntimeException | Error e) {
        closeAfter(e, opened, c);
        throw e;
      }
    }

    /**
     * The index of {@code name} among the table's columns as SQLite resolves it: the exact name, else the
     * same name with ASCII letters in any case (SQLite folds no other letter); -2 when there is none.
     */
    static int column(List<String> names, String name) {
      int folded = -2;
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).equals(name)) {
          return i;
        }
        if (folded == -2 && asciiFold(names.get(i)).equals(asciiFold(name))) {
          folded = i;
        }
      }
      return folded;
    }

    private static String asciiFold(String s) {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + ('a' - 'A')) : ch);
      }
      return b.toString();
    }

    /** Closes what a failed constructor opened; a failure to close is added to {@code cause}. */
    private static void closeAfter(Throwable cause, SqliteFile f, Connection c) {
      try {
        close(f, c);
      } catch (IOException | RuntimeException e) {
        cause.addSuppressed(e);
      }
    }

    @Override
    public boolean next() throws IOException {
      if (!scan.next() || scan.rowid() > to) {
        return false;
      }
      Object[] values = new Object[index.length + 1];
      for (int i = 0; i < index.length; i++) {
        values[i] = index[i] < 0 ? null : text(index[i]);
      }
      values[index.length] = scan.rowid();
      row = new GenericInternalRow(values);
      return true;
    }

    /** What {@code CAST(c AS TEXT)} gives for column {@code c} of the current row. */
    private UTF8String text(int c) throws IOException {
      switch (scan.type(c)) {
        case SqliteFile.NULL -> {
          return null;
        }
        case SqliteFile.INTEGER -> {
          return UTF8String.fromBytes(digits(scan.getLong(c)));
        }
        case SqliteFile.REAL -> {
          return realText(scan.getDouble(c));
        }
        default -> {
          byte[] b = scan.getBytes(c);
          // well-formed UTF-8 is what decoding and encoding again would give; other bytes are decoded as
          // sqlite-jdbc decodes them (each malformed sequence replaced by U+FFFD)
          return wellFormed(b) ? UTF8String.fromBytes(b) : UTF8String.fromString(new String(b, StandardCharsets.UTF_8));
        }
      }
    }

    private UTF8String realText(double v) throws IOException {
      Long bits = Double.doubleToRawLongBits(v);
      UTF8String t = reals.get(bits);
      if (t != null) {
        return t;
      }
      try {
        if (realText == null) {
          realText = sqlite.prepareStatement("SELECT CAST(? AS TEXT)");
        }
        realText.setDouble(1, v);
        try (ResultSet rs = realText.executeQuery()) {
          rs.next();
          String s = rs.getString(1);
          t = s == null ? null : UTF8String.fromString(s);
        }
      } catch (SQLException e) {
        throw new IOException("the text of the REAL " + v + " at rowid " + scan.rowid() + ": " + e.getMessage(), e);
      }
      if (t == null) {
        return null; // NaN: SQLite holds no such value, it reads as NULL
      }
      if (reals.size() >= REAL_CACHE) {
        reals.clear();
      }
      reals.put(bits, t);
      return t;
    }

    @Override
    public InternalRow get() {
      return row;
    }

    @Override
    public void close() throws IOException {
      close(file, sqlite);
    }

    private static void close(SqliteFile f, Connection c) throws IOException {
      try {
        if (c != null) {
          c.close();
        }
      } catch (SQLException e) {
        // read only: nothing to lose; the file is closed below
      } finally {
        f.close();
      }
    }
  }
}
