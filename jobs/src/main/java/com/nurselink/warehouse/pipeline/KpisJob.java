package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.model.Models;
import com.nurselink.warehouse.util.SideBySide;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * kpis: the KPI marts (sql/kpi/*.sql) from the facts. Daily and monthly marts cover every service
 * month in the data; only partitions whose numbers changed are rewritten. kpi_headline is the
 * partition {@code as_of_date=D}. Over a small input the marts are written side by side ({@link SideBySide}).
 */
public final class KpisJob implements PipelineJob {
  @Override
  public boolean writesSideBySide() {
    return true;
  }

  @Override
  public String id() {
    return "kpis";
  }

  @Override
  public JobResult run(RunContext ctx) {
    for (ModelRegistry.Model m : ModelRegistry.gold(ModelRegistry.Step.MODEL)) {
      ModelInputs.registerGold(ctx, m.namespace(), List.of(m.name()));
    }
    Map<String, Dataset<Row>> out = Models.buildKpis(ctx.spark(), ModelInputs.params(ctx));
    List<java.util.concurrent.Callable<Long>> writes = new java.util.ArrayList<>();
    for (ModelRegistry.Model g : ModelRegistry.gold(ModelRegistry.Step.KPIS)) {
      Dataset<Row> df = out.get(g.name());
      if (df == null) {
        throw new IllegalStateException("KPI " + g.name() + " was not built");
      }
      writes.add(() -> write(ctx, g, df));
    }
    long rows = 0;
    for (long n : SideBySide.run(id(), ctx.tableThreads(), writes)) {
      rows += n;
    }
    // the input counts from the facts' snapshot summaries: no job reads them again
    long in = ctx.lake().totalRows(ctx.spark(), ModelRegistry.WAREHOUSE, "fact_mission")
        + ctx.lake().totalRows(ctx.spark(), ModelRegistry.WAREHOUSE, "fact_contract");
    return JobResult.of(in, rows);
  }

  /** One mart written; its rows. */
  private static long write(RunContext ctx, ModelRegistry.Model g, Dataset<Row> df) {
    long n;
    if (g.partitionedByRunDate()) {
      n = ctx.lake().replacePartition(df, g.namespace(), g.name(), g.partitioning(), ctx.date().toString(),
          Map.of()).addedRows();
    } else {
      var c = ctx.lake().replaceChangedPartitions(df, g.namespace(), g.name(), g.partitioning());
      ctx.progress().info("kpis", g.name() + ": " + c.replaced().size() + " partition(s) rewritten, "
          + c.removed().size() + " removed");
      n = c.totalRows();
    }
    ctx.progress().step("kpis", g.name(), n);
    return n;
  }
}
