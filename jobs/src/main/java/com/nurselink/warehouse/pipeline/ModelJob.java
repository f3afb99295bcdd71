package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.model.Models;
import com.nurselink.warehouse.sink.GoldTables;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * model: the star schema (sql/model/*.sql) from the clean layer. dim_nurse is SCD type 2: the
 * previous run's dim_nurse is its state. Facts are published partition by partition, only the
 * partitions whose content changed.
 */
public final class ModelJob implements PipelineJob {
  @Override
  public String id() {
    return "model";
  }

  @Override
  public JobResult run(RunContext ctx) {
    ModelInputs.registerClean(ctx);
    Dataset<Row> previous = ctx.lake().read(ctx.spark(), "warehouse", "dim_nurse");
    Map<String, Dataset<Row>> out = Models.buildModel(ctx.spark(), ModelInputs.params(ctx), previous);
    long rows = 0;
    for (GoldTables.Gold g : GoldTables.MODEL) {
      Dataset<Row> df = out.get(g.name());
      if (df == null) {
        throw new IllegalStateException("model " + g.name() + " was not built");
      }
      if (g.name().startsWith("dim_")) {
        // dims are read by the facts: materialise once
        df = df.persist(StorageLevel.MEMORY_AND_DISK());
        df.createOrReplaceTempView(g.name());
      }
      long written = -1;
      if (g.partitioned()) {
        var p = ctx.lake().writeChangedPartitions(df, g.layer(), g.name(), g.partitionColumn(), ctx.runId());
        ctx.progress().info("model", g.name() + ": " + p.replaced().size() + " partition(s) rewritten, "
            + p.removed().size() + " removed");
        written = p.rows();
      } else {
        ctx.lake().writeTable(df, g.layer(), g.name(), ctx.runId());
      }
      long n = written >= 0 ? written : ctx.lake().read(ctx.spark(), g.layer(), g.name()).count();
      ctx.progress().step("model", g.name(), n);
      rows += n;
    }
    long in = ctx.spark().table("clean_missions").count() + ctx.spark().table("clean_mission_applications").count()
        + ctx.spark().table("clean_contracts").count() + ctx.spark().table("clean_users").count();
    for (GoldTables.Gold g : GoldTables.MODEL) {
      if (g.name().startsWith("dim_")) {
        ctx.spark().table(g.name()).unpersist();
      }
    }
    return JobResult.of(in, rows);
  }
}
