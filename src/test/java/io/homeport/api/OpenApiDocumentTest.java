package io.homeport.api;

import io.homeport.refusal.Refusal;
import static io.homeport.api.OpenApiSpec.list;
import static io.homeport.api.OpenApiSpec.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The OpenAPI document on its own: parses, is structurally valid OpenAPI 3.1, and lists every problem type. */
class OpenApiDocumentTest {
  static final OpenApiSpec SPEC = OpenApiSpec.load();
  static final Set<String> ROLES = Set.of("admin", "operator", "integrator", "application");
  static final String PROBLEM_PREFIX = "urn:homeport:problem:";
  /** The one error answered by the HTTP server itself, before routing, so not as a problem: 431 with no body. */
  static final String HEADERS_TOO_LARGE = "431";

  @Test
  @DisplayName("Verifies that the document parses as YAML and is OpenAPI 3.1 with info, servers, paths and components")
  void header() {
    assertThat(String.valueOf(SPEC.root.get("openapi"))).startsWith("3.1");
    Map<String, Object> info = map(SPEC.root.get("info"), "info");
    assertThat(info.get("title")).asString().isNotBlank();
    assertThat(info.get("version")).isNotNull();
    assertThat(info.get("description")).asString()
        .contains("/health").contains("any valid token").contains("application/problem+json");
    assertThat(SPEC.paths()).isNotEmpty();
    assertThat(map(SPEC.root.get("components"), "components")).containsKeys("schemas", "securitySchemes", "responses");
    assertThat(SPEC.text).as("OpenAPI 3.1 writes nullable as a type list").doesNotContain("nullable:");
  }

