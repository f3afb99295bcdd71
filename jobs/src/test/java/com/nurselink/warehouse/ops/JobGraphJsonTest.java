package com.nurselink.warehouse.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nurselink jobs --json}: the shape the DAG tooling reads, and text that survives any character. */
class JobGraphJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theGraphIsOneLineInDeclarationOrder() {
    assertEquals("{\"jobs\":[{\"id\":\"extract\",\"upstream\":[],\"description\":\"Snapshot the sources and extract the"
        + " four tables to raw/ (PII pseudonymised).\"},{\"id\":\"stage\",\"upstream\":[\"extract\"],\"description\":"
        + "\"Parse, validate, quarantine with reason codes, deduplicate into clean/.\"},{\"id\":\"model\",\"upstream\":"
        + "[\"stage\"],\"description\":\"Build the star schema: dim_* and fact_* in warehouse/.\"},{\"id\":\"kpis\","
        + "\"upstream\":[\"model\"],\"description\":\"Aggregate kpi_mission_daily/monthly, kpi_contract_monthly,"
        + " kpi_headline.\"},{\"id\":\"features\",\"upstream\":[\"model\"],\"description\":\"Build the point-in-time ML"
        + " feature sets as of the logical date.\"},{\"id\":\"load\",\"upstream\":[\"kpis\",\"features\"],\"description\":"
        + "\"Load every gold table into the warehouse (DuckDB or PostgreSQL).\"},{\"id\":\"serve\",\"upstream\":"
        + "[\"load\"],\"description\":\"Publish the popular missions and the nurse features of the date to Redis.\"}]}",
        JobGraph.toJson());
  }

  @Test
  void quotesBackslashesAndNewlinesRoundTrip() throws Exception {
    String awkward = "say \"hi\" to C:\\temp\\, a:b,c\nnext line\r\ttab \u0002";
    List<JobGraph.Job> jobs = List.of(new JobGraph.Job("a\"b", List.of(), awkward),
        new JobGraph.Job("c\\d", List.of("a\"b", "x,y:z"), "plain"));
    String text = JobGraph.toJson(jobs);
    assertEquals(1, text.lines().count(), text);
    JsonNode n = JSON.readTree(text);
    List<JobGraph.Job> back = new ArrayList<>();
    for (JsonNode j : n.get("jobs")) {
      List<String> up = new ArrayList<>();
      j.get("upstream").forEach(u -> up.add(u.asText()));
      back.add(new JobGraph.Job(j.get("id").asText(), up, j.get("description").asText()));
    }
    assertEquals(jobs, back);
  }
}
