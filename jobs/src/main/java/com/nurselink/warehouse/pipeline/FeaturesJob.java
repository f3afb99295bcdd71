package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.features.Manifest;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.model.Models;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.util.SideBySide;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * features: the ML feature sets as of the logical date D (sql/features/*.sql), each committed as
 * the partition {@code as_of_date=D} of its Iceberg table {@code features.<set>}, its manifest in
 * the commit's snapshot summary ({@value #MANIFEST_PROPERTY}) and in
 * {@code <lake>/features/<set>/manifests/as_of_date=D/_manifest.json}. Over a small input the sets
 * are written side by side ({@link SideBySide}).
 */
public final class FeaturesJob implements PipelineJob {
  /** Snapshot summary key of a feature set's commit: its manifest. */
  public static final String MANIFEST_PROPERTY = "nurselink.manifest";

  /** The manifest of a feature set as of a date, relative to the lake's root. */
  public static String manifestFile(String featureSet, java.time.LocalDate asOf) {
    return ModelRegistry.FEATURES + "/" + featureSet + "/manifests/" + ModelRegistry.AS_OF_DATE + "=" + asOf
        + "/_manifest.json";
  }

  @Override
  public boolean writesSideBySide() {
    return true;
  }

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
    // max updated_at of each clean table, from the column bounds of its files (no job)
    Map<String, java.time.Instant> watermarks = new java.util.TreeMap<>();
    for (String t : com.nurselink.warehouse.contract.SourceContract.names()) {
      watermarks.put("clean_" + t, ctx.lake().maxTimestamp(ctx.spark(), "clean", t, "updated_at"));
    }
    List<java.util.concurrent.Callable<Long>> writes = new java.util.ArrayList<>();
    for (ModelRegistry.Model g : ModelRegistry.gold(ModelRegistry.Step.FEATURES)) {
      Dataset<Row> df = out.get(g.name());
      if (df == null) {
        throw new IllegalStateException("feature set " + g.name() + " was not built");
      }
      if (!g.partitionedByRunDate()) {
        throw new IllegalStateException("feature set " + g.name() + " is not partitioned by " + ModelRegistry.AS_OF_DATE);
      }
      writes.add(() -> write(ctx, g, df, watermarks));
    }
    long rows = 0;
    for (long n : SideBySide.run(id(), ctx.tableThreads(), writes)) {
      rows += n;
    }
    return JobResult.of(ctx.lake().totalRows(ctx.spark(), "clean", "missions"), rows);
  }

  /**
   * One feature set written: the manifest's figures observed as the rows are written (one computation
   * of the set, no second pass over a cached copy), the manifest in the summary of the commit that
   * publishes them, and beside the table for readers outside Spark; its rows.
   */
  private static long write(RunContext ctx, ModelRegistry.Model g, Dataset<Row> df,
      Map<String, java.time.Instant> watermarks) {
    String[] names = df.columns();
    String label = g.labelColumn();
    String[] manifest = new String[1];
    Lake.Commit c = ctx.lake().replacePartitionObserved(df, g.namespace(), g.name(), g.partitioning(),
        ctx.date().toString(), Manifest.statsColumns(names, label), metrics -> {
          manifest[0] = Manifest.toJson(g.name(), ctx.date(), df.schema().fields(),
              Manifest.stats(metrics, names, label), label, Manifest.codeVersion(), watermarks);
          return Map.of(MANIFEST_PROPERTY, manifest[0]);
        });
    ctx.lake().files(ctx.spark()).write(manifestFile(g.name(), ctx.date()), manifest[0]);
    long n = c.addedRows();
    ctx.progress().step("features", g.name(), n);
    return n;
  }
}
