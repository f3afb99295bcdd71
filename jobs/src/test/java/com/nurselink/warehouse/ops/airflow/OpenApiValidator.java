package com.nurselink.warehouse.ops.airflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionConfig;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks HTTP requests and responses against an official OpenAPI document (3.0 or 3.1).
 *
 * <p>The operation is found by path template and method; path, query and header parameters,
 * the request body and the response body are checked with the schemas of that operation, read
 * by JSON pointer from the document itself, so every {@code $ref} resolves inside the official
 * file. JSON Schema validation is done by networknt's json-schema-validator with its OpenAPI 3.0
 * or 3.1 dialect; {@code readOnly} properties are refused in requests, {@code format} is asserted.
 * Beyond the schemas: unknown query parameters are refused, response status codes must be
 * declared, and operations with a security requirement must carry a matching Authorization header.
 */
final class OpenApiValidator {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String prefix;
  private final JsonNode doc;
  private final String iri;
  private final SchemaRegistry registry;
  private final List<Route> routes = new ArrayList<>();
  private final Map<String, Schema> cache = new ConcurrentHashMap<>();

  private record Route(String template, Pattern pattern, List<String> names, int literalChars) {}

  /** An operation matched by a request. */
  record Operation(String template, String method, JsonNode node, Map<String, String> pathParams) {
    String id() {
      return node.path("operationId").asText();
    }
  }

