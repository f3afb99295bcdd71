package com.nurselink.warehouse.ops.airflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Proves the OpenAPI validator used by the fake Airflow really rejects bad traffic. */
class AirflowSpecValidatorTest {
  private static final Map<String, String> BEARER = Map.of("authorization", "Bearer abc");
  private static final Map<String, String> BASIC = Map.of("authorization", "Basic YTpi");
  private static final String RUNS_V2 = "/api/v2/dags/nurselink_nightly/dagRuns";

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> v2(String method, String path, String query, Map<String, String> h, String body) {
    return FakeAirflow.v2Spec().validateRequest(method, path, query, h, body == null ? null : "application/json",
        body == null ? new byte[0] : b(body));
  }

  @Test
  void v2TriggerWithLogicalDateConforms() {
    assertEquals(List.of(), v2("POST", RUNS_V2, null, BEARER,
        "{\"dag_run_id\":\"nurselink__2026-11-20\",\"logical_date\":\"2026-11-20T02:00:00+01:00\",\"conf\":{}}"));
    assertEquals(List.of(), v2("POST", RUNS_V2, null, BEARER, "{\"logical_date\":null}"));
  }

  @Test
  void v2TriggerWithoutLogicalDateIsRejected() {
    List<String> errors = v2("POST", RUNS_V2, null, BEARER, "{\"dag_run_id\":\"x\",\"conf\":{}}");
    assertFalse(errors.isEmpty());
    assertTrue(errors.toString().contains("logical_date"), errors.toString());
  }

  @Test
  void v2TriggerWithUnknownFieldBadDateOrNoTokenIsRejected() {
    assertFalse(v2("POST", RUNS_V2, null, BEARER, "{\"logical_date\":null,\"execution_date\":null}").isEmpty());
    assertFalse(v2("POST", RUNS_V2, null, BEARER, "{\"logical_date\":\"2026-11-20\"}").isEmpty(),
        "a bare date is not a date-time");
    assertFalse(v2("POST", RUNS_V2, null, BEARER, "{\"logical_date\":null,\"conf\":[1]}").isEmpty());
    assertFalse(v2("POST", RUNS_V2, null, Map.of(), "{\"logical_date\":null}").isEmpty(), "no token");
    assertFalse(v2("POST", RUNS_V2, null, BEARER, null).isEmpty(), "body required");
  }

  @Test
  void v2QueryParametersAreChecked() {
    String ti = RUNS_V2 + "/r1/taskInstances";
    assertEquals(List.of(), v2("GET", ti, "limit=2&offset=4", BEARER, null));
    assertFalse(v2("GET", ti, "limit=-1", BEARER, null).isEmpty(), "minimum 0");
    assertFalse(v2("GET", ti, "limit=two", BEARER, null).isEmpty());
    assertFalse(v2("GET", ti, "page=2", BEARER, null).isEmpty(), "undeclared parameter");
  }

  @Test
  void v2ClearWithoutDryRunIsSpecValidButRefusedByTheFakeServer() {
    String clear = RUNS_V2 + "/r1/clear";
    // the spec makes dry_run optional with default true: a client that omits it clears nothing
    assertEquals(List.of(), v2("POST", clear, null, BEARER, "{\"only_failed\":true}"));
    assertFalse(FakeAirflow.policyErrors("clear_dag_run", "{\"only_failed\":true}").isEmpty());
    assertEquals(List.of(), FakeAirflow.policyErrors("clear_dag_run", "{\"dry_run\":false,\"only_failed\":true}"));
    assertFalse(v2("POST", clear, null, BEARER, "{\"dry_run\":\"false\"}").isEmpty(), "boolean, not string");
    assertFalse(v2("POST", clear, null, BEARER, "{\"dry_run\":false,\"failed_only\":true}").isEmpty());
  }

  @Test
  void tokenEndpointNeedsBothFieldsAndNothingElse() {
    OpenApiValidator auth = FakeAirflow.authSpec();
    assertEquals(List.of(), auth.validateRequest("POST", "/auth/token", null, Map.of(), "application/json",
        b("{\"username\":\"u\",\"password\":\"p\"}")));
    assertFalse(auth.validateRequest("POST", "/auth/token", null, Map.of(), "application/json",
        b("{\"username\":\"u\"}")).isEmpty());
    assertFalse(auth.validateRequest("POST", "/auth/token", null, Map.of(), "application/json",
        b("{\"username\":\"u\",\"password\":\"p\",\"x\":1}")).isEmpty());
    assertEquals(List.of(), auth.validateResponse("POST", "/auth/token", 201, "application/json",
        b("{\"access_token\":\"t\"}")));
    assertFalse(auth.validateResponse("POST", "/auth/token", 200, "application/json",
        b("{\"access_token\":\"t\"}")).isEmpty(), "success is 201, not 200");
  }

  @Test
  void v2ResponsesAreChecked() {
    OpenApiValidator v = FakeAirflow.v2Spec();
    String run = RUNS_V2 + "/r1";
    assertFalse(v.validateResponse("GET", run, 200, "application/json",
        b("{\"dag_run_id\":\"r1\",\"state\":\"success\"}")).isEmpty(), "required fields missing");
    assertFalse(v.validateResponse("GET", run, 418, "application/json", b("{}")).isEmpty());
    assertEquals(List.of(), v.validateResponse("GET", run, 404, "application/json", b("{\"detail\":\"no\"}")));
  }

  @Test
  void v1RequestsAreChecked() {
    OpenApiValidator v = FakeAirflow.v1Spec();
    String runs = "/api/v1/dags/nurselink_nightly/dagRuns";
    assertEquals(List.of(), v.validateRequest("POST", runs, null, BASIC, "application/json",
        b("{\"dag_run_id\":\"r\",\"logical_date\":\"2026-11-20T02:00:00+01:00\",\"conf\":{}}")));
    assertEquals(List.of("post_dag_run request body: /state is a readonly field, it cannot be changed"),
        v.validateRequest("POST", runs, null, BASIC, "application/json", b("{\"dag_run_id\":\"r\",\"state\":\"queued\"}")));
    assertTrue(v.validateRequest("POST", runs, null, BASIC, "application/json", b("{\"logical_date\":\"yesterday\"}"))
        .toString().contains("/logical_date does not match the date-time pattern"));
    assertFalse(v.validateRequest("GET", "/api/v2/dags/x/dagRuns/r", null, BASIC, null, new byte[0]).isEmpty());
    assertFalse(v.validateResponse("GET", runs + "/r", 200, "application/json",
        b("{\"dag_run_id\":\"r\",\"state\":\"done\"}")).isEmpty(), "state enum");
  }
}
