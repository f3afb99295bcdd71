import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Floor of the model + KPI work: DuckDB (in memory) computing the headline row and the daily mission
 * KPIs (fact_mission's joins, then the grouping with an exact median) straight from the clean Parquet
 * of the lake. Usage: java -cp CLASSPATH bench/DuckDbFloor.java LAKE_DIR
 */
public final class DuckDbFloor {
  public static void main(String[] args) throws Exception {
    String clean = args[0] + "/clean/";
    String headline = "SELECT count(*) AS total_missions, avg(hourly_rate) AS avg_rate, "
        + "count(*) FILTER (WHERE status = 'completed') AS completed_missions "
        + "FROM read_parquet('" + clean + "missions/data/*.parquet') WHERE status <> 'draft'";
    String daily = "WITH m AS (SELECT * FROM read_parquet('" + clean + "missions/data/*.parquet') WHERE status <> 'draft'), "
        + "a AS (SELECT mission_id, count(*) AS n FROM read_parquet('" + clean + "mission_applications/data/*.parquet') GROUP BY 1), "
        + "c AS (SELECT mission_id, min(signed_at) AS s FROM read_parquet('" + clean + "contracts/data/*.parquet') "
        + "WHERE signed_at IS NOT NULL GROUP BY 1) "
        + "SELECT count(*) FROM (SELECT m.service_date, coalesce(m.city, 'unknown'), coalesce(m.specialty, 'unknown'), "
        + "count(*), count(*) FILTER (WHERE status = 'completed'), avg(hourly_rate), sum(coalesce(a.n, 0)), "
        + "median((epoch_us(c.s) - epoch_us(m.created_at)) / 3600000000.0) "
        + "FROM m LEFT JOIN a ON a.mission_id = m.id LEFT JOIN c ON c.mission_id = m.id GROUP BY ALL)";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("SET threads = 2");
      for (String[] q : new String[][] {{"headline", headline}, {"kpi_mission_daily", daily}}) {
        long t0 = System.nanoTime();
        try (ResultSet rs = st.executeQuery(q[1])) {
          rs.next();
          System.out.printf("duckdb %-18s %.2f s  (first column: %s)%n", q[0], (System.nanoTime() - t0) / 1e9,
              rs.getString(1));
        }
      }
    }
  }
}
