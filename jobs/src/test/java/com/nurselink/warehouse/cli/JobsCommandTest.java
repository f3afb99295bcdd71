package com.nurselink.warehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.ops.JobGraph;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class JobsCommandTest {
  private static String run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute(args));
    return out.toString();
  }

  @Test
  void jsonIsTheGraph() throws Exception {
    String out = run("jobs", "--json");
    assertEquals(JobGraph.toJson(), out.strip());
    JsonNode n = new ObjectMapper().readTree(out);
    List<String> ids = new ArrayList<>();
    n.get("jobs").forEach(j -> ids.add(j.get("id").asText()));
    assertEquals(JobGraph.ids(), ids);
  }

  @Test
  void tableListsEveryJobWithWhatItNeeds() {
    List<String> lines = run("jobs").lines().toList();
    assertEquals(JobGraph.ids().size() + 1, lines.size());
    assertTrue(lines.get(0).startsWith("JOB"));
    assertTrue(lines.get(1).matches("extract\\s+-\\s+Snapshot.*"), lines.get(1));
    assertTrue(lines.get(6).matches("load\\s+kpis,features\\s+Load.*"), lines.get(6));
  }
}
