package com.nurselink.warehouse.generate;

import com.nurselink.warehouse.contract.SourceContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes rows into one or several SQLite files (one transaction per file, batched prepared
 * statements, no journal, indexes built after the load). Each file is written next to its final
 * name and moved into place when complete, so a reader never opens a half-written database.
 */
final class SqliteSink implements RowSink {
  private static final int BATCH = 2_000;

  private final List<FileTarget> files = new ArrayList<>();
  private final Map<SourceContract, List<Insert>> inserts = new EnumMap<>(SourceContract.class);
  private final SqlScript script;
  private boolean finished;

  private static final class FileTarget {
    final Path finalPath;
    final Path partial;
    final List<String> tables;
    Connection conn;

    FileTarget(Path finalPath, List<String> tables) {
      this.finalPath = finalPath;
      this.partial = finalPath.resolveSibling(finalPath.getFileName() + ".partial");
      this.tables = tables;
    }
  }

  private static final class Insert {
    final PreparedStatement ps;
    int pending;

    Insert(PreparedStatement ps) {
      this.ps = ps;
    }
  }

  /** {@code layout}: each file and the logical tables it holds. */
  SqliteSink(Map<Path, List<String>> layout, SqlScript script) throws SQLException, IOException {
    this.script = script;
    try {
      for (Map.Entry<Path, List<String>> e : layout.entrySet()) {
        FileTarget f = new FileTarget(e.getKey(), e.getValue());
        files.add(f);
        Path parent = f.finalPath.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.deleteIfExists(f.partial);
        f.conn = DriverManager.getConnection("jdbc:sqlite:" + f.partial);
        try (Statement st = f.conn.createStatement()) {
          st.execute("PRAGMA journal_mode=OFF");
          st.execute("PRAGMA synchronous=OFF");
          st.execute("PRAGMA locking_mode=EXCLUSIVE");
          st.execute("PRAGMA cache_size=-131072");
          st.execute("PRAGMA temp_store=MEMORY");
          st.execute("PRAGMA threads=2");
          f.conn.setAutoCommit(false);
          for (String ddl : script.tables(f.tables)) {
            st.execute(ddl);
          }
        }
        for (String t : f.tables) {
          SourceContract table = SourceContract.of(t);
          String cols = String.join(", ", table.columnNames());
          String marks = String.join(", ", Collections.nCopies(table.columns().size(), "?"));
          inserts.computeIfAbsent(table, k -> new ArrayList<>()).add(new Insert(f.conn.prepareStatement(
              "INSERT INTO " + t + " (" + cols + ") VALUES (" + marks + ")")));
        }
      }
    } catch (SQLException | IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void row(SourceContract table, Object[] values) throws SQLException {
    for (Insert in : inserts.getOrDefault(table, List.of())) {
      add(in, values);
    }
  }

  private static void add(Insert in, Object[] values) throws SQLException {
    PreparedStatement ps = in.ps;
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (v instanceof String s) {
        ps.setString(i + 1, s);
      } else if (v instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (v instanceof Double d) {
        ps.setDouble(i + 1, d);
      } else {
        ps.setObject(i + 1, v);
      }
    }
    ps.addBatch();
    if (++in.pending >= BATCH) {
      ps.executeBatch();
      in.pending = 0;
    }
  }

  @Override
  public void finish() throws SQLException, IOException {
    for (List<Insert> list : inserts.values()) {
      for (Insert in : list) {
        if (in.pending > 0) {
          in.ps.executeBatch();
          in.pending = 0;
        }
        in.ps.close();
      }
    }
    for (FileTarget f : files) {
      try (Statement st = f.conn.createStatement()) {
        for (String ddl : script.afterLoad(f.tables)) {
          st.execute(ddl);
        }
      }
      f.conn.commit();
      f.conn.close();
      f.conn = null;
    }
    for (FileTarget f : files) {
      Files.move(f.partial, f.finalPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    finished = true;
  }

  @Override
  public void close() throws SQLException, IOException {
    for (FileTarget f : files) {
      if (f.conn != null) {
        f.conn.close();
        f.conn = null;
      }
      if (!finished) {
        Files.deleteIfExists(f.partial);
      }
    }
  }
}
