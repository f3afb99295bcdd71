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
 * Floor of the model and kpis jobs: DuckDB (in memory, 2 threads) running the same {@code sql/model}
 * and {@code sql/kpi} files as the pipeline, over the clean Parquet files of the lake of a first run
 * (each clean table has one snapshot, so its {@code data/} directory holds exactly its rows).
 * Prints {@code model <seconds>} and {@code kpis <seconds>}.
 *
 * <p>Usage: {@code java -cp JAR:CLASSPATH bench/ModelFloor.java LAKE_DIR YYYY-MM-DD [ZONE]}
 */
public final class ModelFloor {
  public static void main(String[] args) throws Exception {
    Path lake = Path.of(args[0]);
    SqlParams params = new SqlParams(LocalDate.parse(args[1]), ZoneId.of(args.length > 2 ? args[2] : "Europe/Paris"),
        "bench");
    try (DuckDbModels duck = DuckDbModels.open(null)) {
      duck.connection().createStatement().execute("SET threads = 2");
      for (String view : Models.CLEAN_VIEWS) {
        Path data = lake.resolve("clean").resolve(view.substring("clean_".length())).resolve("data");
        try (Stream<Path> files = Files.walk(data)) {
          if (files.noneMatch(p -> p.toString().endsWith(".parquet"))) {
            throw new IllegalStateException("no Parquet file under " + data);
          }
        }
        duck.registerParquet(view, data.toString());
      }
      duck.registerEmptyPreviousDimNurse(params);
      long t0 = System.nanoTime();
      List<String> model = duck.buildModel(params);
      long t1 = System.nanoTime();
      List<String> kpis = duck.buildKpis(params);
      long t2 = System.nanoTime();
      System.out.printf(java.util.Locale.ROOT, "model %.2f (%d tables)%n", (t1 - t0) / 1e9, model.size());
      System.out.printf(java.util.Locale.ROOT, "kpis %.2f (%d tables)%n", (t2 - t1) / 1e9, kpis.size());
    }
  }
}
