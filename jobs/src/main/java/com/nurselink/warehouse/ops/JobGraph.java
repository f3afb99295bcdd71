package com.nurselink.warehouse.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs of the nightly pipeline and their dependencies. One job id everywhere: the CLI
 * ({@code nurselink run --jobs}), the Airflow task id, the ledger's job column.
 */
public final class JobGraph {
  /** A job and the jobs it needs, in topological order of declaration. */
  public record Job(String id, List<String> upstream, String description) {}

  private static final Map<String, Job> JOBS = new LinkedHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    add("extract", List.of(), "Snapshot the sources and extract the four tables to raw/ (PII pseudonymised).");
    add("stage", List.of("extract"), "Parse, validate, quarantine with reason codes, deduplicate into clean/.");
    add("model", List.of("stage"), "Build the star schema: dim_* and fact_* in warehouse/.");
    add("kpis", List.of("model"), "Aggregate kpi_mission_daily/monthly, kpi_contract_monthly, kpi_headline.");
    add("features", List.of("model"), "Build the point-in-time ML feature sets as of the logical date.");
    add("load", List.of("kpis", "features"), "Load every gold table into the warehouse (DuckDB or PostgreSQL).");
    add("serve", List.of("load"), "Publish the popular missions and the nurse features of the date to Redis.");
  }

  private JobGraph() {}

  private static void add(String id, List<String> upstream, String description) {
    JOBS.put(id, new Job(id, upstream, description));
  }

  public static List<Job> jobs() {
    return new ArrayList<>(JOBS.values());
  }

  public static List<String> ids() {
    return new ArrayList<>(JOBS.keySet());
  }

  public static Job job(String id) {
    return JOBS.get(id);
  }

  /** The graph as JSON: {@code {"jobs":[{"id":..,"upstream":[..],"description":..}]}}. */
  public static String toJson() {
    return toJson(JOBS.values());
  }

  /** Jobs as the JSON of {@link #toJson()}, on one line. */
  static String toJson(Collection<Job> jobs) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("jobs");
    for (Job j : jobs) {
      ObjectNode n = list.addObject();
      n.put("id", j.id());
      ArrayNode up = n.putArray("upstream");
      j.upstream().forEach(up::add);
      n.put("description", j.description());
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
