import com.nurselink.warehouse.model.DuckDbModels;
import com.nurselink.warehouse.model.Models;
import com.nurselink.warehouse.model.SqlParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

/**
 * Floor of the kpis job: DuckDB (in memory, 2 threads) running the same {@code sql/kpi} files as the
 * pipeline over the same Parquet files, the facts and dimensions the model job wrote in the lake of
 * a first run (each table has one snapshot, so its {@code data/} directory holds exactly its rows).
 * Prints {@code kpis <seconds>}, each model's time on stderr.
 *
 * <p>The model job has no such floor: DuckDB plans the range join of {@code fact_application} with
 * the nurse versions (an {@code OR} of two bounds) as a nested loop, 382 s on 1M missions.
 *
 * <p>Usage: {@code java -cp JAR:CLASSPATH bench/ModelFloor.java LAKE_DIR YYYY-MM-DD [ZONE]}
 */
public final class ModelFloor {
  /** Builds one model; its time on stderr. */
  private static double timed(DuckDbModels duck, SqlParams params, String model) throws Exception {
    long t0 = System.nanoTime();
    duck.run(params, List.of(model));
    double s = (System.nanoTime() - t0) / 1e9;
    System.err.printf(java.util.Locale.ROOT, "duckdb %-28s %8.2f s%n", model, s);
    return s;
  }

  public static void main(String[] args) throws Exception {
    Path lake = Path.of(args[0]);
    SqlParams params = new SqlParams(LocalDate.parse(args[1]), ZoneId.of(args.length > 2 ? args[2] : "Europe/Paris"),
        "bench");
    try (DuckDbModels duck = DuckDbModels.open(null)) {
      duck.connection().createStatement().execute("SET threads = 2");
      for (var m : com.nurselink.warehouse.model.ModelRegistry.gold(com.nurselink.warehouse.model.ModelRegistry.Step.MODEL)) {
        Path data = lake.resolve(m.namespace()).resolve(m.name()).resolve("data");
        try (Stream<Path> files = Files.walk(data)) {
          if (files.noneMatch(p -> p.toString().endsWith(".parquet"))) {
            throw new IllegalStateException("no Parquet file under " + data);
          }
        }
        duck.registerParquet(m.name(), data.toString());
      }
      double kpis = 0;
      for (String m : Models.KPIS) {
        kpis += timed(duck, params, m);
      }
      System.out.printf(java.util.Locale.ROOT, "kpis %.2f (%d models)%n", kpis, Models.KPIS.size());
    }
  }
}
