package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.util.Errors;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

/**
 * How Spark plans a job for the size of its input. Over a small input (at most
 * {@code spark.small-input-rows} rows), a job runs with one shuffle partition, without adaptive query
 * execution and without broadcast joins (the stage job's hint included, {@code Staging}): a table
 * written is then one Spark job, where adaptive execution makes a job of every shuffle and broadcast
 * stage (76 jobs for a nightly over 2,000 missions, 23 this way), and there is nothing for it to
 * adapt: one partition holds the whole input. Such a job also evaluates its expressions
 * interpreted, without generating Java code: compiling it (about 600 classes through Janino for a
 * nightly over 2,000 missions) costs more than running the interpreted expressions over so few rows
 * (BENCHMARKS.md). Nor does the optimizer derive the constraints of every plan node (the filters
 * they would add to a join's sides, the filters they prove redundant): over so few rows those
 * filters save nothing, and deriving them was the optimizer's costliest rule of a small nightly
 * ({@code PruneFilters}, 0.3 s of its 3.5 s). Larger inputs keep the session's settings (adaptive
 * execution, {@code spark.shuffle-partitions}, whole-stage code generation, constraint propagation).
 *
 * <p>{@code spark.sql.codegen.factoryMode=NO_CODEGEN} is an internal Spark setting (its test suites
 * run every expression both ways): it makes projections, predicates and orderings interpreted, and
 * Spark then plans no whole-stage code generation either; {@code spark.sql.codegen.wholeStage=false},
 * the public switch, says so explicitly, but alone it still compiles each projection and ordering and
 * saves nothing measurable. Both are one choice: when the configuration or the launch sets either,
 * neither is set. {@code InputPlanningTest} checks that such a job compiles no class.
 *
 * <p>The results are the same either way (a test compares every table of both plannings); only the
 * number of jobs, stages and tasks differs. A setting given in the configuration
 * ({@code --conf spark.sql.adaptive.enabled=...}) or when the JVM was launched (spark-submit's
 * {@code --conf}, {@code spark-defaults.conf}, {@code -D}) is left as it is.
 */
public final class InputPlanning {
  public static final String ADAPTIVE = "spark.sql.adaptive.enabled";
  public static final String BROADCAST_THRESHOLD = "spark.sql.autoBroadcastJoinThreshold";
  public static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
  public static final String WHOLE_STAGE_CODEGEN = "spark.sql.codegen.wholeStage";
  public static final String CODEGEN_FACTORY_MODE = "spark.sql.codegen.factoryMode";
  public static final String CONSTRAINT_PROPAGATION = "spark.sql.constraintPropagation.enabled";

  private InputPlanning() {}

