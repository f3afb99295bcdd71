package com.nurselink.warehouse.config;

import com.nurselink.warehouse.contract.SourceContract;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every configuration key of the product, declared once with its type, default and documentation.
 *
 * <p>A key {@code a.b-c} is read from the environment variable {@code NURSELINK_A_B_C}. Keys marked
 * secret are never printed (see {@link Settings#describe()}), and may not be written in a conf file.
 * INT and DOUBLE keys declare the range they accept ({@link #rangeText()}), checked by
 * {@link Settings} wherever the value comes from.
 */
public final class ConfigKey {
  public enum Type { STRING, INT, DOUBLE, BOOLEAN, DATE, PATH }

  private static final Map<String, ConfigKey> KEYS = new LinkedHashMap<>();
  /** No upper bound for an INT key other than the type's. */
  private static final int UNBOUNDED = Integer.MAX_VALUE;
  /** Keys of the form source.&lt;table&gt;.&lt;attr&gt;, for the logical tables of {@link SourceContract}. */
  private static final Pattern SOURCE_TABLE_KEY = Pattern.compile(
      "source\\.(" + String.join("|", SourceContract.names()) + ")\\.(url|table|columns)");

  public static final ConfigKey ENV = def("env", Type.STRING, "dev", "Environment name: dev, staging or prod.");
  public static final ConfigKey TIMEZONE = def("business.timezone", Type.STRING, "Europe/Paris",
      "Business time zone: timestamps without an offset are local time here; every date key is a local date.");
  public static final ConfigKey LAKE_PATH = def("lake.path", Type.PATH, "lake",
      "Root of the lake of Iceberg tables: a local path or any Hadoop-compatible URI (file:, hdfs://, s3a://).");
  public static final ConfigKey LAKE_CATALOG = oneOf("lake.catalog", "hadoop",
      "Iceberg catalog of the lake: hadoop (the lake directory holds everything; not on object stores), "
          + "jdbc (Iceberg's JDBC catalog, lake.catalog-url a JDBC URL) or rest (an Iceberg REST catalog).",
      "hadoop", "jdbc", "rest");
  public static final ConfigKey LAKE_CATALOG_URL = secret("lake.catalog-url", Type.STRING, null,
      "URL of the lake's catalog (lake.catalog=jdbc: a JDBC URL, e.g. jdbc:sqlite:/data/lake-catalog.db or the "
          + "PostgreSQL warehouse; rest: the REST catalog's URI); set NURSELINK_LAKE_CATALOG_URL. Unset with the "
          + "jdbc catalog and a PostgreSQL warehouse: the warehouse database (warehouse.url).");
  public static final ConfigKey LAKE_SNAPSHOT_RETENTION_DAYS = intKey("lake.snapshot-retention-days", "7", 0,
      UNBOUNDED, "Lake snapshots older than this many days are expired, and the files no snapshot reads removed, "
          + "at the end of a successful run (the current snapshot of a table is always kept).");
  public static final ConfigKey WAREHOUSE_TYPE = oneOf("warehouse.type", "duckdb",
      "Warehouse engine: duckdb (embedded file) or postgres.", "duckdb", "postgres");
  public static final ConfigKey WAREHOUSE_DUCKDB_PATH = def("warehouse.duckdb-path", Type.PATH,
      "warehouse/nurselink.duckdb", "DuckDB warehouse file (warehouse.type=duckdb).");
  public static final ConfigKey WAREHOUSE_URL = secret("warehouse.url", Type.STRING, null,
      "JDBC URL of the PostgreSQL warehouse (warehouse.type=postgres); set NURSELINK_WAREHOUSE_URL.");
  public static final ConfigKey WAREHOUSE_LOAD_CONNECTIONS = intKey("warehouse.load-connections", "2", 1, 64,
      "PostgreSQL warehouse: tables loaded at the same time, each on its own connection (the load holds this many "
          + "connections; each partition is still swapped in one transaction).");
  public static final ConfigKey SOURCE_URL = secret("source.url", Type.STRING, "data/nurselink.db",
      "Default source for the four logical tables: a SQLite file path or a JDBC URL (NURSELINK_SOURCE_URL).");
  public static final ConfigKey SNAPSHOT_DIR = def("source.snapshot-dir", Type.PATH, "data/snapshots",
      "Where consistent snapshots of SQLite sources are taken (a copy under a read lock, or SQLite's online "
          + "backup for a WAL file).");
  public static final ConfigKey SNAPSHOT_RETENTION_DAYS = intKey("source.snapshot-retention-days", "7", 0, UNBOUNDED,
      "Snapshots older than this many days are pruned by the run.");
  public static final ConfigKey EXTRACT_PARTITIONS = intKey("extract.partitions", "4", 1, 1024,
      "Parallel read partitions per source table (ranges of the id).");
  public static final ConfigKey EXTRACT_SQLITE_READER = oneOf("extract.sqlite-reader", "pages",
      "How a SQLite snapshot is read: pages (its rowid tables read from the file's pages, without a call into "
          + "SQLite per value; other tables through SQLite) or sqlite (every table through SQLite's JDBC driver). "
          + "Both give the same rows.", "pages", "sqlite");
  public static final ConfigKey EXTRACT_FETCH_SIZE = intKey("extract.fetch-size", "10000", 1, UNBOUNDED,
      "JDBC fetch size of source reads.");
  public static final ConfigKey EXTRACT_OVERLAP_SECONDS = intKey("extract.overlap-seconds", "300", 0, UNBOUNDED,
      "Incremental reads take updated_at >= watermark minus this overlap (late commits); duplicates are removed.");
  public static final ConfigKey EXTRACT_RETRIES = intKey("extract.retries", "3", 0, UNBOUNDED,
      "Retries of a source read that failed for a passing reason (SQLite database locked by a writer, "
      + "connection refused or reset); 0 disables retries.");
  public static final ConfigKey EXTRACT_RETRY_BACKOFF_MS = intKey("extract.retry-backoff-ms", "1000", 0, UNBOUNDED,
      "Wait before the first retry of a source read, doubled at each further retry (capped at 60 s).");
  public static final ConfigKey EXTRACT_BUSY_TIMEOUT_MS = intKey("extract.busy-timeout-ms", "10000", 0, UNBOUNDED,
      "How long one attempt to snapshot a SQLite source waits for a writer's lock before it counts as failed.");
  public static final ConfigKey SCHEMA_DRIFT = oneOf("extract.schema-drift", "fail",
      "What to do when a source table differs from the contract: fail (any difference), ignore-new-columns "
          + "(unknown columns ignored, a dropped optional column still fails) or tolerate (unknown columns "
          + "ignored, dropped optional columns read as NULL).", "fail", "ignore-new-columns", "tolerate");
  public static final ConfigKey SPARK_MASTER = def("spark.master", Type.STRING, "local[*]",
      "Spark master when not launched by spark-submit.");
  public static final ConfigKey SPARK_SHUFFLE_PARTITIONS = intKey("spark.shuffle-partitions", "8", 1, UNBOUNDED,
      "spark.sql.shuffle.partitions for the jobs (1 for a small input: spark.small-input-rows).");
  public static final ConfigKey SPARK_SMALL_INPUT_ROWS = intKey("spark.small-input-rows", "20000", 0, UNBOUNDED,
      "A job whose input holds at most this many rows (the clean layer, or the raw rows of the date) is planned for "
          + "a small input: one shuffle partition, no adaptive execution, no broadcast joins (a Spark job per table "
          + "written instead of one per stage), expressions interpreted instead of compiled, no constraint "
          + "propagation in the optimizer; 0 never does. A spark.sql setting given in the configuration or at launch "
          + "is left as it is.");
  public static final ConfigKey PIPELINE_TABLE_THREADS = intKey("pipeline.table-threads", "2", 1, 64,
      "A job over a small input (spark.small-input-rows) writes its independent tables side by side, each from a "
          + "driver thread of its own, at most this many at once (the stage's source tables, the KPI marts, the "
          + "feature sets, the model's tables that read none of each other): the driver plans or commits one table while another's tasks run. Each table is still "
          + "one atomic commit. 1: one after the other, in their order; a larger input always is.");
  public static final ConfigKey PSEUDONYM_KEY = secret("pseudonym.key", Type.STRING, null,
      "HMAC key for the pseudonyms of people (NURSELINK_PSEUDONYM_KEY); required outside dev.");
  public static final ConfigKey ALERTS_WEBHOOK_URL = secret("alerts.webhook-url", Type.STRING, null,
      "Slack-compatible webhook for alerts (NURSELINK_ALERTS_WEBHOOK_URL); unset: alerts are printed and "
          + "recorded, not sent.");
  public static final ConfigKey ALERTS_JOB_BUDGET_SECONDS = intKey("alerts.job-budget-seconds", "600", 1, UNBOUNDED,
      "Alert when a job runs longer than this.");
  public static final ConfigKey ALERTS_QUARANTINE_RATE = doubleKey("alerts.quarantine-rate", "0.05", 0, 1,
      "Alert when the share of quarantined rows of a table is above this.");
  public static final ConfigKey ALERTS_KPI_CHANGE = doubleKey("alerts.kpi-change", "0.5", 0, Double.POSITIVE_INFINITY,
      "Alert when a headline KPI moves by more than this fraction versus the previous run.");
  public static final ConfigKey REDIS_URL = secret("redis.url", Type.STRING, null,
      "Redis the serve job publishes to, redis://[[user]:password@]host:port/db or rediss://... "
          + "(NURSELINK_REDIS_URL); unset: the serve job is skipped.");
  public static final ConfigKey SERVE_POPULAR_TTL_SECONDS = intKey("serve.popular-ttl-seconds", "93600", 1, UNBOUNDED,
      "Time to live of the missions:popular keys in Redis (default 26 h: one nightly run and a margin).");
  public static final ConfigKey LINEAGE_PATH = def("lineage.path", Type.PATH, null,
      "File the OpenLineage run events of every job are appended to, one JSON event per line; unset: none.");
  public static final ConfigKey LINEAGE_URL = secret("lineage.url", Type.STRING, null,
      "OpenLineage HTTP endpoint the run events are posted to, e.g. Marquez at http://marquez:5000 "
          + "(NURSELINK_LINEAGE_URL; POST <url>/api/v1/lineage); unset: none.");
  public static final ConfigKey LINEAGE_NAMESPACE = def("lineage.namespace", Type.STRING, "nurselink",
      "OpenLineage namespace of the jobs (the job names are nurselink.<job>).");
  public static final ConfigKey AIRFLOW_URL = def("airflow.url", Type.STRING, "http://127.0.0.1:8080",
      "Base URL of the Airflow webserver / API server.");
  public static final ConfigKey AIRFLOW_USER = def("airflow.user", Type.STRING, "admin", "Airflow user name.");
  public static final ConfigKey AIRFLOW_API = def("airflow.api", Type.STRING, "auto",
      "Airflow REST API version: auto (detected), v1 (Airflow 2) or v2 (Airflow 3).");
  public static final ConfigKey AIRFLOW_DAG_ID = def("airflow.dag-id", Type.STRING, "nurselink_nightly",
      "DAG id of the nightly pipeline.");

  private final String name;
  private final Type type;
  private final String defaultValue;
  private final String doc;
  private final boolean secret;
  private final List<String> choices;
  private final double min;
  private final double max;

  private ConfigKey(String name, Type type, String defaultValue, String doc, boolean secret, List<String> choices,
      double min, double max) {
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.secret = secret;
    this.choices = List.copyOf(choices);
    this.min = min;
    this.max = max;
  }

  private ConfigKey(String name, Type type, String defaultValue, String doc, boolean secret) {
    this(name, type, defaultValue, doc, secret, List.of(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** A string key whose value must be one of {@code choices}. */
  private static ConfigKey oneOf(String name, String dflt, String doc, String... choices) {
    ConfigKey k = new ConfigKey(name, Type.STRING, dflt, doc, false, List.of(choices), Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY);
    KEYS.put(name, k);
    return k;
  }

  /** An INT key accepting {@code min..max} (both included; {@link #UNBOUNDED}: no upper bound). */
  private static ConfigKey intKey(String name, String dflt, int min, int max, String doc) {
    ConfigKey k = new ConfigKey(name, Type.INT, dflt, doc, false, List.of(), min, max);
    KEYS.put(name, k);
    return k;
  }

  /** A DOUBLE key accepting {@code min..max} (both included; infinity: no bound on that side). */
  private static ConfigKey doubleKey(String name, String dflt, double min, double max, String doc) {
    ConfigKey k = new ConfigKey(name, Type.DOUBLE, dflt, doc, false, List.of(), min, max);
    KEYS.put(name, k);
    return k;
  }

  private static ConfigKey def(String name, Type type, String dflt, String doc) {
    ConfigKey k = new ConfigKey(name, type, dflt, doc, false);
    KEYS.put(name, k);
    return k;
  }

  private static ConfigKey secret(String name, Type type, String dflt, String doc) {
    ConfigKey k = new ConfigKey(name, type, dflt, doc, true);
    KEYS.put(name, k);
    return k;
  }

  /** Words that make a passed-through Spark or Hadoop setting a secret (never printed, not in conf files). */
  private static final Pattern SECRET_NAME = Pattern.compile("(?i)(secret|password|passwd|token|credential|"
      + "access\\.key|session\\.key|account\\.key|\\.key$)");

  /**
   * Whether {@code name} is a Spark or Hadoop setting passed to the Spark session unchanged
   * ({@code spark.<key>}, e.g. {@code spark.hadoop.fs.s3a.endpoint}): any {@code spark.} key that is
   * not one of the product's own.
   */
  public static boolean isSparkPassthrough(String name) {
    return name.startsWith("spark.") && name.length() > "spark.".length() && !KEYS.containsKey(name)
        && name.matches("spark\\.[A-Za-z0-9_.-]+");
  }

  /** The declared key of that name, a passed-through Spark setting, or a per-table source key; null when unknown. */
  public static ConfigKey lookup(String name) {
    ConfigKey k = KEYS.get(name);
    if (k != null) {
      return k;
    }
    if (isSparkPassthrough(name)) {
      return new ConfigKey(name, Type.STRING, null, "Spark or Hadoop setting, passed to the Spark session as it is",
          SECRET_NAME.matcher(name).find());
    }
    var m = SOURCE_TABLE_KEY.matcher(name);
    if (m.matches()) {
      boolean secret = m.group(2).equals("url");
      return new ConfigKey(name, Type.STRING, null,
          "Source of logical table " + m.group(1) + ": " + m.group(2), secret);
    }
    return null;
  }

  public static List<ConfigKey> all() {
    return Collections.unmodifiableList(new ArrayList<>(KEYS.values()));
  }

  public String name() { return name; }
  public Type type() { return type; }
  public String defaultValue() { return defaultValue; }
  public String doc() { return doc; }
  public boolean secret() { return secret; }
  /** The values the key accepts; empty when any value of its type is accepted. */
  public List<String> choices() { return choices; }

  /** Whether a number is in the key's accepted range (always false for NaN). */
  public boolean inRange(double value) {
    return value >= min && value <= max;
  }

  /**
   * The accepted range of an INT or DOUBLE key, for messages: "between 1 and 1024", "1 or more";
   * null when the key has no range.
   */
  public String rangeText() {
    boolean hasMin = min != Double.NEGATIVE_INFINITY;
    boolean hasMax = max != Double.POSITIVE_INFINITY && !(type == Type.INT && max == UNBOUNDED);
    if (hasMin && hasMax) {
      return "between " + number(min) + " and " + number(max);
    }
    if (hasMin) {
      return number(min) + " or more";
    }
    return hasMax ? number(max) + " or less" : null;
  }

  private static String number(double d) {
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** "a, b or c": the choices, for messages. */
  public String choicesText() {
    if (choices.size() < 2) {
      return String.join("", choices);
    }
    return String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1);
  }

  /** NURSELINK_A_B_C for a.b-c. */
  public String envVar() {
    return "NURSELINK_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public String toString() { return name; }
}
