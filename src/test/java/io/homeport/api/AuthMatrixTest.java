package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.auth.Role;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refusing half of the role matrix: every documented route (the allowing half, per role, is
 * {@link OpenApiRoutesTest#rolesAreEnforcedAsDocumented}) with no token, an expired token and a
 * revoked token; and every route with an application token, which reaches only its few routes.
 */
class AuthMatrixTest {
  /**
   * The only routes an application token reaches (DESIGN 4): the device CA and its CRL, and waking a
   * device for one of its application servers (once that route is served).
   */
  static final Set<String> APPLICATION_ROUTES = Set.of("GET /api/v1/pki/ca.pem", "GET /api/v1/pki/crl",
      "POST /api/v1/devices/{id}/wake");

  @Test
  @DisplayName("Verifies that every route but /health refuses a missing, an expired and a revoked token with a 401 problem")
  void refusesBadTokensEverywhere(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // given an expired token and a revoked one, both of the admin role (which may do everything)
      String expired = server.server().tokens().mint(Role.ADMIN, "expired", 1);
      JsonObject minted = server.admin("POST", "/api/v1/tokens",
          "{\"role\":\"admin\",\"subject\":\"revoked\",\"expiresIn\":\"1h\"}", 201);
      String revoked = minted.getString("token");
      server.admin("DELETE", "/api/v1/tokens/" + minted.getString("id"), null, 200);
      Thread.sleep(7_000); // past the expiry plus the verifier's 5 s leeway
      Map<String, String> tokens = new java.util.LinkedHashMap<>();
      tokens.put("no token", null);
      tokens.put("expired", expired);
      tokens.put("revoked", revoked);

      // when every documented operation is called with each of them
      List<String> wrong = new ArrayList<>();
      for (String op : OpenApiRoutesTest.SPEC.operations().keySet()) {
        if (op.equals("GET /health") || OpenApiRoutesTest.NOT_YET_SERVED.contains(op)) {
          continue;
        }
        String method = op.substring(0, op.indexOf(' '));
        String path = op.substring(method.length() + 1).replace("{id}", "no-such-id").replace("{scope}", "group:no-such-group");
        for (Map.Entry<String, String> t : tokens.entrySet()) {
          HttpResponse<String> r = server.api(method, path, t.getValue(), method.equals("GET") ? null : "{}");
          String type = r.statusCode() == 401 ? new JsonObject(r.body()).getString("type") : null;
          String expectedType = t.getKey().equals("revoked") ? "urn:homeport:problem:token-revoked"
              : "urn:homeport:problem:unauthenticated";
          if (r.statusCode() != 401 || !expectedType.equals(type)
              || !r.headers().firstValue("Content-Type").orElse("").equals("application/problem+json")) {
            wrong.add(op + " with " + t.getKey() + ": " + r.statusCode() + " " + r.body());
          }
        }
      }
      // then each is refused as unauthenticated (or revoked), and nothing else gets through
      assertThat(wrong).isEmpty();
      assertThat(server.api("GET", "/health", null, null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("Verifies that an application token, minted by an admin, gets 403 forbidden on every documented route "
      + "but the PKI routes (and the application wake), and that the document lists it on exactly those")
  void applicationTokensReachOnlyTheirRoutes(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // given an application token for application server vendor-x, minted through the API
      String token = server.admin("POST", "/api/v1/tokens",
          "{\"role\":\"application\",\"subject\":\"vendor\",\"applicationServers\":[\"vendor-x\"]}", 201)
          .getString("token");
      server.createDevice("matrix-1");

      // when every documented operation is called with it (an existing device, so allowed routes get past 404)
      List<String> wrong = new ArrayList<>();
      for (Map.Entry<String, Map<String, Object>> op : OpenApiRoutesTest.SPEC.operations().entrySet()) {
        String key = op.getKey();
        if (key.equals("GET /health") || OpenApiRoutesTest.NOT_YET_SERVED.contains(key)) {
          continue;
        }
        boolean documented = OpenApiSpec.list(op.getValue().get("x-homeport-roles"), key).contains("application");
        if (documented != APPLICATION_ROUTES.contains(key)) {
          wrong.add(key + " documents the application role " + documented + ", expected the opposite");
        }
        String method = key.substring(0, key.indexOf(' '));
        String path = key.substring(method.length() + 1).replace("{id}", "matrix-1").replace("{scope}", "global");
        HttpResponse<String> r = server.api(method, path, token, method.equals("GET") ? null : "{\"no-such-field\":true}");
        if (APPLICATION_ROUTES.contains(key)) {
          if (r.statusCode() == 403 || r.statusCode() == 401) {
            wrong.add(key + ": refused " + r.statusCode() + " " + r.body());
          }
        } else if (r.statusCode() != 403
            || !"urn:homeport:problem:forbidden".equals(new JsonObject(r.body()).getString("type"))) {
          wrong.add(key + ": " + r.statusCode() + " " + r.body());
        }
      }
      // then only its routes let it through, and the PKI routes answer it
      assertThat(wrong).isEmpty();
      assertThat(server.api("GET", "/api/v1/pki/ca.pem", token, null).statusCode()).isEqualTo(200);
      assertThat(server.api("GET", "/api/v1/pki/crl", token, null).statusCode()).isEqualTo(200);
    }
  }
}
