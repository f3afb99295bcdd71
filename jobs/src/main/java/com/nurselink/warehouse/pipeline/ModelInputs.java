package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.model.SqlParams;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Registers lake tables as the temp views the SQL models read. */
final class ModelInputs {
  private ModelInputs() {}

  static SqlParams params(RunContext ctx) {
    return new SqlParams(ctx.date(), ctx.zone(), ctx.runId());
  }

  /** clean_users, clean_missions, clean_mission_applications, clean_contracts. */
  static void registerClean(RunContext ctx) {
    for (String t : SourceContract.names()) {
      Dataset<Row> df = ctx.lake().read(ctx.spark(), "clean", t);
      if (df == null) {
        throw new IllegalStateException("no clean " + t + " in " + ctx.lake() + ": run the stage job first");
      }
      df.createOrReplaceTempView("clean_" + t);
    }
  }

  /** Gold tables of the lake as views of their own name. */
  static void registerGold(RunContext ctx, String layer, List<String> tables) {
    for (String t : tables) {
      Dataset<Row> df = ctx.lake().read(ctx.spark(), layer, t);
      if (df == null) {
        throw new IllegalStateException("no " + layer + "/" + t + " in " + ctx.lake()
            + ": run the model job first");
      }
      df.createOrReplaceTempView(t);
    }
  }
}
