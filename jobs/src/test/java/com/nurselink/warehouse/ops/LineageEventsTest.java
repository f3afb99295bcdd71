package com.nurselink.warehouse.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.faults.Runs;
import com.nurselink.warehouse.faults.SharedNightly;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The OpenLineage run events of a nightly: every event valid against the OpenLineage JSON schema
 * (and each facet against its own, copied from the specification into the test resources); a
 * START and a COMPLETE per job, in order, under one parent run; the tables each job committed
 * with the snapshot ids the ledger recorded and the rows the warehouse holds; a failed job's FAIL
 * event with its error, posted to an HTTP endpoint (a loopback server, as Marquez receives them).
 */
class LineageEventsTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CORE = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
  private static final SchemaRegistry SCHEMAS = registry();

  /** The schemas of the test resources, by their $id. */
  private static SchemaRegistry registry() {
    Map<String, String> byId = new HashMap<>();
    for (String f : List.of("OpenLineage.json", "DatasetVersionDatasetFacet.json", "ErrorMessageRunFacet.json",
        "JobTypeJobFacet.json", "NominalTimeRunFacet.json", "OutputStatisticsOutputDatasetFacet.json",
        "ParentRunFacet.json", "ProcessingEngineRunFacet.json")) {
      try (InputStream in = LineageEventsTest.class.getResourceAsStream("/openlineage/" + f)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        byId.put(JSON.readTree(text).get("$id").asText(), text);
      } catch (IOException e) {
        throw new IllegalStateException(f, e);
      }
    }
    return SchemaRegistry.withDialect(Dialects.getDraft202012(), b -> b.schemas(byId));
  }

  /** What is wrong with an event: against the run event schema, and each facet against its schema. */
  static List<String> problems(JsonNode event) {
    List<String> out = new ArrayList<>();
    Schema runEvent = SCHEMAS.getSchema(SchemaLocation.of(CORE + "#/$defs/RunEvent"));
    for (Error e : runEvent.validate(event)) {
      out.add(e.getInstanceLocation() + " " + e.getMessage());
    }
    List<JsonNode> facetMaps = new ArrayList<>(List.of(event.path("run").path("facets"), event.path("job").path("facets")));
    for (String side : List.of("inputs", "outputs")) {
      for (JsonNode d : event.path(side)) {
        facetMaps.add(d.path("facets"));
        facetMaps.add(d.path("outputFacets"));
      }
    }
    int checked = 0;
    for (JsonNode facets : facetMaps) {
      Iterator<Map.Entry<String, JsonNode>> it = facets.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> f = it.next();
        String url = f.getValue().path("_schemaURL").asText();
        String file = url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
        ObjectNode wrapped = JSON.createObjectNode();
        wrapped.set(f.getKey(), f.getValue());
        for (Error e : SCHEMAS.getSchema(SchemaLocation.of(file)).validate(wrapped)) {
          out.add(f.getKey() + " facet: " + e.getInstanceLocation() + " " + e.getMessage());
        }
        checked++;
      }
    }
    if (checked == 0) {
      out.add("no facet checked");
    }
    return out;
  }

  private static List<JsonNode> events(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  @Test
  void theNightlysEventsAreValidOpenLineageAndSayWhatEachJobCommitted() throws Exception {
    SharedNightly n = SharedNightly.get(spark());
    List<JsonNode> events = events(n.dir().resolve(SharedNightly.LINEAGE_FILE));
    List<String> jobs = List.of("extract", "stage", "model", "kpis", "features", "load", "serve");
    List<String> seen = new ArrayList<>();
    for (JsonNode e : events) {
      assertEquals(List.of(), problems(e), e.toString());
      seen.add(e.path("eventType").asText() + " " + e.path("job").path("name").asText());
    }
    List<String> expected = new ArrayList<>();
    for (String j : jobs) {
      expected.add("START nurselink." + j);
      expected.add("COMPLETE nurselink." + j);
    }
    assertEquals(expected, seen);
    // the validation can fail: an event without its producer, a facet with a row count as text
    ObjectNode broken = events.get(3).deepCopy();
    broken.remove("producer");
    ((ObjectNode) broken.at("/outputs/0/outputFacets/outputStatistics")).put("rowCount", "many");
    List<String> found = problems(broken);
    assertTrue(found.stream().anyMatch(p -> p.contains("producer")), found.toString());
    assertTrue(found.stream().anyMatch(p -> p.startsWith("outputStatistics facet:") && p.contains("rowCount")),
        found.toString());
    // one parent run for all, one run id per job shared by its two events
    assertEquals(1, events.stream().map(e -> e.at("/run/facets/parent/run/runId").asText()).distinct().count());
    assertEquals(jobs.size(), events.stream().map(e -> e.at("/run/runId").asText()).distinct().count());
    assertEquals("2026-03-30T00:00+02:00", events.get(0).at("/run/facets/nominalTime/nominalStartTime").asText()
        .replace(":00+02:00", "+02:00"));

    // the outputs of the lake jobs: the snapshots the ledger recorded, the rows the warehouse holds
    Map<String, String> versions = new TreeMap<>();
    Map<String, Long> rows = new TreeMap<>();
    for (JsonNode e : events) {
      if (e.path("eventType").asText().equals("COMPLETE")) {
        for (JsonNode o : e.path("outputs")) {
          if (o.at("/facets/version").isObject()) {
            versions.put(e.path("job").path("name").asText().substring("nurselink.".length()) + "|" + o.path("name").asText(),
                o.at("/facets/version/datasetVersion").asText());
            rows.put(o.path("name").asText(), o.at("/outputFacets/outputStatistics/rowCount").asLong());
          }
        }
      }
    }
    Map<String, String> ledger = new TreeMap<>();
    try (Connection c = Runs.duck(n.dir().resolve("wh.duckdb"))) {
      for (String r : Runs.rows(c, "SELECT job || '|' || table_name || '|' || snapshot_id FROM etl_snapshots")) {
        String[] p = r.split("\\|");
        ledger.put(p[0] + "|" + p[1], p[2]);
      }
      assertEquals(ledger, versions);
      for (String t : List.of("fact_mission", "fact_application", "dim_nurse", "kpi_mission_daily")) {
        assertEquals(List.of(String.valueOf(rows.get("warehouse." + t))), Runs.rows(c, "SELECT count(*) FROM " + t), t);
      }
      assertEquals(List.of(String.valueOf(rows.get("clean.missions"))), Runs.rows(c, "SELECT count(*) FROM clean_missions"));
    }
    // what the jobs read: the SQL's inputs (through the intermediate models)
    JsonNode kpis = events.stream().filter(e -> e.at("/job/name").asText().equals("nurselink.kpis")).findFirst().orElseThrow();
    List<String> kpiInputs = new ArrayList<>();
    kpis.path("inputs").forEach(i -> kpiInputs.add(i.path("name").asText()));
    Collections.sort(kpiInputs);
    assertEquals(List.of("warehouse.fact_contract", "warehouse.fact_mission"), kpiInputs);
    JsonNode extract = events.get(0);
    assertEquals(4, extract.path("inputs").size());
    assertTrue(extract.at("/inputs/0/namespace").asText().startsWith("file://"), extract.toString());
  }

  @Test
  void aFailedJobsEventIsPostedToTheEndpointWithItsError() throws Exception {
    SharedNightly n = SharedNightly.get(spark());
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    List<JsonNode> posted = Collections.synchronizedList(new ArrayList<>());
    List<String> paths = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      posted.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(posted.size() <= 10 ? 201 : 429, -1);
      exchange.close();
    });
    server.start();
    Path file = n.dir().resolve("lineage-serve.jsonl");
    try {
      Runs.Result r = Runs.inProcess(List.of("run", "--jobs", "serve", "--date", SharedNightly.D1,
          "--conf-dir", Runs.repo().resolve("conf").toString(),
          "--conf", "lake.path=" + n.dir().resolve("lake"), "--conf", "warehouse.duckdb-path=" + n.dir().resolve("wh.duckdb"),
          "--conf", "redis.url=redis://127.0.0.1:" + closedPort + "/0",
          "--conf", "lineage.url=http://127.0.0.1:" + server.getAddress().getPort(),
          "--conf", "lineage.path=" + file));
      assertEquals(1, r.code(), r.all());
    } finally {
      server.stop(0);
    }
    assertEquals(List.of("POST /api/v1/lineage", "POST /api/v1/lineage"), paths);
    assertEquals(List.of("START", "FAIL"), posted.stream().map(e -> e.path("eventType").asText()).toList());
    for (JsonNode e : posted) {
      assertEquals(List.of(), problems(e), e.toString());
    }
    String error = posted.get(1).at("/run/facets/errorMessage/message").asText();
    assertTrue(error.contains("Redis redis://127.0.0.1:" + closedPort + "/0"), error);
    assertEquals("java", posted.get(1).at("/run/facets/errorMessage/programmingLanguage").asText());
    // the file got the same two events
    assertEquals(posted, events(file));

    // an endpoint that refuses connections: one warning, no more attempts, the run's outcome unchanged
    int down;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      down = s.getLocalPort();
    }
    Runs.Result r = Runs.inProcess(List.of("run", "--jobs", "serve", "--date", SharedNightly.D1,
        "--conf-dir", Runs.repo().resolve("conf").toString(),
        "--conf", "lake.path=" + n.dir().resolve("lake"), "--conf", "warehouse.duckdb-path=" + n.dir().resolve("wh.duckdb"),
        "--conf", "redis.url=redis://127.0.0.1:" + closedPort + "/0",
        "--conf", "lineage.url=http://127.0.0.1:" + down));
    assertEquals(1, r.code(), r.all());
    assertEquals(1, r.all().split("warning: lineage: could not post the START event of serve to lineage.url", -1).length - 1,
        r.all());
    assertTrue(r.all().contains("no more events are posted in this run"), r.all());
    assertTrue(!r.all().contains("could not post the FAIL event"), r.all());
  }
}
