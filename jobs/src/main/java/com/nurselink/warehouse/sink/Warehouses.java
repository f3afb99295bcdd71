package com.nurselink.warehouse.sink;

import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.ops.Watermarks;
import com.nurselink.warehouse.lake.LakeFiles;
import java.nio.file.Path;

/** The warehouse of the configured environment: DuckDB file (dev) or PostgreSQL (staging, prod). */
public final class Warehouses {
  private Warehouses() {}

  public static boolean isPostgres(Settings s) {
    return s.get(ConfigKey.WAREHOUSE_TYPE).equals("postgres");
  }

  public static DuckDbWarehouse duckdb(Settings s) {
    return new DuckDbWarehouse(Path.of(s.get(ConfigKey.WAREHOUSE_DUCKDB_PATH)));
  }

  public static PostgresWarehouse postgres(Settings s) {
    return new PostgresWarehouse(s.get(ConfigKey.WAREHOUSE_URL), s.getInt(ConfigKey.WAREHOUSE_LOAD_CONNECTIONS));
  }

  public static Ledger.Connector connector(Settings s) {
    if (isPostgres(s)) {
      PostgresWarehouse pg = postgres(s);
      return pg::open;
    }
    DuckDbWarehouse d = duckdb(s);
    return d::open;
  }

  /** Why the preload of DuckDB's native library failed, null when it did not (or has not run). */
  private static volatile Throwable preloadFailure;

  /**
   * Starts DuckDB's native library loading on a daemon thread, when the warehouse is DuckDB: the
   * driver unpacks its 60 MB library from its jar into a temporary file and loads it on the first
   * connection, about 0.3 s that the run's first ledger write would otherwise wait for; started
   * before the Spark session, it runs while the session starts (BENCHMARKS.md). A failure is kept for
   * {@link DuckDbWarehouse#open}: the JVM then answers every later use of the driver's native class
   * with a bare "Could not initialize class", without the reason.
   */
  public static void preload(Settings s) {
    if (isPostgres(s)) {
      return;
    }
    Thread t = new Thread(() -> {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:")) {
        c.isValid(1);
      } catch (java.sql.SQLException | RuntimeException | LinkageError e) {
        preloadFailure = e;
      }
    }, "duckdb-preload");
    t.setDaemon(true);
    t.start();
  }

  /** The failure of {@link #preload}, null when there was none. */
  static Throwable preloadFailure() {
    return preloadFailure;
  }

  public static Ledger ledger(Settings s) {
    return new Ledger(connector(s));
  }

  public static Watermarks watermarks(Settings s, LakeFiles lakeFiles) {
    return new Watermarks(connector(s), lakeFiles);
  }
}
