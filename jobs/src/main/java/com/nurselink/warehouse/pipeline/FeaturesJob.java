package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.features.Manifest;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.model.Models;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * features: the ML feature sets as of the logical date D (sql/features/*.sql), each published as
 * {@code features/<set>/as_of_date=D/} together with its {@code _manifest.json}.
 */
public final class FeaturesJob implements PipelineJob {
  @Override
  public String id() {
    return "features";
  }

  @Override
  public JobResult run(RunContext ctx) {
    ModelInputs.registerClean(ctx);
    for (ModelRegistry.Model m : ModelRegistry.gold(ModelRegistry.Step.MODEL)) {
      ModelInputs.registerGold(ctx, m.namespace(), List.of(m.name()));
    }
    Map<String, Dataset<Row>> out = Models.buildFeatures(ctx.spark(), ModelInputs.params(ctx));
    var watermarks = Manifest.sourceWatermarks(ctx.spark(), Models.CLEAN_VIEWS);
    long rows = 0;
    for (ModelRegistry.Model g : ModelRegistry.gold(ModelRegistry.Step.FEATURES)) {
      Dataset<Row> df = out.get(g.name());
      if (df == null) {
        throw new IllegalStateException("feature set " + g.name() + " was not built");
      }
      if (!g.partitionedByRunDate()) {
        throw new IllegalStateException("feature set " + g.name() + " is not partitioned by " + ModelRegistry.AS_OF_DATE);
      }
      df = df.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        String manifest = Manifest.build(g.name(), ctx.date(), df, g.labelColumn(), Manifest.codeVersion(),
            watermarks);
        ctx.lake().writeSinglePartition(df.drop(g.partitionColumn()), g.namespace(), g.name(),
            g.partitionColumn() + "=" + ctx.date(), ctx.runId(), dir -> {
              try {
                Files.writeString(dir.resolve("_manifest.json"), manifest);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
        long n = df.count();
        ctx.progress().step("features", g.name(), n);
        rows += n;
      } finally {
        df.unpersist();
      }
    }
    return JobResult.of(ctx.spark().table("clean_missions").count(), rows);
  }
}
