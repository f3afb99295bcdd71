package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.model.Models;
import com.nurselink.warehouse.sink.GoldTables;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * kpis: the KPI marts (sql/kpi/*.sql) from the facts. Daily and monthly marts cover every service
 * month in the data; only partitions whose numbers changed are rewritten. kpi_headline is the
 * partition {@code as_of_date=D}.
 */
public final class KpisJob implements PipelineJob {
  @Override
  public String id() {
    return "kpis";
  }

  @Override
  public JobResult run(RunContext ctx) {
    ModelInputs.registerGold(ctx, "warehouse", List.of("dim_date", "dim_location", "dim_establishment", "dim_nurse",
        "fact_mission", "fact_application", "fact_contract"));
    Map<String, Dataset<Row>> out = Models.buildKpis(ctx.spark(), ModelInputs.params(ctx));
    long rows = 0;
    for (GoldTables.Gold g : GoldTables.KPIS) {
      Dataset<Row> df = out.get(g.name());
      if (df == null) {
        throw new IllegalStateException("KPI " + g.name() + " was not built");
      }
      long written = -1;
      if (g.partitionColumn().equals("as_of_date")) {
        ctx.lake().writeSinglePartition(df.drop("as_of_date"), g.layer(), g.name(), "as_of_date=" + ctx.date(),
            ctx.runId(), null);
      } else {
        var p = ctx.lake().writeChangedPartitions(df, g.layer(), g.name(), g.partitionColumn(), ctx.runId());
        ctx.progress().info("kpis", g.name() + ": " + p.replaced().size() + " partition(s) rewritten, "
            + p.removed().size() + " removed");
        written = p.rows();
      }
      long n = written >= 0 ? written : ctx.lake().read(ctx.spark(), g.layer(), g.name()).count();
      ctx.progress().step("kpis", g.name(), n);
      rows += n;
    }
    long in = ctx.spark().table("fact_mission").count() + ctx.spark().table("fact_contract").count();
    return JobResult.of(in, rows);
  }
}
