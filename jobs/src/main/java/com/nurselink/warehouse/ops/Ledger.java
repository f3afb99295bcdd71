package com.nurselink.warehouse.ops;

import com.nurselink.warehouse.util.FaultPoints;
import com.nurselink.warehouse.util.Secrets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run ledger {@code etl_runs}: one row per (run, job) with its logical date, times, status,
 * row counts, source watermarks and error. Lives in the warehouse (DuckDB in dev, PostgreSQL in
 * prod); the SQL here runs on both. A job's row is written as {@code running} when it starts, so a
 * killed run leaves a trace, and updated when it ends.
 *
 * <p>The alerts a run raised are kept in {@code etl_alerts}, one row per alert (already scrubbed of
 * secrets), with what became of it ({@code sent}, {@code not delivered}, {@code no webhook}).
 */
public final class Ledger {
  /** A connection factory (the warehouse decides how to connect). */
  @FunctionalInterface
  public interface Connector {
    Connection open() throws SQLException;
  }

  /** One ledger row. */
  public record Entry(String runId, String job, LocalDate logicalDate, Instant startedAt, Instant endedAt,
      String status, long rowsIn, long rowsOut, long rowsQuarantined, String watermarks, String error) {}

  public static final String DDL = "CREATE TABLE IF NOT EXISTS etl_runs ("
      + "run_id VARCHAR NOT NULL, job VARCHAR NOT NULL, logical_date DATE, started_at TIMESTAMP, "
      + "ended_at TIMESTAMP, status VARCHAR NOT NULL, rows_in BIGINT, rows_out BIGINT, "
      + "rows_quarantined BIGINT, watermarks VARCHAR, error VARCHAR, PRIMARY KEY (run_id, job))";

  /** One alert raised by a run. */
  public record Alert(String runId, String job, LocalDate logicalDate, Instant raisedAt, String message,
      String delivery) {}

  public static final String ALERTS_DDL = "CREATE TABLE IF NOT EXISTS etl_alerts ("
      + "run_id VARCHAR NOT NULL, job VARCHAR NOT NULL, seq INTEGER NOT NULL, logical_date DATE, "
      + "raised_at TIMESTAMP, message VARCHAR NOT NULL, delivery VARCHAR NOT NULL, PRIMARY KEY (run_id, seq))";

  /** The lake snapshot each job committed, per table (Iceberg snapshot ids, for time travel). */
  public static final String SNAPSHOTS_DDL = "CREATE TABLE IF NOT EXISTS etl_snapshots ("
      + "run_id VARCHAR NOT NULL, job VARCHAR NOT NULL, table_name VARCHAR NOT NULL, snapshot_id BIGINT NOT NULL, "
      + "PRIMARY KEY (run_id, job, table_name))";

  /**
   * What each column of the ledger tables holds (the data dictionary), keyed
   * {@code <table>.<column>}, for the columns of {@link #DDL}, {@link #ALERTS_DDL} and
   * {@link #SNAPSHOTS_DDL}.
   */
  public static final java.util.Map<String, String> COLUMN_DESCRIPTIONS = java.util.Map.ofEntries(
      java.util.Map.entry("etl_runs.run_id", "the run's id (YYYYMMDD'T'HHMMSS-xxxx, its start in UTC)"),
      java.util.Map.entry("etl_runs.job", "the job: extract, stage, model, kpis, features, load or serve"),
      java.util.Map.entry("etl_runs.logical_date", "the run's logical date D"),
      java.util.Map.entry("etl_runs.started_at", "when the job started (UTC)"),
      java.util.Map.entry("etl_runs.ended_at", "when the job ended (UTC); null while it runs"),
      java.util.Map.entry("etl_runs.status", "running, success, failed or skipped"),
      java.util.Map.entry("etl_runs.rows_in", "rows the job read"),
      java.util.Map.entry("etl_runs.rows_out", "rows the job wrote"),
      java.util.Map.entry("etl_runs.rows_quarantined", "rows the job put in quarantine (stage), with a reason"),
      java.util.Map.entry("etl_runs.watermarks", "JSON: the max updated_at per source table the job read up to"),
      java.util.Map.entry("etl_runs.error", "the one-line error of a failed job; null otherwise"),
      java.util.Map.entry("etl_alerts.run_id", "the run that raised the alert"),
      java.util.Map.entry("etl_alerts.job", "the job the alert is about"),
      java.util.Map.entry("etl_alerts.seq", "the alert's number within its run (1, 2, ...)"),
      java.util.Map.entry("etl_alerts.logical_date", "the run's logical date D"),
      java.util.Map.entry("etl_alerts.raised_at", "when it was raised (UTC)"),
      java.util.Map.entry("etl_alerts.message", "what went wrong, one line"),
      java.util.Map.entry("etl_alerts.delivery", "how it was delivered: the webhook's answer, or that none is set"),
      java.util.Map.entry("etl_snapshots.run_id", "the run"),
      java.util.Map.entry("etl_snapshots.job", "the job that committed the snapshot"),
      java.util.Map.entry("etl_snapshots.table_name", "the lake table, <namespace>.<table>"),
      java.util.Map.entry("etl_snapshots.snapshot_id", "the Iceberg snapshot id the job committed (for time travel)"));

  /** One table's snapshot after a job of a run. */
  public record Snapshot(String runId, String job, String table, long snapshotId) {}

  private final Connector connector;

  public Ledger(Connector connector) {
    this.connector = connector;
  }

