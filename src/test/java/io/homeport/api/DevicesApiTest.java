package io.homeport.api;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.auth.Role;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicesApiTest {
  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static int deviceCount() throws Exception {
    return server.admin("GET", "/api/v1/devices?limit=1000", null, 200).getJsonArray("items").size();
  }

  @Test
  @DisplayName("Verifies that /health needs no token and every API route needs a valid one")
  void authentication() throws Exception {
    assertThat(server.api("GET", "/health", null, null).statusCode()).isEqualTo(200);
    assertProblem(server.api("GET", "/api/v1/devices", null, null), 401, "unauthenticated");
    assertProblem(server.api("GET", "/api/v1/devices", "not-a-jwt", null), 401, "unauthenticated");
    String admin = server.adminToken();
    String tampered = admin.substring(0, admin.length() - 4) + (admin.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertProblem(server.api("GET", "/api/v1/devices", tampered, null), 401, "unauthenticated");
    assertProblem(server.api("POST", "/api/v1/devices", null, "{}"), 401, "unauthenticated");
    assertThat(server.api("GET", "/api/v1/devices", admin, null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("Verifies that an integrator may read but not change devices, and an operator may do both")
  void roles() throws Exception {
    String integrator = server.server().tokens().mint(Role.INTEGRATOR, "dashboard", 300);
    String operator = server.server().tokens().mint(Role.OPERATOR, "ops", 300);
    assertThat(server.api("GET", "/api/v1/devices", integrator, null).statusCode()).isEqualTo(200);
    int before = deviceCount();
    assertProblem(server.api("POST", "/api/v1/devices", integrator, "{\"id\":\"by-integrator\"}"), 403, "forbidden");
    assertThat(deviceCount()).isEqualTo(before);
    assertThat(server.api("POST", "/api/v1/devices", operator, "{\"id\":\"by-operator\"}").statusCode()).isEqualTo(201);
    String expired = server.server().tokens().mint(Role.ADMIN, "old", 1);
    Thread.sleep(7_000); // past the expiry plus the verifier's 5 s leeway
    assertProblem(server.api("GET", "/api/v1/devices", expired, null), 401, "unauthenticated");
  }

  @Test
  @DisplayName("Verifies that a device is created with a generated id, metadata and a one-time enrollment token")
  void create() throws Exception {
    HttpResponse<String> r = server.api("POST", "/api/v1/devices", server.adminToken(),
        "{\"name\":\"kitchen-gw\",\"vendor\":\"Acme\",\"metadata\":{\"room\":\"kitchen\",\"floor\":1}}");
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject d = new JsonObject(r.body());
    String id = d.getString("id");
    assertThat(id).matches("[0-9a-f-]{36}");
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/devices/" + id);
    assertThat(d.getString("state")).isEqualTo("pending");
    assertThat(d.getJsonObject("metadata").getInteger("floor")).isEqualTo(1);
    assertThat(d.getJsonObject("enrollment").getString("token")).startsWith("hp1.");
    assertThat(d.getJsonObject("presence").getBoolean("online")).isFalse();
    JsonObject fetched = server.admin("GET", "/api/v1/devices/" + id, null, 200);
    assertThat(fetched.getString("name")).isEqualTo("kitchen-gw");
    assertThat(fetched.getString("vendor")).isEqualTo("Acme");
    assertThat(fetched.containsKey("enrollment")).as("the token is shown once").isFalse();
  }

  @Test
  @DisplayName("Verifies that bad create requests get 4xx problems naming the problem, and store nothing")
  void badCreates() throws Exception {
    server.admin("POST", "/api/v1/devices", "{\"id\":\"taken-1\",\"name\":\"taken-name\"}", 201);
    int before = deviceCount();
    String admin = server.adminToken();
    assertProblem(server.api("POST", "/api/v1/devices", admin, "{\"id\":\"taken-1\"}"), 409, "device-id-taken");
    assertProblem(server.api("POST", "/api/v1/devices", admin, "{\"id\":\"new-1\",\"name\":\"taken-name\"}"), 409, "device-name-taken");
    assertProblem(server.api("POST", "/api/v1/devices", admin, "{\"id\":\"bad id/..\"}"), 400, "invalid-device-id");
    assertProblem(server.api("POST", "/api/v1/devices", admin, "{\"id\":\"x\",\"colour\":\"red\"}"), 400, "invalid-field");
    assertProblem(server.api("POST", "/api/v1/devices", admin, "{\"metadata\":[1,2]}"), 400, "invalid-field");
    assertProblem(server.api("POST", "/api/v1/devices", admin, "{\"id\":7}"), 400, "invalid-field");
    assertProblem(server.api("POST", "/api/v1/devices", admin, "{\"id\":"), 400, "malformed-json");
    assertProblem(server.api("POST", "/api/v1/devices", admin, "[1]"), 400, "malformed-json");
    assertProblem(server.api("POST", "/api/v1/devices", admin,
        "{\"metadata\":{\"blob\":\"" + "x".repeat(70_000) + "\"}}"), 413, "body-too-large");
    JsonObject r = new JsonObject(server.api("POST", "/api/v1/devices", admin, "{\"id\":\"x\",\"colour\":\"red\"}").body());
    assertThat(r.getString("field")).isEqualTo("colour");
    assertThat(deviceCount()).isEqualTo(before);
    assertThat(server.api("GET", "/api/v1/devices/new-1", admin, null).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("Verifies list paging, 404s, revoke, new tokens and delete")
  void lifecycle() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.admin("POST", "/api/v1/devices", "{\"id\":\"page-" + i + "\"}", 201);
    }
    JsonObject page = server.admin("GET", "/api/v1/devices?offset=1&limit=2", null, 200);
    assertThat(page.getJsonArray("items").size()).isEqualTo(2);
    assertProblem(server.api("GET", "/api/v1/devices?limit=0", server.adminToken(), null), 400, "invalid-field");
    assertProblem(server.api("GET", "/api/v1/devices/nope", server.adminToken(), null), 404, "device-not-found");
    assertProblem(server.api("GET", "/api/v1/nothing-here", server.adminToken(), null), 404, "not-found");

    JsonObject token = server.admin("POST", "/api/v1/devices/page-0/enrollment-tokens", null, 201);
    assertThat(token.getString("token")).startsWith("hp1.");
    JsonObject revoked = server.admin("POST", "/api/v1/devices/page-0/revoke", null, 200);
    assertThat(revoked.getString("state")).isEqualTo("revoked");
    assertThat(revoked.getString("revokedAt")).isNotNull();
    assertProblem(server.api("POST", "/api/v1/devices/page-0/enrollment-tokens", server.adminToken(), null), 410, "device-revoked");
    assertProblem(server.api("POST", "/api/v1/devices/nope/revoke", server.adminToken(), null), 404, "device-not-found");

    assertThat(server.api("DELETE", "/api/v1/devices/page-1", server.adminToken(), null).statusCode()).isEqualTo(204);
    assertProblem(server.api("GET", "/api/v1/devices/page-1", server.adminToken(), null), 404, "device-not-found");
    assertProblem(server.api("DELETE", "/api/v1/devices/page-1", server.adminToken(), null), 404, "device-not-found");
  }
}
