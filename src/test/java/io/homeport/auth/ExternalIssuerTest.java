package io.homeport.auth;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.config.ConfigException;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.pki.DeviceKeys;
import io.homeport.pki.Pem;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalIssuerTest {
  private static final String ISSUER = "https://idp.example.test";

  @Test
  @DisplayName("Verifies that tokens of a configured external issuer are accepted with their role and scope, and others are not")
  void externalTokens(@TempDir Path dir) throws Exception {
    // given an identity provider's key pair, its public key as a JWK set in a file the server is told about
    KeyPair idp = DeviceKeys.generate();
    Path jwks = dir.resolve("idp-jwks.json");
    Files.writeString(jwks, Jwks.fromPublicKeyPem(Pem.encodePublicKey(idp.getPublic())).encode());
    HomeportConfig config = TestServer.config(dir.resolve("data"), Map.of())
        .withExternalIssuer(new HomeportConfig.ExternalIssuer(ISSUER, jwks));
    Vertx vertx = Vertx.vertx();
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256")
        .setBuffer(Pem.encodePrivateKey(idp.getPrivate()))));
    try (TestServer server = TestServer.start(config)) {
      server.createDevice("ext-a");
      server.createDevice("ext-b");
      // when the provider issues an integrator token limited to ext-a
      String token = signer.generateToken(new JsonObject().put("role", "integrator")
          .put("devices", new io.vertx.core.json.JsonArray().add("ext-a")),
          new JWTOptions().setAlgorithm("ES256").setIssuer(ISSUER).setSubject("alice").setExpiresInSeconds(300));
      // then the API accepts it, with its scope
      assertThat(server.api("GET", "/api/v1/devices/ext-a", token, null).statusCode()).isEqualTo(200);
      assertProblem(server.api("GET", "/api/v1/devices/ext-b", token, null), 404, "device-not-found");
      // and a token of the same key with another issuer, or without a role, is refused
      String otherIssuer = signer.generateToken(new JsonObject().put("role", "admin"),
          new JWTOptions().setAlgorithm("ES256").setIssuer("https://evil.example.test").setExpiresInSeconds(300));
      assertProblem(server.api("GET", "/api/v1/devices", otherIssuer, null), 401, "unauthenticated");
      String noRole = signer.generateToken(new JsonObject(),
          new JWTOptions().setAlgorithm("ES256").setIssuer(ISSUER).setExpiresInSeconds(300));
      assertProblem(server.api("GET", "/api/v1/devices", noRole, null), 403, "forbidden");
      // and Homeport's own tokens keep working
      assertThat(server.api("GET", "/api/v1/devices", server.adminToken(), null).statusCode()).isEqualTo(200);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("Verifies that an external issuer needs both its settings")
  void configuration() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_AUTH_EXTERNAL_ISSUER", ISSUER)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.externalJwksFile");
    assertThat(ConfigLoader.load(null, Map.of("HOMEPORT_AUTH_EXTERNAL_ISSUER", ISSUER,
        "HOMEPORT_AUTH_EXTERNAL_JWKS_FILE", "/etc/idp.json")).externalIssuer().issuer()).isEqualTo(ISSUER);
    assertThat(ConfigLoader.load(null, Map.of()).externalIssuer()).isNull();
  }
}
