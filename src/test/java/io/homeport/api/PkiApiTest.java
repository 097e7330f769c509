package io.homeport.api;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceBundle;
import io.homeport.pki.Pem;
import io.homeport.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiApiTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @DisplayName("Verifies that the device CA is served as PEM and its CRL as DER, signed by that CA, and that the CRL "
      + "fetched right after a revocation lists the revoked certificate's serial")
  void caAndRevocationList(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // given two enrolled devices and an application token
      DeviceBundle kept = server.enrollDevice("pki-kept");
      DeviceBundle revoked = server.enrollDevice("pki-revoked");
      String token = server.admin("POST", "/api/v1/tokens",
          "{\"role\":\"application\",\"subject\":\"vendor\",\"applicationServers\":[\"vendor\"]}", 201).getString("token");

      // when the application reads the CA
      HttpResponse<byte[]> ca = get(server, "/api/v1/pki/ca.pem", token);
      // then it is the CA that issued the devices' certificates, as PEM
      assertThat(ca.statusCode()).isEqualTo(200);
      assertThat(ca.headers().firstValue("Content-Type")).hasValue("application/x-pem-file");
      X509Certificate caCertificate = Pem.decodeCertificate(new String(ca.body(), java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(caCertificate).isEqualTo(kept.caCertificate());
      X509Certificate revokedCertificate = revoked.certificateChain().get(0);
      revokedCertificate.verify(caCertificate.getPublicKey());
      assertThat(crl(server, token, caCertificate).isRevoked(revokedCertificate)).isFalse();

      // when one device is revoked through the API and the CRL is fetched right after
      server.admin("POST", "/api/v1/devices/pki-revoked/revoke", null, 200);
      X509CRL after = crl(server, token, caCertificate);

      // then it lists that certificate's serial and not the other device's
      assertThat(after.getRevokedCertificate(revokedCertificate.getSerialNumber())).isNotNull();
      assertThat(after.isRevoked(kept.certificateChain().get(0))).isFalse();
      assertThat(after.getIssuerX500Principal()).isEqualTo(caCertificate.getSubjectX500Principal());
      assertThat(after.getNextUpdate()).isAfter(after.getThisUpdate());
      // and without a token there is neither
      assertProblem(server.api("GET", "/api/v1/pki/crl", null, null), 401, "unauthenticated");
    }
  }

  /** Fetches the CRL, checks its content type and verifies its signature with the CA's public key. */
  private X509CRL crl(TestServer server, String token, X509Certificate ca) throws Exception {
    HttpResponse<byte[]> r = get(server, "/api/v1/pki/crl", token);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
    X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(r.body()));
    crl.verify(ca.getPublicKey());
    return crl;
  }

  private HttpResponse<byte[]> get(TestServer server, String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().apiPort() + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
