package com.nurselink.warehouse.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import com.nurselink.warehouse.lake.LakeFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Source watermarks (the highest {@code updated_at} extracted per source table). The extract job
 * notes them as pending in the lake ({@code _state/pending_watermarks.json}); the load job commits
 * them to the warehouse table {@code etl_watermarks} only after the warehouse load has committed.
 * A run that dies in between re-reads from the previous committed watermark: nothing is lost.
 */
public final class Watermarks {
  public static final String DDL = "CREATE TABLE IF NOT EXISTS etl_watermarks (source_table VARCHAR PRIMARY KEY, "
      + "watermark VARCHAR NOT NULL, run_id VARCHAR, committed_at TIMESTAMP)";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> PENDING = new TypeReference<>() { };

  private final Ledger.Connector connector;
  private final LakeFiles files;

  /** Watermarks committed in the warehouse ({@code connector}), pending ones in the lake's {@value #PENDING_FILE}. */
  public Watermarks(Ledger.Connector connector, LakeFiles files) {
    this.connector = connector;
    this.files = files;
  }

  /** The pending watermarks, relative to the lake's root. */
  public static final String PENDING_FILE = "_state/pending_watermarks.json";

  /** Committed watermarks by logical table (ISO-8601 UTC instants). */
  public Map<String, String> committed() {
    Map<String, String> m = new TreeMap<>();
    try (Connection c = connector.open(); Statement st = c.createStatement()) {
      st.execute(DDL);
      try (ResultSet rs = st.executeQuery("SELECT source_table, watermark FROM etl_watermarks")) {
        while (rs.next()) {
          m.put(rs.getString(1), rs.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read watermarks: " + Secrets.maskText(e.getMessage()), e);
    }
    return m;
  }

  /** Writes the pending watermarks of this extract (atomically replaces the file); null values are left out. */
  public void setPending(Map<String, String> pending) {
    Map<String, String> present = new LinkedHashMap<>();
    pending.forEach((k, v) -> {
      if (v != null) {
        present.put(k, v);
      }
    });
    try {
      files.write(PENDING_FILE, JSON.writeValueAsString(present) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + files.path(PENDING_FILE), e);
    }
  }

  /** The pending watermarks, as {@link #setPending} wrote them; empty when there are none. */
  public Map<String, String> pending() {
    var text = files.read(PENDING_FILE);
    if (text.isEmpty()) {
      return new LinkedHashMap<>();
    }
    try {
      Map<String, String> m = JSON.readValue(text.get(), PENDING);
      return m == null ? new LinkedHashMap<>() : m;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + files.path(PENDING_FILE) + ": " + Secrets.maskText(e.getMessage()), e);
    }
  }

  /** Commits the pending watermarks (after the warehouse load committed); returns them. */
  public Map<String, String> commitPending(String runId) {
    Map<String, String> p = pending();
    if (p.isEmpty()) {
      return p;
    }
    try (Connection c = connector.open(); Statement st = c.createStatement()) {
      st.execute(DDL);
      c.setAutoCommit(false);
      for (Map.Entry<String, String> e : p.entrySet()) {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM etl_watermarks WHERE source_table = ?");
            PreparedStatement ins = c.prepareStatement("INSERT INTO etl_watermarks (source_table, watermark, run_id, "
                + "committed_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
          del.setString(1, e.getKey());
          del.executeUpdate();
          ins.setString(1, e.getKey());
          ins.setString(2, e.getValue());
          ins.setString(3, runId);
          ins.executeUpdate();
        }
      }
      c.commit();
      files.delete(PENDING_FILE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot commit watermarks: " + Secrets.maskText(e.getMessage()), e);
    }
    return p;
  }
}
