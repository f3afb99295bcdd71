package com.nurselink.warehouse.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.Python;
import com.nurselink.warehouse.config.ConfigKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DAG in dags/ matches {@link JobGraph} exactly, read with Python's ast (Airflow is not
 * needed), and every file in dags/ byte-compiles.
 */
class DagFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path repo;
  private static Path helper;
  private static JsonNode dag;

  @BeforeAll
  static void read(@TempDir Path tmp) throws Exception {
    repo = Path.of(System.getProperty("nurselink.repo", ".")).toAbsolutePath();
    helper = tmp.resolve("dag_graph.py");
    try (InputStream in = DagFileTest.class.getResourceAsStream("/dag_graph.py")) {
      Files.copy(in, helper);
    }
    dag = parse(repo.resolve("dags/nurselink_nightly.py"));
  }

  private static JsonNode parse(Path file) throws Exception {
    Python.Result r = python(List.of(helper.toString(), file.toString()));
    assertEquals(0, r.code(), "dag_graph.py failed: " + r.err());
    return JSON.readTree(r.out());
  }

  private static Python.Result python(List<String> args) throws IOException, InterruptedException {
    return Python.run("check the DAG files", repo,
        Map.of("PYTHONPYCACHEPREFIX", Path.of(System.getProperty("java.io.tmpdir")).resolve("pycache").toString()),
        args);
  }

  private static Set<String> edges(JsonNode edges) {
    Set<String> out = new TreeSet<>();
    edges.forEach(e -> out.add(e.get(0).asText() + " >> " + e.get(1).asText()));
    return out;
  }

  @Test
  void tasksAreTheJobsOfTheGraph() {
    assertEquals(List.of(), texts(dag.get("problems")), "constructs the reader does not understand");
    List<String> tasks = texts(dag.get("tasks"));
    assertEquals(new TreeSet<>(JobGraph.ids()), new TreeSet<>(tasks));
    assertEquals(JobGraph.ids().size(), tasks.size(), "no duplicate task: " + tasks);
  }

  @Test
  void dependenciesAreExactlyTheGraph() {
    Set<String> expected = new TreeSet<>();
    for (JobGraph.Job j : JobGraph.jobs()) {
      j.upstream().forEach(u -> expected.add(u + " >> " + j.id()));
    }
    assertEquals(expected, edges(dag.get("edges")));
    assertEquals(expected.size(), dag.get("edges").size(), "no edge declared twice");
  }

  @Test
  void dagSettings() {
    JsonNode kw = dag.get("dag_kwargs");
    assertEquals(ConfigKey.AIRFLOW_DAG_ID.defaultValue(), dag.get("dag_id").asText());
    assertEquals(1, kw.get("max_active_runs").asInt());
    assertTrue(kw.get("catchup").asBoolean());
    assertTrue(kw.has("schedule") && !kw.has("schedule_interval"), "schedule=, not schedule_interval");
    assertEquals("CronDataIntervalTimetable('0 2 * * *', timezone=BUSINESS_TZ)", kw.get("schedule").asText());
    assertTrue(kw.get("start_date").asText().contains("tz=BUSINESS_TZ"), "time-zone aware start date");
    assertTrue(kw.get("tags").size() > 0);
    assertFalse(kw.get("doc_md").asText().isBlank());
    JsonNode args = kw.get("default_args");
    assertFalse(args.get("owner").asText().isBlank());
    assertTrue(args.get("retries").asInt() > 0);
    assertTrue(args.get("retry_exponential_backoff").asBoolean());
  }

  @Test
  void tasksRunSparkSubmitWithTheJobAndTheBusinessDate() throws IOException {
    String src = Files.readString(repo.resolve("dags/nurselink_nightly.py"));
    assertTrue(src.contains("BUSINESS_TZ = \"Europe/Paris\""));
    for (String part : List.of("--master {{ var.value.get('nurselink_spark_master', 'local[*]') }}\"\n"
        + "    \" {{ var.value.get('nurselink_spark_submit_options', '') }}\"\n"
        + "    \" --class com.nurselink.warehouse.cli.Main",
        "--class com.nurselink.warehouse.cli.Main", "{{ var.value.get('nurselink_jar', ",
        " run --env {{ var.value.get('nurselink_env', 'prod') }}",
        " --date {{ ds }}", " --jobs \"",
        "bash_command=SPARK_SUBMIT + job_id", "task_id=job_id")) {
      assertTrue(src.contains(part), "missing: " + part);
    }
    assertFalse(src.contains("Variable.get("), "no Variable read at import time");
    assertFalse(src.contains("schedule_interval"));
  }

  @Test
  void onlyLightImportsAtTopLevel() {
    for (String module : texts(dag.get("imports"))) {
      assertTrue(module.equals("datetime") || module.equals("pendulum") || module.equals("airflow")
          || module.startsWith("airflow."), "unexpected import " + module);
    }
    assertTrue(texts(dag.get("imports")).contains("airflow.providers.standard.operators.bash"));
    assertTrue(texts(dag.get("imports")).contains("airflow.operators.bash"));
  }

  @Test
  void everyFileInDagsCompilesAndDefinesADag() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(repo.resolve("dags"))) {
      files = s.filter(p -> p.toString().endsWith(".py")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      Python.Result r = python(List.of("-m", "py_compile", f.toString()));
      assertEquals(0, r.code(), f + ": " + r.err());
      assertTrue(Files.readString(f).contains("DAG("), f + " is not a DAG file (helpers do not belong in dags/)");
    }
  }

  @Test
  void readerSeesListsReversedArrowsAndMistakes(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("other.py");
    Files.writeString(f, String.join("\n",
        "from airflow.operators.bash import BashOperator",
        "from airflow import DAG",
        "def t(name):",
        "    return BashOperator(task_id=name, bash_command='true')",
        "with DAG('x', schedule=None) as dag:",
        "    a = t('a')",
        "    b = BashOperator(task_id='b', bash_command='true')",
        "    c = t('c')",
        "    a >> [b, c]",
        "    a << c",
        "    a >> d",
        ""));
    JsonNode g = parse(f);
    assertEquals(List.of("a", "b", "c"), texts(g.get("tasks")));
    assertEquals(Set.of("a >> b", "a >> c", "c >> a"), edges(g.get("edges")));
    assertEquals(List.of("not a task: d"), texts(g.get("problems")));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
