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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refusing half of the role matrix: every documented route (the allowing half, per role, is
 * {@link OpenApiRoutesTest#rolesAreEnforcedAsDocumented}) with no token, an expired token and a
 * revoked token.
 */
class AuthMatrixTest {

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
}
