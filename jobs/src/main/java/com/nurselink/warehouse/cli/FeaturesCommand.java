package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.sink.FeatureExport;
import com.nurselink.warehouse.util.Sparks;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nurselink features export}: a feature set as of a date, as the lake holds it, to one file. */
@Command(name = "features", mixinStandardHelpOptions = true, description = "The ML feature sets of the lake.",
    subcommands = {FeaturesCommand.Export.class, CommandLine.HelpCommand.class})
public final class FeaturesCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code features export --set S --as-of D --out FILE}. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"Write a feature set as of a date (the rows of the lake's partition as_of_date=D) to one",
          "Parquet or CSV file, with its _manifest.json in the same directory."})
  public static final class Export implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--set", required = true, paramLabel = "SET", description = "nurse or mission_fill.")
    String set;

    @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD", description = "The date the set was built as of.")
    String asOf;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "FILE.parquet or FILE.csv.")
    Path out;

    @Override
    public Integer call() {
      Settings s = common.settings().build();
      LocalDate d = RunCommand.parseDate(asOf, s.zone());
      FeatureExport.check(set, out); // before starting Spark
      SparkSession spark = Sparks.session("nurselink-features-export", s.get(ConfigKey.SPARK_MASTER),
          s.getInt(ConfigKey.SPARK_SHUFFLE_PARTITIONS), common.verbose(), s.sparkPassthrough());
      FeatureExport.Result r = FeatureExport.export(spark, Lake.of(s), set, d, out);
      System.out.printf(Locale.ROOT, "%s as of %s: %,d rows -> %s (manifest %s)%n", r.table(), d, r.rows(), r.file(),
          r.manifest());
      return 0;
    }
  }
}