  private Connection open() throws SQLException {
    Connection c = connector.open();
    try (Statement st = c.createStatement()) {
      st.execute(DDL);
      st.execute(ALERTS_DDL);
      st.execute(SNAPSHOTS_DDL);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  public void started(String runId, String job, LocalDate date, Instant at) {
    FaultPoints.reach("before-ledger-start:" + job);
    try (Connection c = open();
        PreparedStatement ps = c.prepareStatement("INSERT INTO etl_runs (run_id, job, logical_date, started_at, "
            + "status) VALUES (?, ?, ?, ?, 'running')")) {
      ps.setString(1, runId);
      ps.setString(2, job);
      ps.setObject(3, date);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write the run ledger: " + Secrets.maskText(e.getMessage()), e);
    }
  }

  public void finished(String runId, String job, Instant at, String status, long in, long out, long quarantined,
      String watermarks, String error) {
    FaultPoints.reach("before-ledger-finish:" + job);
    try (Connection c = open();
        PreparedStatement ps = c.prepareStatement("UPDATE etl_runs SET ended_at = ?, status = ?, rows_in = ?, "
            + "rows_out = ?, rows_quarantined = ?, watermarks = ?, error = ? WHERE run_id = ? AND job = ?")) {
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setString(2, status);
      ps.setLong(3, in);
      ps.setLong(4, out);
      ps.setLong(5, quarantined);
      ps.setString(6, watermarks);
      ps.setString(7, error == null ? null : Secrets.maskText(error));
      ps.setString(8, runId);
      ps.setString(9, job);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write the run ledger: " + Secrets.maskText(e.getMessage()), e);
    }
  }

  /**
   * Records an alert of a run's job: {@code message} as it was (or would have been) sent, and its
   * {@code delivery}. Alerts of a run are numbered in the order they are recorded.
   */
  public void alert(String runId, String job, LocalDate date, Instant at, String message, String delivery) {
    try (Connection c = open();
        PreparedStatement next = c.prepareStatement(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM etl_alerts WHERE run_id = ?");
        PreparedStatement ps = c.prepareStatement("INSERT INTO etl_alerts (run_id, job, seq, logical_date, raised_at, "
            + "message, delivery) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      next.setString(1, runId);
      int seq;
      try (ResultSet rs = next.executeQuery()) {
        rs.next();
        seq = rs.getInt(1);
      }
      ps.setString(1, runId);
      ps.setString(2, job);
      ps.setInt(3, seq);
      ps.setObject(4, date);
      ps.setTimestamp(5, Timestamp.from(at));
      ps.setString(6, Secrets.maskText(message));
      ps.setString(7, delivery);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write the run ledger: " + Secrets.maskText(e.getMessage()), e);
    }
  }

  /**
   * Records the lake snapshot of each table a job of a run wrote ({@code namespace.table} to
   * snapshot id); a rerun of the job replaces what its earlier attempt recorded.
   */
  public void snapshots(String runId, String job, Map<String, Long> byTable) {
    try (Connection c = open();
        PreparedStatement del = c.prepareStatement("DELETE FROM etl_snapshots WHERE run_id = ? AND job = ?");
        PreparedStatement ins = c.prepareStatement("INSERT INTO etl_snapshots (run_id, job, table_name, snapshot_id) "
            + "VALUES (?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      del.setString(1, runId);
      del.setString(2, job);
      del.executeUpdate();
      for (Map.Entry<String, Long> e : byTable.entrySet()) {
        ins.setString(1, runId);
        ins.setString(2, job);
        ins.setString(3, e.getKey());
        ins.setLong(4, e.getValue());
        ins.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write the run ledger: " + Secrets.maskText(e.getMessage()), e);
    }
  }

  /** The snapshots recorded for a run, by job then table. */
  public List<Snapshot> snapshots(String runId) {
    List<Snapshot> out = new ArrayList<>();
    try (Connection c = open();
        PreparedStatement ps = c.prepareStatement("SELECT s.run_id, s.job, s.table_name, s.snapshot_id "
            + "FROM etl_snapshots s LEFT JOIN etl_runs r ON r.run_id = s.run_id AND r.job = s.job "
            + "WHERE s.run_id = ? ORDER BY r.started_at, s.job, s.table_name")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Snapshot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the run ledger: " + Secrets.maskText(e.getMessage()), e);
    }
    return out;
  }

  /** The alerts of a run, in the order they were raised. */
  public List<Alert> alerts(String runId) {
    List<Alert> out = new ArrayList<>();
    try (Connection c = open();
        PreparedStatement ps = c.prepareStatement("SELECT run_id, job, logical_date, raised_at, message, delivery "
            + "FROM etl_alerts WHERE run_id = ? ORDER BY seq")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp t = rs.getTimestamp(4);
          out.add(new Alert(rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class),
              t == null ? null : t.toInstant(), rs.getString(5), rs.getString(6)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the run ledger: " + Secrets.maskText(e.getMessage()), e);
    }
    return out;
  }

  /** The last {@code n} rows, newest first. */
  public List<Entry> last(int n) {
    List<Entry> out = new ArrayList<>();
    try (Connection c = open();
        PreparedStatement ps = c.prepareStatement("SELECT run_id, job, logical_date, started_at, ended_at, status, "
            + "rows_in, rows_out, rows_quarantined, watermarks, error FROM etl_runs "
            + "ORDER BY started_at DESC, run_id DESC LIMIT ?")) {
      ps.setInt(1, n);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp s = rs.getTimestamp(4);
          Timestamp e = rs.getTimestamp(5);
          out.add(new Entry(rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class),
              s == null ? null : s.toInstant(), e == null ? null : e.toInstant(), rs.getString(6), rs.getLong(7),
              rs.getLong(8), rs.getLong(9), rs.getString(10), rs.getString(11)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the run ledger: " + Secrets.maskText(e.getMessage()), e);
    }
    return out;
  }
}