  @Test
  @DisplayName("Verifies that every $ref in the document resolves within the document")
  void refsResolve() {
    List<String> refs = SPEC.refs();
    assertThat(refs).hasSizeGreaterThan(50);
    List<String> broken = new ArrayList<>();
    for (String ref : new LinkedHashSet<>(refs)) {
      try {
        SPEC.resolve(ref);
      } catch (AssertionError e) {
        broken.add(e.getMessage());
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  @DisplayName("Verifies that every operation has a unique operationId, responses with valid codes, roles and problem+json errors")
  void operations() {
    Set<String> ids = new HashSet<>();
    SPEC.operations().forEach((key, op) -> {
      assertThat(ids.add(String.valueOf(op.get("operationId")))).as("operationId of " + key + " is unique").isTrue();
      assertThat(op.get("summary")).as(key + " summary").asString().isNotBlank();
      Map<String, Object> responses = map(op.get("responses"), key + " responses");
      assertThat(responses).as(key + " responses").isNotEmpty();
      assertThat(responses.keySet()).as(key + " has a success response")
          .anyMatch(code -> code.startsWith("2") || code.equals("101"));
      responses.forEach((code, response) -> {
        assertThat(code).as(key + " response code (quoted, so YAML keeps it a string)").matches("[1-5][0-9][0-9]|default");
        Map<String, Object> r = SPEC.deref(response, key + " " + code);
        assertThat(r.get("description")).as(key + " " + code + " description").isNotNull();
        if (code.equals(HEADERS_TOO_LARGE)) {
          assertThat(r).as(key + " " + code + ": the HTTP server's refusal before routing has no body")
              .doesNotContainKey("content");
        } else if (code.startsWith("4") || code.startsWith("5")) {
          Map<String, Object> content = map(r.get("content"), key + " " + code + " content");
          assertThat(content).as(key + " " + code).containsOnlyKeys("application/problem+json");
          Object schema = map(content.get("application/problem+json"), key).get("schema");
          assertThat(map(schema, key).get("$ref")).as(key + " " + code).isEqualTo("#/components/schemas/Problem");
        }
      });
      List<Object> roles = list(op.get("x-homeport-roles"), key + " x-homeport-roles");
      assertThat(roles).as(key + " roles").allMatch(ROLES::contains);
      boolean open = op.containsKey("security") && list(op.get("security"), key).isEmpty();
      assertThat(open).as(key + " is open exactly when it lists no roles").isEqualTo(roles.isEmpty());
      if (!open) {
        assertThat(responses).as(key + " answers 401 without a token").containsKey("401");
      }
    });
    assertThat(SPEC.operations().entrySet().stream()
        .filter(e -> list(e.getValue().get("x-homeport-roles"), e.getKey()).isEmpty()).map(Map.Entry::getKey))
        .as("nothing but /health is unauthenticated").containsExactly("GET /health");
  }

  @Test
  @DisplayName("Verifies that path templates and path parameters match and security schemes are defined")
  void parametersAndSecurity() {
    Map<String, Object> schemes = map(map(SPEC.root.get("components"), "components").get("securitySchemes"), "schemes");
    Map<String, Object> bearer = map(schemes.get("bearerAuth"), "bearerAuth");
    assertThat(bearer).containsEntry("type", "http").containsEntry("scheme", "bearer").containsEntry("bearerFormat", "JWT");
    assertThat(list(SPEC.root.get("security"), "security")).containsExactly(Map.of("bearerAuth", List.of()));
    Pattern template = Pattern.compile("\\{([^}]+)}");
    SPEC.paths().forEach((path, itemNode) -> {
      assertThat(path).startsWith("/");
      Map<String, Object> item = map(itemNode, path);
      Set<String> inPath = new TreeSet<>();
      Matcher m = template.matcher(path);
      while (m.find()) {
        inPath.add(m.group(1));
      }
      item.forEach((method, opNode) -> {
        if (!OpenApiSpec.METHODS.contains(method)) {
          return;
        }
        Set<String> declared = new TreeSet<>();
        List<Object> params = new ArrayList<>();
        params.addAll(item.containsKey("parameters") ? list(item.get("parameters"), path) : List.of());
        Map<String, Object> op = map(opNode, method + " " + path);
        params.addAll(op.containsKey("parameters") ? list(op.get("parameters"), path) : List.of());
        for (Object p : params) {
          Map<String, Object> param = SPEC.deref(p, path + " parameter");
          assertThat(param.get("in")).isIn("path", "query", "header", "cookie");
          assertThat(param).as(path + " parameter " + param.get("name")).containsKey("schema");
          if ("path".equals(param.get("in"))) {
            assertThat(param.get("required")).as(path + " path parameters are required").isEqualTo(true);
            declared.add((String) param.get("name"));
          }
        }
        assertThat(declared).as(method + " " + path + " path parameters").isEqualTo(inPath);
        if (op.containsKey("security")) {
          for (Object requirement : list(op.get("security"), path)) {
            assertThat(schemes).containsKeys(map(requirement, path).keySet().toArray(String[]::new));
          }
        }
      });
    });
  }

  @Test
  @DisplayName("Verifies that the Problem schema has the RFC 9457 members and ProblemType lists stable type URNs")
  void problemSchema() {
    Map<String, Object> problem = map(SPEC.resolve("#/components/schemas/Problem"), "Problem");
    assertThat(map(problem.get("properties"), "Problem.properties"))
        .containsOnlyKeys("type", "title", "status", "detail", "instance", "field");
    assertThat(list(problem.get("required"), "Problem.required")).containsExactlyInAnyOrder("type", "title", "status", "detail");
    Set<String> api = SPEC.constants(OpenApiSpec.PROBLEM_TYPES);
    Set<String> channel = SPEC.constants(OpenApiSpec.DEVICE_CHANNEL_PROBLEM_TYPES);
    assertThat(api).contains(PROBLEM_PREFIX + "unauthenticated", PROBLEM_PREFIX + "forbidden",
        PROBLEM_PREFIX + "invalid-field", PROBLEM_PREFIX + "device-not-found", PROBLEM_PREFIX + "command-not-found");
    assertThat(Stream.concat(api.stream(), channel.stream()))
        .allMatch(t -> t.matches("urn:homeport:problem:[a-z]+(-[a-z]+)*"));
    assertThat(api).doesNotContainAnyElementsOf(channel);
  }

  /**
   * Reads the problem slugs out of the main sources the way they are written: {@code new Problem(status,
   * "slug"}, {@code Problem.badRequest("slug"}, {@code new Refusal.Kind("slug"}, and the
   * command conflict translations. Slugs built at run time ({@code "device-" + field + "-taken"})
   * are added by hand below.
   */
  @Test
  @DisplayName("Verifies that every problem type the code can produce is enumerated in the document")
  void everyProblemTypeOfTheCodeIsListed() throws IOException {
    Pattern[] patterns = {
        Pattern.compile("new Problem\\(\\s*\\d+,\\s*\"([a-z-]+)\"\\s*,"),
        Pattern.compile("Problem\\.badRequest\\(\\s*\"([a-z-]+)\"\\s*,"),
        Pattern.compile("new Refusal\\.(?!Duplicate)\\w+\\(\\s*\"([a-z-]+)\"\\s*,"),
        Pattern.compile("translate\\([^;]*?\"([a-z-]+)\"\\)"),
    };
    Set<String> slugs = new TreeSet<>(List.of("device-id-taken", "device-name-taken")); // DeviceService: "device-" + field + "-taken"
    List<Path> sources;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path source : sources) {
      String code = Files.readString(source);
      for (Pattern p : patterns) {
        Matcher m = p.matcher(code);
        while (m.find()) {
          slugs.add(m.group(1));
        }
      }
    }
    assertThat(slugs).as("slugs found in the sources").hasSizeGreaterThan(25)
        .contains("unauthenticated", "params-too-large", "plugin-not-loaded", "command-not-cancellable");
    Set<String> documented = new HashSet<>();
    SPEC.constants(OpenApiSpec.PROBLEM_TYPES).forEach(t -> documented.add(t.substring(PROBLEM_PREFIX.length())));
    SPEC.constants(OpenApiSpec.DEVICE_CHANNEL_PROBLEM_TYPES).forEach(t -> documented.add(t.substring(PROBLEM_PREFIX.length())));
    assertThat(documented).as("problem types in ProblemType or x-homeport-device-channel-problem-types").containsAll(slugs);
  }

  @Test
  @DisplayName("Verifies that the operations marked as being added are exactly the not-yet-served routes of the route check")
  void draftsAreTheNotYetServedRoutes() {
    Set<String> drafts = new TreeSet<>();
    SPEC.operations().forEach((key, op) -> {
      if (Boolean.TRUE.equals(op.get("x-homeport-draft"))) {
        drafts.add(key);
      }
    });
    assertThat(drafts).isEqualTo(new TreeSet<>(OpenApiRoutesTest.NOT_YET_SERVED));
  }
}