  /**
   * @param specFile the official YAML document
   * @param prefix what the server puts before the document's paths ("/api/v1" for Airflow 2's
   *     spec, whose server url is /api/v1; "" when the paths are absolute)
   */
  OpenApiValidator(Path specFile, String prefix) {
    this.prefix = prefix;
    try {
      this.doc = YAML.readTree(specFile.toFile());
      this.iri = "https://spec.invalid/" + specFile.getFileName().toString().replace(".yaml", ".json");
      String json = JSON.writeValueAsString(doc);
      Dialect dialect = doc.path("openapi").asText().startsWith("3.1") ? Dialects.getOpenApi31()
          : Dialects.getOpenApi30();
      SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
      this.registry = SchemaRegistry.withDialect(dialect,
          b -> b.schemas(Map.of(iri, json)).schemaRegistryConfig(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Iterator<String> it = doc.path("paths").fieldNames();
    while (it.hasNext()) {
      String t = it.next();
      List<String> names = new ArrayList<>();
      StringBuilder re = new StringBuilder();
      var m = Pattern.compile("\\{([^}]+)}").matcher(t);
      int last = 0;
      int literal = 0;
      while (m.find()) {
        re.append(Pattern.quote(t.substring(last, m.start()))).append("([^/]+)");
        literal += m.start() - last;
        names.add(m.group(1));
        last = m.end();
      }
      re.append(Pattern.quote(t.substring(last)));
      literal += t.length() - last;
      routes.add(new Route(t, Pattern.compile(re.toString()), names, literal));
    }
  }

  /** Whether the document has a path matching this raw request path (any method). */
  boolean covers(String rawPath) {
    return rawPath.startsWith(prefix) && route(rawPath.substring(prefix.length())) != null;
  }

  /** The operation of a request, or null when the document has none. */
  Operation operation(String method, String rawPath) {
    if (!rawPath.startsWith(prefix)) {
      return null;
    }
    String path = rawPath.substring(prefix.length());
    Route r = route(path);
    if (r == null) {
      return null;
    }
    JsonNode op = doc.path("paths").path(r.template()).path(method.toLowerCase(Locale.ROOT));
    if (op.isMissingNode()) {
      return null;
    }
    var m = r.pattern().matcher(path);
    m.matches();
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < r.names().size(); i++) {
      params.put(r.names().get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
    }
    return new Operation(r.template(), method.toLowerCase(Locale.ROOT), op, params);
  }

  private Route route(String path) {
    Route best = null;
    for (Route r : routes) {
      if (r.pattern().matcher(path).matches() && (best == null || r.literalChars() > best.literalChars())) {
        best = r;
      }
    }
    return best;
  }

  /**
   * Problems of a request; empty when it conforms.
   *
   * @param query raw query string (may be null)
   * @param headers lower-case header names
   * @param contentType media type of the body without parameters, or null
   * @param body raw body bytes (empty when none)
   */
  List<String> validateRequest(String method, String rawPath, String query, Map<String, String> headers,
      String contentType, byte[] body) {
    List<String> errors = new ArrayList<>();
    Operation op = operation(method, rawPath);
    if (op == null) {
      errors.add(method + " " + rawPath + ": no such operation in the spec");
      return errors;
    }
    String where = op.id() + " request";
    Map<String, String> q = parseQuery(query);
    Map<String, SchemaLocation> declared = new LinkedHashMap<>();
    for (SchemaLocation loc : parameterLocations(op)) {
      JsonNode p = node(loc);
      String name = p.path("name").asText();
      String in = p.path("in").asText();
      String value = switch (in) {
        case "path" -> op.pathParams().get(name);
        case "query" -> q.get(name);
        case "header" -> headers.get(name.toLowerCase(Locale.ROOT));
        default -> null;
      };
      if (in.equals("query")) {
        declared.put(name, loc);
      }
      if (value == null) {
        if (p.path("required").asBoolean(false)) {
          errors.add(where + ": missing required " + in + " parameter '" + name + "'");
        }
        continue;
      }
      JsonNode schemaNode = p.path("schema");
      JsonNode instance = coerce(value, resolve(schemaNode));
      for (Error e : schema(loc.append("schema")).validate(instance, requestMode())) {
        errors.add(where + ": " + in + " parameter '" + name + "': " + e.getMessage());
      }
    }
    for (String name : q.keySet()) {
      if (!declared.containsKey(name)) {
        errors.add(where + ": query parameter '" + name + "' is not declared");
      }
    }
    errors.addAll(checkSecurity(op, headers, where));
    SchemaLocation rb = opLocation(op).append("requestBody");
    JsonNode requestBody = node(rb);
    if (requestBody.has("$ref")) {
      rb = refLocation(requestBody.get("$ref").asText());
      requestBody = node(rb);
    }
    boolean hasBody = body != null && body.length > 0;
    if (requestBody.isMissingNode()) {
      if (hasBody) {
        errors.add(where + ": the operation takes no body");
      }
      return errors;
    }
    if (!hasBody) {
      if (requestBody.path("required").asBoolean(false)) {
        errors.add(where + ": missing required body");
      }
      return errors;
    }
    if (contentType == null || !requestBody.path("content").has(contentType)) {
      errors.add(where + ": content type " + contentType + " not accepted");
      return errors;
    }
    JsonNode instance;
    try {
      instance = contentType.equals("application/x-www-form-urlencoded")
          ? formToJson(new String(body, StandardCharsets.UTF_8))
          : JSON.readTree(body);
    } catch (IOException e) {
      errors.add(where + ": body is not JSON: " + e.getMessage());
      return errors;
    }
    Schema s = schema(rb.append("content").append(contentType).append("schema"));
    for (Error e : s.validate(instance, requestMode())) {
      errors.add(where + " body: " + e.getInstanceLocation() + " " + e.getMessage());
    }
    return errors;
  }

  /** Problems of a response to the request; empty when it conforms. */
  List<String> validateResponse(String method, String rawPath, int status, String contentType, byte[] body) {
    List<String> errors = new ArrayList<>();
    Operation op = operation(method, rawPath);
    if (op == null) {
      errors.add(method + " " + rawPath + ": no such operation in the spec");
      return errors;
    }
    String where = op.id() + " response " + status;
    SchemaLocation responses = opLocation(op).append("responses");
    SchemaLocation r = responses.append(String.valueOf(status));
    if (node(r).isMissingNode()) {
      r = responses.append("default");
    }
    JsonNode response = node(r);
    if (response.isMissingNode()) {
      errors.add(where + ": status not declared by the spec");
      return errors;
    }
    if (response.has("$ref")) {
      r = refLocation(response.get("$ref").asText());
      response = node(r);
    }
    JsonNode content = response.path("content");
    boolean hasBody = body != null && body.length > 0;
    if (content.isMissingNode() || content.isEmpty()) {
      if (hasBody) {
        errors.add(where + ": the spec declares no body");
      }
      return errors;
    }
    if (contentType == null || !content.has(contentType)) {
      errors.add(where + ": content type " + contentType + " not declared");
      return errors;
    }
    JsonNode instance;
    try {
      instance = JSON.readTree(hasBody ? body : new byte[0]);
    } catch (IOException e) {
      errors.add(where + ": body is not JSON: " + e.getMessage());
      return errors;
    }
    if (instance == null || instance.isMissingNode()) {
      errors.add(where + ": empty body");
      return errors;
    }
    for (Error e : schema(r.append("content").append(contentType).append("schema"))
        .validate(instance, responseMode())) {
      errors.add(where + " body: " + e.getInstanceLocation() + " " + e.getMessage());
    }
    return errors;
  }

  private List<String> checkSecurity(Operation op, Map<String, String> headers, String where) {
    JsonNode security = op.node().has("security") ? op.node().get("security") : doc.path("security");
    if (!security.isArray() || security.isEmpty()) {
      return List.of();
    }
    String auth = headers.getOrDefault("authorization", "");
    for (JsonNode requirement : security) {
      if (requirement.isEmpty()) {
        return List.of();
      }
      Iterator<String> names = requirement.fieldNames();
      while (names.hasNext()) {
        JsonNode scheme = doc.path("components").path("securitySchemes").path(names.next());
        String type = scheme.path("type").asText();
        String httpScheme = scheme.path("scheme").asText().toLowerCase(Locale.ROOT);
        boolean bearer = type.equals("oauth2") || (type.equals("http") && httpScheme.equals("bearer"));
        boolean basic = type.equals("http") && httpScheme.equals("basic");
        if ((bearer && auth.startsWith("Bearer ") && auth.length() > 7)
            || (basic && auth.startsWith("Basic ") && auth.length() > 6)) {
          return List.of();
        }
      }
    }
    return List.of(where + ": no Authorization header satisfying " + security);
  }

  private static java.util.function.Consumer<com.networknt.schema.ExecutionContext> requestMode() {
    return ctx -> ctx.setExecutionConfig(ExecutionConfig.builder().formatAssertionsEnabled(true)
        .readOnly(true).writeOnly(false).build());
  }

  private static java.util.function.Consumer<com.networknt.schema.ExecutionContext> responseMode() {
    return ctx -> ctx.setExecutionConfig(ExecutionConfig.builder().formatAssertionsEnabled(true)
        .readOnly(false).writeOnly(true).build());
  }

  private List<SchemaLocation> parameterLocations(Operation op) {
    List<SchemaLocation> out = new ArrayList<>();
    SchemaLocation pathItem = root().append("paths").append(op.template());
    for (SchemaLocation parent : List.of(pathItem, pathItem.append(op.method()))) {
      JsonNode params = node(parent.append("parameters"));
      for (int i = 0; i < params.size(); i++) {
        JsonNode p = params.get(i);
        out.add(p.has("$ref") ? refLocation(p.get("$ref").asText()) : parent.append("parameters").append(i));
      }
    }
    return out;
  }

  private SchemaLocation root() {
    return SchemaLocation.of(iri);
  }

  private SchemaLocation opLocation(Operation op) {
    return root().append("paths").append(op.template()).append(op.method());
  }

  private SchemaLocation refLocation(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalStateException("external $ref not supported: " + ref);
    }
    SchemaLocation loc = root();
    for (String token : ref.substring(2).split("/")) {
      loc = loc.append(token.replace("~1", "/").replace("~0", "~"));
    }
    return loc;
  }

  private JsonNode node(SchemaLocation loc) {
    JsonNode n = doc;
    for (int i = 0; i < loc.getFragment().getNameCount(); i++) {
      Object element = loc.getFragment().getElement(i);
      n = element instanceof Integer idx ? n.path(idx) : n.path(element.toString());
    }
    return n;
  }

  private JsonNode resolve(JsonNode schemaNode) {
    JsonNode n = schemaNode;
    while (n.has("$ref")) {
      n = node(refLocation(n.get("$ref").asText()));
    }
    return n;
  }

  private Schema schema(SchemaLocation loc) {
    return cache.computeIfAbsent(loc.toString(), k -> registry.getSchema(loc));
  }

  /** A parameter's text as the JSON value its schema expects (integer, number, boolean, string). */
  private JsonNode coerce(String value, JsonNode schemaNode) {
    List<String> types = new ArrayList<>();
    collectTypes(schemaNode, types);
    JsonNodeFactory f = JsonNodeFactory.instance;
    try {
      if (types.contains("integer") && value.matches("-?\\d+")) {
        return f.numberNode(Long.parseLong(value));
      }
      if (types.contains("number") && value.matches("-?\\d+(\\.\\d+)?")) {
        return f.numberNode(new java.math.BigDecimal(value));
      }
    } catch (NumberFormatException e) {
      return f.textNode(value);
    }
    if (types.contains("boolean") && (value.equals("true") || value.equals("false"))) {
      return f.booleanNode(Boolean.parseBoolean(value));
    }
    return f.textNode(value);
  }

  private void collectTypes(JsonNode schemaNode, List<String> out) {
    JsonNode s = resolve(schemaNode);
    if (s.path("type").isTextual()) {
      out.add(s.get("type").asText());
    }
    for (String k : List.of("anyOf", "oneOf", "allOf")) {
      for (JsonNode sub : s.path(k)) {
        collectTypes(sub, out);
      }
    }
  }

  static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private static JsonNode formToJson(String form) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    parseQuery(form).forEach(o::put);
    return o;
  }
}
