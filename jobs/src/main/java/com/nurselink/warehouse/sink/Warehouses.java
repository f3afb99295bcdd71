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

  public static Ledger ledger(Settings s) {
    return new Ledger(connector(s));
  }

  public static Watermarks watermarks(Settings s, LakeFiles lakeFiles) {
    return new Watermarks(connector(s), lakeFiles);
  }
}