  /** The Spark settings for a job over {@code rows} input rows: empty unless the input is small. */
  public static Map<String, String> settings(long rows, long smallInputRows) {
    if (smallInputRows <= 0 || rows > smallInputRows) {
      return Map.of();
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put(ADAPTIVE, "false");
    m.put(BROADCAST_THRESHOLD, "-1");
    m.put(SHUFFLE_PARTITIONS, "1");
    m.put(WHOLE_STAGE_CODEGEN, "false");
    m.put(CODEGEN_FACTORY_MODE, "NO_CODEGEN");
    m.put(CONSTRAINT_PROPAGATION, "false");
    return m;
  }

  /**
   * The rows a job of the run reads, from the lake's snapshot summaries (no Spark job): per source
   * table, the larger of its clean table and its raw rows of the run's date (an estimate: an
   * incremental stage reads both, the models read the warehouse tables they continue too). Null for
   * the jobs this planning leaves alone: the extract (its input is the source, its reads and writes
   * have no shuffle) and the load (no Spark query). Counting stops once past {@code stopAbove}
   * (tables' metadata read from an object store cost a request or more each).
   */
  static Long inputRows(RunContext ctx, String job, long stopAbove) {
    if (job.equals("extract") || job.equals("load")) {
      return null;
    }
    String day = ctx.date().toString();
    long rows = 0;
    for (String t : SourceContract.names()) {
      long clean = ctx.lake().totalRows(ctx.spark(), "clean", t);
      long raw = ctx.lake().latestSummary(ctx.spark(), "raw", t,
              m -> day.equals(m.get(ExtractJob.EXTRACT_DATE_PROPERTY)))
          .map(m -> Long.parseLong(m.getOrDefault("added-records", "0"))).orElse(0L);
      rows += Math.max(clean, raw);
      if (rows > stopAbove) {
        return rows;
      }
    }
    return rows;
  }

  /**
   * Sets the planning of one job of the run on the session, but the keys the configuration or the
   * JVM's launch set; closing the returned handle puts the former values back. When the input cannot
   * be counted, the job keeps the session's planning and the run says why.
   */
  static Applied apply(RunContext ctx, String job) {
    int threshold = ctx.settings().getInt(ConfigKey.SPARK_SMALL_INPUT_ROWS);
    if (threshold <= 0) {
      return Applied.NONE;
    }
    Long rows;
    try {
      rows = inputRows(ctx, job, threshold);
    } catch (RuntimeException e) {
      ctx.progress().info(job, "warning: planned as for a large input: cannot count its input rows: "
          + Errors.oneLine(e));
      return Applied.NONE;
    }
    if (rows == null) {
      return Applied.NONE;
    }
    Map<String, String> small = settings(rows, threshold);
    Set<String> userKeys = ctx.settings().sparkPassthrough().keySet();
    Map<String, String> wanted = withoutUserKeys(small,
        k -> userKeys.contains(k) || System.getProperty(k) != null);
    return Applied.set(ctx.spark(), wanted, String.format(Locale.ROOT,
        "small input: %,d rows (spark.small-input-rows %,d): %s", rows, threshold,
        wanted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))),
        !small.isEmpty());
  }

  /**
   * {@code wanted} without the keys the user set: code generation is one choice (NO_CODEGEN alone
   * turns whole-stage code generation off too), so either key set by the user leaves both alone.
   */
  static Map<String, String> withoutUserKeys(Map<String, String> wanted, Predicate<String> setByUser) {
    Map<String, String> out = new LinkedHashMap<>(wanted);
    if (setByUser.test(WHOLE_STAGE_CODEGEN) || setByUser.test(CODEGEN_FACTORY_MODE)) {
      out.remove(WHOLE_STAGE_CODEGEN);
      out.remove(CODEGEN_FACTORY_MODE);
    }
    out.keySet().removeIf(setByUser);
    return out;
  }

  /** Settings set on a session for one job, and the values they replaced. */
  public static final class Applied implements AutoCloseable {
    static final Applied NONE = new Applied(null, Map.of(), null, false);

    private final RuntimeConfig conf;
    private final Map<String, String> former;
    private final String description;
    private final boolean small;

    private Applied(RuntimeConfig conf, Map<String, String> former, String description, boolean small) {
      this.conf = conf;
      this.former = former;
      this.description = description;
      this.small = small;
    }

    /** Sets {@code values} on the session's runtime configuration. */
    public static Applied set(SparkSession spark, Map<String, String> values) {
      return set(spark, values, null);
    }

    /** As {@link #set(SparkSession, Map)}, described for the run's log by {@code description}. */
    static Applied set(SparkSession spark, Map<String, String> values, String description) {
      return set(spark, values, description, false);
    }

    private static Applied set(SparkSession spark, Map<String, String> values, String description, boolean small) {
      RuntimeConfig conf = spark.conf();
      Map<String, String> former = new LinkedHashMap<>();
      values.forEach((k, v) -> {
        // contains: set explicitly (getOption would answer a key's default as if it were set)
        former.put(k, conf.contains(k) ? conf.get(k) : null);
        conf.set(k, v);
      });
      return new Applied(conf, former, description, small);
    }

    /** Whether the job's input is small (planned as such, whatever the user's settings left of it). */
    public boolean small() {
      return small;
    }

    /** Whether anything was set. */
    public boolean changed() {
      return !former.isEmpty();
    }

    /** What was set and why, for the run's log; null when nothing was. */
    public String description() {
      return changed() ? description : null;
    }

    @Override
    public void close() {
      former.forEach((k, v) -> {
        if (v == null) {
          conf.unset(k);
        } else {
          conf.set(k, v);
        }
      });
    }
  }
}
