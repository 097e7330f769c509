package io.homeport.devicechannel;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.agent.DeviceBundle;
import io.homeport.agent.Enroller;
import io.homeport.agent.EnrollerAccess;
import io.homeport.device.EnrollmentTokens;
import io.homeport.pki.TlsContexts;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrollment over the real device channel, and client-certificate authentication of device routes. */
class EnrollmentTest {
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

  private static JsonObject device(String id) throws Exception {
    return server.admin("GET", "/api/v1/devices/" + id, null, 200);
  }

  /** Posts an enrollment request as a device would, trusting the server by the token's CA pin. */
  private static HttpResponse<String> postEnroll(String token, String csr) throws Exception {
    HttpClient client = HttpClient.newBuilder()
        .sslContext(TlsContexts.pinnedContext(EnrollmentTokens.parse(token).caPin())).build();
    return client.send(HttpRequest.newBuilder(server.deviceChannel().resolve("/device/v1/enroll"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", token).put("csr", csr).encode()))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("Verifies that a device enrolls with its token and a CSR and gets its chain, the CA, a beacon key and the endpoints")
  void enrolls() throws Exception {
    String token = server.createDevice("washer-1");
    DeviceBundle bundle = Enroller.enroll(server.deviceChannel(), token);
    assertThat(bundle.deviceId()).isEqualTo("washer-1");
    assertThat(bundle.beaconKey()).hasSize(32);
    assertThat(bundle.beaconPort()).isEqualTo(server.server().beaconPort());
    assertThat(bundle.beaconHost()).isEqualTo("localhost");
    assertThat(bundle.deviceChannelUrl()).isEqualTo("https://localhost:" + server.server().deviceChannelPort());
    assertThat(bundle.certificateChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=washer-1");
    JsonObject d = device("washer-1");
    assertThat(d.getString("state")).isEqualTo("enrolled");
    assertThat(d.getJsonObject("certificate").getString("serial"))
        .isEqualToIgnoringCase(bundle.certificateChain().get(0).getSerialNumber().toString(16));
    assertThat(d.encode()).doesNotContain("beaconKey");
  }

  @Test
  @DisplayName("Verifies that a reused token is refused with 409 and the first enrollment stays in force")
  void reusedToken() throws Exception {
    String token = server.createDevice("reuse-1");
    Enroller.enroll(server.deviceChannel(), token);
    String serial = device("reuse-1").getJsonObject("certificate").getString("serial");
    assertThatThrownBy(() -> Enroller.enroll(server.deviceChannel(), token))
        .isInstanceOf(Enroller.EnrollmentRefused.class).hasMessageContaining("409")
        .hasMessageContaining("enrollment-token-used");
    assertThat(device("reuse-1").getJsonObject("certificate").getString("serial")).isEqualTo(serial);
  }

  @Test
  @DisplayName("Verifies that an expired token is refused with 410 and leaves the device pending")
  void expiredToken(@TempDir Path other) throws Exception {
    try (TestServer shortLived = TestServer.start(TestServer.config(other, Map.of("HOMEPORT_ENROLLMENT_TOKEN_TTL", "1s")))) {
      String token = shortLived.createDevice("late-1");
      Thread.sleep(1200);
      assertThatThrownBy(() -> Enroller.enroll(shortLived.deviceChannel(), token))
          .isInstanceOf(Enroller.EnrollmentRefused.class).hasMessageContaining("410")
          .hasMessageContaining("enrollment-token-expired");
      JsonObject d = shortLived.admin("GET", "/api/v1/devices/late-1", null, 200);
      assertThat(d.getString("state")).isEqualTo("pending");
      assertThat(d.containsKey("certificate")).isFalse();
    }
  }

  @Test
  @DisplayName("Verifies that a malformed CSR is refused with 400, consumes nothing, and the token still works")
  void malformedCsr() throws Exception {
    String token = server.createDevice("csr-1");
    assertProblem(postEnroll(token, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"),
        400, "invalid-csr");
    assertProblem(postEnroll(token, "not pem at all"), 400, "invalid-csr");
    assertThat(device("csr-1").getString("state")).isEqualTo("pending");
    assertThat(Enroller.enroll(server.deviceChannel(), token).deviceId()).isEqualTo("csr-1");
  }

  @Test
  @DisplayName("Verifies that a CSR naming another device is refused with 403, consumes nothing, and the token still works")
  void csrForAnotherDevice() throws Exception {
    String token = server.createDevice("mine-1");
    server.createDevice("theirs-1");
    assertThatThrownBy(() -> EnrollerAccess.enrollWithCsrFor(server.deviceChannel(), token, "theirs-1"))
        .isInstanceOf(Enroller.EnrollmentRefused.class).hasMessageContaining("403")
        .hasMessageContaining("csr-device-mismatch");
    assertThat(device("mine-1").getString("state")).isEqualTo("pending");
    assertThat(device("theirs-1").getString("state")).isEqualTo("pending");
    assertThat(Enroller.enroll(server.deviceChannel(), token).deviceId()).isEqualTo("mine-1");
  }

  @Test
  @DisplayName("Verifies that unknown tokens, tokens of another server and malformed requests get problem responses")
  void badRequests() throws Exception {
    String token = server.createDevice("bad-1");
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + "A".repeat(32) + "." + parts[3];
    assertProblem(postEnroll(forged, "x"), 401, "enrollment-token-unknown");
    String otherServer = parts[0] + "." + parts[1] + "." + parts[2] + "." + "B".repeat(43);
    HttpClient pinned = HttpClient.newBuilder().sslContext(TlsContexts.pinnedContext(EnrollmentTokens.parse(token).caPin())).build();
    HttpResponse<String> r = pinned.send(HttpRequest.newBuilder(server.deviceChannel().resolve("/device/v1/enroll"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", otherServer).put("csr", "x").encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertProblem(r, 400, "enrollment-token-wrong-server");
    r = pinned.send(HttpRequest.newBuilder(server.deviceChannel().resolve("/device/v1/enroll"))
        .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
    assertProblem(r, 400, "malformed-json");
    r = pinned.send(HttpRequest.newBuilder(server.deviceChannel().resolve("/device/v1/enroll"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertProblem(r, 400, "invalid-field");
    assertThat(device("bad-1").getString("state")).isEqualTo("pending");
  }

  @Test
  @DisplayName("Verifies that device routes need a current client certificate, and a revoked device is refused at once")
  void clientCertificates() throws Exception {
    DeviceBundle bundle = server.enrollDevice("oven-1");
    URI self = server.deviceChannel().resolve("/device/v1/self");
    HttpClient withCert = HttpClient.newBuilder().sslContext(TlsContexts.clientContext(bundle.privateKey(),
        bundle.certificateChain(), bundle.caCertificate())).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> ok = withCert.send(HttpRequest.newBuilder(self).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getString("deviceId")).isEqualTo("oven-1");

    // without a certificate
    HttpClient noCert = HttpClient.newBuilder().sslContext(TlsContexts.pinnedContext(
        io.homeport.pki.Fingerprints.sha256(bundle.caCertificate()))).build();
    assertProblem(noCert.send(HttpRequest.newBuilder(self).GET().build(), HttpResponse.BodyHandlers.ofString()),
        401, "client-certificate-required");

    // when the device is revoked
    server.admin("POST", "/api/v1/devices/oven-1/revoke", null, 200);
    // then a connection opened before the revocation is refused per request
    assertProblem(withCert.send(HttpRequest.newBuilder(self).GET().build(), HttpResponse.BodyHandlers.ofString()),
        403, "certificate-revoked");
    // and a new TLS handshake with the certificate fails
    HttpClient fresh = HttpClient.newBuilder().sslContext(TlsContexts.clientContext(bundle.privateKey(),
        bundle.certificateChain(), bundle.caCertificate())).connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(self).GET().build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }
}
