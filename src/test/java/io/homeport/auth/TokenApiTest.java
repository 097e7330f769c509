package io.homeport.auth;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenApiTest {

  @Test
  @DisplayName("Verifies that an admin mints scoped tokens, a device-limited integrator sees only its devices, and a "
      + "revoked token is refused at once and after a restart")
  void mintScopeRevoke(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // given two devices with a command each
      server.createDevice("dev-a");
      server.createDevice("dev-b");
      String cmdB = server.admin("POST", "/api/v1/devices/dev-b/commands", "{\"action\":\"x\"}", 201).getString("id");
      // when an admin mints an integrator token limited to dev-a
      JsonObject minted = server.admin("POST", "/api/v1/tokens",
          "{\"role\":\"integrator\",\"subject\":\"dashboard\",\"devices\":[\"dev-a\"],\"expiresIn\":\"1h\"}", 201);
      String token = minted.getString("token");
      assertThat(minted.getString("id")).isNotBlank();
      assertThat(minted.getJsonArray("devices")).containsExactly("dev-a");
      // then it sees dev-a only
      JsonObject list = new JsonObject(server.api("GET", "/api/v1/devices", token, null).body());
      assertThat(list.getJsonArray("items").stream().map(d -> ((JsonObject) d).getString("id")).toList())
          .containsExactly("dev-a");
      assertThat(server.api("GET", "/api/v1/devices/dev-a", token, null).statusCode()).isEqualTo(200);
      assertProblem(server.api("GET", "/api/v1/devices/dev-b", token, null), 404, "device-not-found");
      assertProblem(server.api("GET", "/api/v1/devices/dev-b/commands", token, null), 404, "device-not-found");
      assertProblem(server.api("GET", "/api/v1/commands/" + cmdB, token, null), 404, "command-not-found");
      assertProblem(server.api("POST", "/api/v1/devices/dev-a/commands", token, "{\"action\":\"x\"}"), 403, "forbidden");
      // and only admins mint, and only integrators are limited to devices
      String operator = server.admin("POST", "/api/v1/tokens", "{\"role\":\"operator\",\"subject\":\"ops\"}", 201)
          .getString("token");
      assertProblem(server.api("POST", "/api/v1/tokens", operator, "{\"role\":\"admin\",\"subject\":\"me\"}"), 403, "forbidden");
      assertProblem(server.api("POST", "/api/v1/tokens", token, "{\"role\":\"admin\",\"subject\":\"me\"}"), 403, "forbidden");
      assertThat(assertProblem(server.api("POST", "/api/v1/tokens", server.adminToken(),
          "{\"role\":\"operator\",\"subject\":\"x\",\"devices\":[\"dev-a\"]}"), 400, "invalid-field").getString("field"))
          .isEqualTo("devices");
      assertProblem(server.api("POST", "/api/v1/tokens", server.adminToken(), "{\"role\":\"root\",\"subject\":\"x\"}"),
          400, "invalid-field");

      // when the token is revoked
      JsonObject revoked = server.admin("DELETE", "/api/v1/tokens/" + minted.getString("id"), null, 200);
      assertThat(revoked.getString("revokedAt")).isNotNull();
      // then it is refused at once, and still after a restart
      assertProblem(server.api("GET", "/api/v1/devices/dev-a", token, null), 401, "token-revoked");
      server.restart();
      assertProblem(server.api("GET", "/api/v1/devices/dev-a", token, null), 401, "token-revoked");
      assertThat(server.api("GET", "/api/v1/devices", operator, null).statusCode()).isEqualTo(200);
      assertProblem(server.api("DELETE", "/api/v1/tokens/nope", server.adminToken(), null), 404, "token-not-found");
    }
  }

  @Test
  @DisplayName("Verifies that an admin mints application tokens with their applicationServers claim, shown in the "
      + "token list, and that a missing, misplaced or malformed claim is a 400 problem naming it")
  void applicationTokens(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // when an admin mints an application token for two application servers (one named twice)
      JsonObject minted = server.admin("POST", "/api/v1/tokens", "{\"role\":\"application\",\"subject\":\"acme-cloud\","
          + "\"applicationServers\":[\"acme-eu\",\"acme.us\",\"acme-eu\"],\"expiresIn\":\"30d\"}", 201);
      // then the token carries the claim, once each, and the token list shows it
      assertThat(minted.getString("role")).isEqualTo("application");
      assertThat(minted.getJsonArray("applicationServers")).containsExactly("acme-eu", "acme.us");
      String payload = new String(Base64.getUrlDecoder().decode(minted.getString("token").split("\\.")[1]),
          StandardCharsets.UTF_8);
      assertThat(new JsonObject(payload).getJsonArray("applicationServers")).containsExactly("acme-eu", "acme.us");
      JsonObject listed = server.admin("GET", "/api/v1/tokens", null, 200).getJsonArray("items").stream()
          .map(JsonObject.class::cast).filter(t -> t.getString("id").equals(minted.getString("id"))).findFirst().orElseThrow();
      assertThat(listed.getJsonArray("applicationServers")).containsExactly("acme-eu", "acme.us");
      assertThat(listed.getValue("devices")).isNull();

      // and the claim is refused where it is missing, misplaced or malformed, nothing minted
      int before = server.admin("GET", "/api/v1/tokens", null, 200).getJsonArray("items").size();
      for (String body : new String[] {
          "{\"role\":\"application\",\"subject\":\"a\"}",
          "{\"role\":\"operator\",\"subject\":\"a\",\"applicationServers\":[\"acme-eu\"]}",
          "{\"role\":\"integrator\",\"subject\":\"a\",\"applicationServers\":[\"acme-eu\"]}",
          "{\"role\":\"application\",\"subject\":\"a\",\"applicationServers\":[]}",
          "{\"role\":\"application\",\"subject\":\"a\",\"applicationServers\":\"acme-eu\"}",
          "{\"role\":\"application\",\"subject\":\"a\",\"applicationServers\":[\"-bad\"]}",
          "{\"role\":\"application\",\"subject\":\"a\",\"applicationServers\":[\"homeport:beacon\"]}",
          "{\"role\":\"application\",\"subject\":\"a\",\"applicationServers\":[\"" + "x".repeat(65) + "\"]}",
          "{\"role\":\"application\",\"subject\":\"a\",\"applicationServers\":[\"acme\"],\"devices\":[\"d\"]}"}) {
        JsonObject problem = assertProblem(server.api("POST", "/api/v1/tokens", server.adminToken(), body), 400,
            "invalid-field");
        assertThat(problem.getString("field")).as(body).isIn("applicationServers", "devices");
      }
      assertThat(server.admin("GET", "/api/v1/tokens", null, 200).getJsonArray("items")).hasSize(before);
    }
  }

  @Test
  @DisplayName("Verifies that /api/v1/jwks.json publishes the key that verifies the server's tokens")
  void jwks(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      JsonObject jwk = server.admin("GET", "/api/v1/jwks.json", null, 200).getJsonArray("keys").getJsonObject(0);
      assertThat(jwk.getString("kty")).isEqualTo("EC");
      assertThat(jwk.getString("alg")).isEqualTo("ES256");
      // verify the admin token's ES256 signature with the published key alone
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
          new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("x"))),
              new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("y")))),
          params.getParameterSpec(ECParameterSpec.class)));
      String[] parts = server.adminToken().split("\\.");
      Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
      verifier.initVerify(key);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
      assertProblem(server.api("GET", "/api/v1/jwks.json", null, null), 401, "unauthenticated");
    }
  }
}
