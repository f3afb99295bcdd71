package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.model.Models;
import com.nurselink.warehouse.util.SideBySide;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * model: the star schema (sql/model/*.sql) from the clean layer. dim_nurse is SCD type 2: the
 * previous run's dim_nurse is its state. Each table is one Iceberg commit; a fact commit rewrites
 * only the partitions whose content changed. Tables are built and published in dependency order, and a later
 * table reads the earlier ones as published (fact_contract scans fact_mission's files instead of
 * computing fact_mission again): 20 % off the job on 1M missions (BENCHMARKS.md). Over a small input,
 * the tables that read none of each other are written side by side ({@link SideBySide}): dim_date
 * with dim_location, dim_establishment with dim_nurse, fact_application with fact_contract.
 */
public final class ModelJob implements PipelineJob {
  @Override
  public boolean writesSideBySide() {
    return true;
  }

  @Override
  public String id() {
    return "model";
  }

  @Override
  public JobResult run(RunContext ctx) {
    ModelInputs.registerClean(ctx);
    ModelRegistry.Model dimNurse = ModelRegistry.byName("dim_nurse");
    Dataset<Row> previous = ctx.lake().read(ctx.spark(), dimNurse.namespace(), dimNurse.name());
    java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong();
    Set<String> published = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Models.buildAndPublishModel(ctx.spark(), ModelInputs.params(ctx), previous, (name, df) -> {
      ModelRegistry.Model g = ModelRegistry.byName(name);
      Lake.Commit c;
      if (g.partitioned()) {
        c = ctx.lake().replaceChangedPartitions(df, g.namespace(), g.name(), g.partitioning());
        ctx.progress().info("model", g.name() + ": " + c.replaced().size() + " partition(s) rewritten, "
            + c.removed().size() + " removed");
      } else {
        c = ctx.lake().replaceTable(df, g.namespace(), g.name());
      }
      // the later models read the committed table (its row count from the commit's summary)
      Dataset<Row> table = ctx.lake().read(ctx.spark(), g.namespace(), g.name());
      long n = c.totalRows();
      ctx.progress().step("model", g.name(), n);
      rows.addAndGet(n);
      published.add(name);
      return table;
    }, writes -> SideBySide.run(id(), ctx.tableThreads(), writes));
    for (ModelRegistry.Model g : ModelRegistry.gold(ModelRegistry.Step.MODEL)) {
      if (!published.contains(g.name())) {
        throw new IllegalStateException("model " + g.name() + " was not built");
      }
    }
    // the input counts from the clean tables' snapshot summaries: no job reads them again
    long in = 0;
    for (String t : com.nurselink.warehouse.contract.SourceContract.names()) {
      in += ctx.lake().totalRows(ctx.spark(), "clean", t);
    }
    return JobResult.of(in, rows.get());
  }
}
