package com.nurselink.warehouse.ops;

import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.contract.SourceContract;
import com.nurselink.warehouse.docs.DataDictionary;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.model.ModelRegistry;
import com.nurselink.warehouse.source.SourceTable;
import com.nurselink.warehouse.util.Errors;
import com.nurselink.warehouse.util.Secrets;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.Transport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * OpenLineage run events of the jobs of a run (the format Airflow's OpenLineage provider and
 * Marquez read), built with the OpenLineage Java client's model and serializer: a START before each job, then a COMPLETE
 * (with the tables it committed: each Iceberg snapshot id as the dataset version, the rows it
 * wrote as the output statistics) or a FAIL (with the job's one-line error). Appended to the file
 * {@code lineage.path} (one event per line) and/or posted to {@code lineage.url} (the client's HTTP
 * transport); with neither set, nothing is emitted. An event that cannot be emitted is reported as
 * a warning and never fails the run; an endpoint that fails once is not called again in the run.
 *
 * <p>Identities: each job is the OpenLineage job {@code <lineage.namespace>/nurselink.<job>}, its
 * run id a UUID derived from the run id and the job, and its parent the whole run
 * ({@code nurselink.nightly}, a UUID of the run id). Datasets: lake tables as
 * {@code <lake location>} / {@code <namespace>.<table>}; source tables as the source (file path or
 * masked URL) / the physical table; warehouse tables as the warehouse (DuckDB file or masked URL) /
 * the table; Redis keys as the masked URL / the key pattern.
 */
public final class Lineage implements AutoCloseable {
  /** The producer of the events. */
  public static final URI PRODUCER = URI.create("https://github.com/nurselink/nurselink-warehouse");
  /** The job of the whole run, the parent of each job's run. */
  public static final String RUN_JOB = "nurselink.nightly";

  private final OpenLineage ol = new OpenLineage(PRODUCER);
  /** The file events are appended to; null when none. */
  private final java.nio.file.Path file;
  /** The HTTP endpoint's transport; null when none, or after its first failure. */
  private Transport http;
  private final String namespace;
  private final Consumer<String> warn;
  private boolean fileWarned;

  private Lineage(java.nio.file.Path file, Transport http, String namespace, Consumer<String> warn) {
    this.file = file;
    this.http = http;
    this.namespace = namespace;
    this.warn = warn;
  }

  /**
   * The lineage of {@code lineage.path} / {@code lineage.url}; a no-op when neither is set.
   *
   * @throws ConfigException when {@code lineage.url} is not an http(s) URL (the value not shown)
   */
  public static Lineage fromSettings(Settings s, Consumer<String> warn) {
    String path = s.get(ConfigKey.LINEAGE_PATH);
    String url = s.get(ConfigKey.LINEAGE_URL);
    Transport http = null;
    if (url != null && !url.isBlank()) {
      URI uri;
      try {
        uri = URI.create(url.strip());
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null || uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
        throw new ConfigException("lineage.url must be an http(s) URL such as http://marquez:5000, got a value "
            + "that is not");
      }
      HttpConfig config = new HttpConfig();
      config.setUrl(uri);
      config.setTimeoutInMillis(5_000);
      http = new HttpTransport(config);
    }
    return new Lineage(path == null || path.isBlank() ? null : java.nio.file.Path.of(path), http,
        s.get(ConfigKey.LINEAGE_NAMESPACE), warn);
  }

  public boolean enabled() {
    return file != null || http != null;
  }

  /** What a job read and wrote, as OpenLineage datasets. */
  public record Datasets(List<OpenLineage.InputDataset> inputs, List<OpenLineage.OutputDataset> outputs) {}

  /** The run of one job of a pipeline run. */
  public record JobRun(String runId, String job, LocalDate date, ZoneId zone) {}

  /** The job's START event; {@code io} is computed only when lineage is on, and may fail harmlessly. */
  public void start(JobRun r, Supplier<Datasets> io) {
    emit(r, OpenLineage.RunEvent.EventType.START, io, null);
  }

  public void complete(JobRun r, Supplier<Datasets> io) {
    emit(r, OpenLineage.RunEvent.EventType.COMPLETE, io, null);
  }

  public void fail(JobRun r, Supplier<Datasets> io, String error) {
    emit(r, OpenLineage.RunEvent.EventType.FAIL, io, error);
  }

  /** The UUID of a run id (and job), stable: the same run gives the same ids in every event. */
  static UUID uuid(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("/", parts).getBytes(StandardCharsets.UTF_8));
  }

  private void emit(JobRun r, OpenLineage.RunEvent.EventType type, Supplier<Datasets> datasets, String error) {
    if (!enabled()) {
      return;
    }
    OpenLineage.RunEvent event;
    try {
      event = event(r, type, datasets.get(), error);
    } catch (RuntimeException e) {
      warn.accept("lineage: could not build the " + type + " event of " + r.job() + ": " + Errors.oneLine(e));
      return;
    }
    if (file != null) {
      try {
        java.nio.file.Files.writeString(file, OpenLineageClientUtils.toJson(event) + "\n", StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException | RuntimeException e) {
        if (!fileWarned) {
          fileWarned = true;
          warn.accept("lineage: could not append to " + file + ": " + Errors.oneLine(e) + " (further failures not "
              + "reported)");
        }
      }
    }
    if (http != null) {
      try {
        http.emit(event);
      } catch (RuntimeException e) {
        http = null; // an endpoint that is down is not waited for again in this run
        warn.accept("lineage: could not post the " + type + " event of " + r.job() + " to lineage.url: "
            + Errors.oneLine(e) + "; no more events are posted in this run");
      }
    }
  }

  private OpenLineage.RunEvent event(JobRun r, OpenLineage.RunEvent.EventType type, Datasets io, String error) {
    ZonedDateTime nominal = r.date().atStartOfDay(r.zone());
    OpenLineage.RunFacetsBuilder runFacets = ol.newRunFacetsBuilder()
        .nominalTime(ol.newNominalTimeRunFacet(nominal, nominal.plusDays(1)))
        .parent(ol.newParentRunFacetBuilder()
            .run(ol.newParentRunFacetRun(uuid(r.runId()), null))
            .job(ol.newParentRunFacetJob(namespace, RUN_JOB, null))
            .build())
        .processing_engine(ol.newProcessingEngineRunFacet(org.apache.spark.package$.MODULE$.SPARK_VERSION(),
            "spark", Lineage.class.getPackage().getImplementationVersion()));
    if (error != null) {
      runFacets.errorMessage(ol.newErrorMessageRunFacet(error, "java", null));
    }
    return ol.newRunEventBuilder()
        .eventType(type)
        .eventTime(ZonedDateTime.now(java.time.ZoneOffset.UTC))
        .run(ol.newRun(uuid(r.runId(), r.job()), runFacets.build()))
        .job(ol.newJobBuilder().namespace(namespace).name("nurselink." + r.job())
            .facets(ol.newJobFacetsBuilder()
                .jobType(ol.newJobTypeJobFacet("BATCH", "NURSELINK", "JOB", null))
                .build())
            .build())
        .inputs(io.inputs())
        .outputs(io.outputs())
        .build();
  }

  // ----------------------------------------------------------------------------------- datasets

  private OpenLineage.InputDataset input(String ns, String name) {
    return ol.newInputDatasetBuilder().namespace(ns).name(name).build();
  }

  private OpenLineage.OutputDataset output(String ns, String name) {
    return ol.newOutputDatasetBuilder().namespace(ns).name(name).build();
  }

  /** A lake table committed by the job: its snapshot as the version, the rows it added. */
  private OpenLineage.OutputDataset committed(Lake lake, Lake.Commit c) {
    return ol.newOutputDatasetBuilder().namespace(lakeNamespace(lake)).name(c.namespace() + "." + c.table())
        .facets(ol.newDatasetFacetsBuilder().version(ol.newDatasetVersionDatasetFacet(Long.toString(c.snapshotId())))
            .build())
        .outputFacets(ol.newOutputDatasetOutputFacetsBuilder()
            .outputStatistics(ol.newOutputStatisticsOutputDatasetFacet(c.addedRows(), null, null)).build())
        .build();
  }

  static String lakeNamespace(Lake lake) {
    String l = Secrets.maskUrl(lake.location());
    return l.contains("://") || l.startsWith("file:") ? l : local(l);
  }

  /** The namespace of a local file (a SQLite source, the DuckDB warehouse, a local lake). */
  private static String local(String path) {
    return "file://" + java.nio.file.Path.of(path).toAbsolutePath();
  }

  /**
   * What a job reads and writes. Inputs are known before it runs (from the job graph and the
   * models' SQL); outputs are the lake tables it committed ({@code commits}, empty before it ran)
   * and, for load and serve, the warehouse tables and Redis keys.
   */
  public Datasets datasets(String job, Lake lake, Settings s, Map<String, SourceTable> sources, List<Lake.Commit> commits,
      boolean finished) {
    List<OpenLineage.InputDataset> in = new ArrayList<>();
    List<OpenLineage.OutputDataset> out = new ArrayList<>();
    String lakeNs = lakeNamespace(lake);
    switch (job) {
      case "extract" -> {
        for (String t : SourceContract.names()) {
          SourceTable st = sources.get(t);
          if (st != null) {
            in.add(input(st.isSqlite() ? local(st.sqlitePath())
                : Secrets.maskUrl(st.url()), st.physicalTable()));
          }
        }
      }
      case "stage" -> SourceContract.names().forEach(t -> in.add(input(lakeNs, "raw." + t)));
      case "model", "kpis", "features" -> {
        ModelRegistry.Step step = ModelRegistry.Step.valueOf(job.toUpperCase(java.util.Locale.ROOT));
        Set<String> own = new LinkedHashSet<>(ModelRegistry.gold(step).stream().map(ModelRegistry.Model::name).toList());
        Set<String> reads = new LinkedHashSet<>();
        DataDictionary.goldReads().forEach((table, from) -> {
          if (own.contains(table)) {
            reads.addAll(from);
          }
        });
        reads.removeAll(own);
        for (String r : reads) {
          in.add(input(lakeNs, r.startsWith("clean_") ? "clean." + r.substring("clean_".length())
              : ModelRegistry.byName(r).namespace() + "." + r));
        }
      }
      case "load" -> {
        String wh = s.get(ConfigKey.WAREHOUSE_TYPE).equals("postgres") ? Secrets.maskUrl(s.get(ConfigKey.WAREHOUSE_URL))
            : local(s.get(ConfigKey.WAREHOUSE_DUCKDB_PATH));
        for (ModelRegistry.Model m : ModelRegistry.gold()) {
          in.add(input(lakeNs, m.namespace() + "." + m.name()));
          if (finished) {
            out.add(output(wh, m.name()));
          }
        }
      }
      case "serve" -> {
        for (String t : List.of("clean.missions", "clean.mission_applications", "features.features_nurse")) {
          in.add(input(lakeNs, t));
        }
        String redis = s.get(ConfigKey.REDIS_URL);
        if (finished && redis != null && !redis.isBlank()) {
          for (String key : List.of("missions:popular", "missions:popular:<city>", "features:nurse:<nurse_id>")) {
            out.add(output(Secrets.maskUrl(redis), key));
          }
        }
      }
      default -> throw new IllegalArgumentException("unknown job " + job);
    }
    for (Lake.Commit c : commits) {
      out.add(committed(lake, c));
    }
    return new Datasets(in, out);
  }

  @Override
  public void close() {
    if (http != null) {
      try {
        http.close();
      } catch (Exception e) {
        warn.accept("lineage: closing the HTTP client: " + Errors.oneLine(e));
      }
    }
  }
}
