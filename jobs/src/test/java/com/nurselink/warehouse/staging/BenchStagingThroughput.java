package com.nurselink.warehouse.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nurselink.warehouse.SparkTestBase;
import java.time.ZoneId;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * Throughput of {@link Staging#stage} on a synthetic raw missions table (mixed timestamp shapes,
 * decimal commas, duplicates, some invalid rows). Not part of the default test run (the class
 * name does not match the test patterns); run it by name. Size: {@code -Dbench.rows=N} (default
 * 3,000,000).
 */
class BenchStagingThroughput extends SparkTestBase {
  private static final String[] SHAPES = {
      "2025-06-10T10:00:00", "2025-06-10 10:00:00+02:00", "1749542400", "1749542400000.0"};

  @Test
  void parserAlone() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    String[] values = new String[4_096];
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (i % 4) {
        case 0 -> String.format("2025-%02d-%02dT%02d:%02d:00", 1 + i % 12, 1 + i % 28, i % 24, i % 60);
        case 1 -> String.format("2025-%02d-%02d %02d:%02d:00.123+02:00", 1 + i % 12, 1 + i % 28, i % 24, i % 60);
        case 2 -> String.valueOf(1_735_689_600L + i * 7_919L);
        default -> (1_735_689_600_000L + i * 7_919_000L) + ".0";
      };
    }
    long sink = 0;
    int n = 15_000_000;
    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += Timestamps.parseMicros(values[i & 4_095], paris);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("BENCH parser: %d values in %.2f s = %.1f M values/s (%d)%n", n, s, n / s / 1e6, sink & 1);
    }
  }

  @Test
  void stageMissions() {
    long rows = Long.getLong("bench.rows", 3_000_000L);
    Dataset<Row> raw = syntheticMissions(rows);
    assertEquals(rows, raw.count());

    if (Boolean.getBoolean("bench.breakdown")) {
      for (int round = 0; round < 2; round++) {
        long t0 = System.nanoTime();
        raw.selectExpr("count(*)").collectAsList();
        long t1 = System.nanoTime();
        Staging.Result r = Staging.stage("missions", raw, "Europe/Paris");
        r.clean().write().format("noop").mode("overwrite").save();
        long t2 = System.nanoTime();
        raw.repartition(2, raw.col("id")).sortWithinPartitions("id", "updated_at").write().format("noop").mode("overwrite").save();
        long t3 = System.nanoTime();
        System.out.printf("BENCH breakdown: scan %.1f s, clean %.1f s, shuffle+sort of raw alone %.1f s%n",
            (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
      }
    }
    for (int round = 0; round < 2; round++) {
      Staging.Result r = Staging.stage("missions", raw, "Europe/Paris");
      long t0 = System.nanoTime();
      r.clean().write().format("noop").mode("overwrite").save();
      long t1 = System.nanoTime();
      r.quarantine().write().format("noop").mode("overwrite").save();
      long t2 = System.nanoTime();
      double clean = (t1 - t0) / 1e9;
      double both = (t2 - t0) / 1e9;
      System.out.printf("BENCH stage missions: %d rows, clean %.1f s, clean+quarantine %.1f s = %.0f rows/s%n",
          rows, clean, both, rows / both);
    }
    Staging.Result r = Staging.stage("missions", raw, "Europe/Paris");
    long clean = r.clean().count();
    long quarantined = r.quarantine().count();
    System.out.printf("BENCH counts: clean %d, quarantine %d%n", clean, quarantined);
    assertEquals(rows, clean + quarantined);
    raw.unpersist();
  }

  /** A persisted synthetic raw missions table of {@code rows} rows. */
  static Dataset<Row> syntheticMissions(long rows) {
    return spark().range(rows).selectExpr(
        "case when id % 1000 = 7 then null else cast(id % " + (rows * 97 / 100) + " as string) end as id",
        "cast(id % 5000 as string) as establishment_id",
        "concat('Shift ', id) as title",
        "element_at(array('icu', 'er', 'geriatrics'), cast(id % 3 + 1 as int)) as specialty",
        "concat(' ', element_at(array('Paris', 'Lyon', 'Lille', 'Nantes'), cast(id % 4 + 1 as int)), ' ') as location",
        "case when id % 500 = 3 then 'n/a' when id % 2 = 0 then concat(cast(30 + id % 20 as string), ',5')"
            + " else cast(30 + id % 20 as string) end as hourly_rate",
        "element_at(array('open', 'Filled', 'completed', ' cancelled', 'draft', 'in_progress', 'open', 'bogus'),"
            + " cast(case when id % 997 = 5 then 8 else id % 7 + 1 end as int)) as status",
        shaped("1735689600 + (id * 7919) % 31536000", "start_at"),
        shaped("1735689600 + (id * 7919) % 31536000 + 28800", "end_at"),
        shaped("1735689600 + (id * 7919) % 31536000 - 864000", "created_at"),
        shaped("1735689600 + (id * 7919) % 31536000 - 432000 + id % 7", "updated_at"),
        "'bench.db' as _source",
        "id as _row")
        .to(CleanSchema.rawSchema("missions"))
        .persist(StorageLevel.MEMORY_ONLY());
  }

  /** The epoch-seconds expression written in one of four shapes, chosen by the row id. */
  private static String shaped(String epochSeconds, String name) {
    String ts = "timestamp_seconds(" + epochSeconds + ")";
    return "case id % 4"
        + " when 0 then date_format(" + ts + " + interval 2 hours, \"yyyy-MM-dd'T'HH:mm:ss\")"
        + " when 1 then date_format(" + ts + ", \"yyyy-MM-dd HH:mm:ss.SSS'Z'\")"
        + " when 2 then cast(" + epochSeconds + " as string)"
        + " else concat(cast((" + epochSeconds + ") * 1000 as string), '.0') end as " + name;
  }
}
