package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.sink.GoldTables;
import com.nurselink.warehouse.sink.Warehouses;
import com.nurselink.warehouse.util.FaultPoints;
import java.util.Map;

/**
 * load: every gold table of the lake into the warehouse (DuckDB: one transaction; PostgreSQL:
 * partition by partition, each swapped in one transaction, unchanged partitions skipped), then
 * commits the source watermarks noted by the extract: only now, after the outputs are committed.
 */
public final class LoadJob implements PipelineJob {
  @Override
  public String id() {
    return "load";
  }

  @Override
  public JobResult run(RunContext ctx) throws Exception {
    Map<String, Long> counts = Warehouses.isPostgres(ctx.settings())
        ? Warehouses.postgres(ctx.settings()).load(ctx.spark(), ctx.lake(), GoldTables.all())
        : Warehouses.duckdb(ctx.settings()).load(ctx.spark(), ctx.lake(), GoldTables.all());
    long total = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      ctx.progress().step("load", e.getKey(), e.getValue());
      total += e.getValue();
    }
    FaultPoints.reach("before-commit:watermarks");
    Map<String, String> committed = Warehouses.watermarks(ctx.settings(), ctx.lake().files(ctx.spark())).commitPending(ctx.runId());
    if (!committed.isEmpty()) {
      ctx.progress().info("load", "watermarks committed: " + committed);
    }
    return new JobResult(total, total, 0, committed);
  }
}
