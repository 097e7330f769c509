package io.homeport.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustManagersTest {
  @TempDir
  Path tmp;

  private ServerPki pki;
  private ServerPki otherPki;
  private final List<String> asked = new ArrayList<>();

  @BeforeEach
  void setUp() {
    pki = TestCerts.pki(tmp.resolve("ours"), "localhost");
    otherPki = TestCerts.pki(tmp.resolve("theirs"), "localhost");
  }

  private DeviceClientTrustManager acceptingAll() {
    return new DeviceClientTrustManager(pki.caCertificate(), (id, serial) -> asked.add(id + "/" + serial));
  }

  @Test
  @DisplayName("Verifies that a valid device chain is accepted and the acceptance is asked with its device id and serial")
  void acceptsValidDevice() {
    // given
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");

    // when
    assertThatCode(() -> acceptingAll().checkClientTrusted(device.chainArray(), "ECDHE_ECDSA"))
        .doesNotThrowAnyException();
    assertThatCode(() -> acceptingAll().checkClientTrusted(
        new X509Certificate[] {device.issued().certificate()}, "ECDHE_ECDSA")).doesNotThrowAnyException();

    // then
    assertThat(asked).containsExactly("dev-1/" + device.issued().serialHex(), "dev-1/" + device.issued().serialHex());
  }

  @Test
  @DisplayName("Verifies that a device refused by the acceptance (revoked) is rejected, and an acceptance error fails closed")
  void refusesRevoked() {
    // given
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");
    var revoked = new DeviceClientTrustManager(pki.caCertificate(), (id, serial) -> false);
    var broken = new DeviceClientTrustManager(pki.caCertificate(), (id, serial) -> {
      throw new IllegalStateException("lookup failed");
    });

    // when / then
    assertThatThrownBy(() -> revoked.checkClientTrusted(device.chainArray(), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("not accepted").hasMessageContaining("dev-1");
    assertThatThrownBy(() -> broken.checkClientTrusted(device.chainArray(), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  @DisplayName("Verifies that a device certificate from another CA is rejected, even when sent with our CA in the chain")
  void refusesOtherCa() {
    // given
    TestCerts.Device foreign = TestCerts.device(otherPki.certificateAuthority(), "dev-1");

    // when / then
    assertThatThrownBy(() -> acceptingAll().checkClientTrusted(foreign.chainArray(), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> acceptingAll().checkClientTrusted(
        new X509Certificate[] {foreign.issued().certificate(), pki.caCertificate()}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
    assertThat(asked).isEmpty();
  }

  @Test
  @DisplayName("Verifies that an expired device certificate is rejected")
  void refusesExpired() {
    // given: a certificate valid for one day, checked two days later
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1", Duration.ofDays(1));
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
    var trustManager = new DeviceClientTrustManager(pki.caCertificate(), (id, serial) -> true, later);

    // when / then
    assertThatThrownBy(() -> trustManager.checkClientTrusted(device.chainArray(), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("expired");
  }

  @Test
  @DisplayName("Verifies that a certificate issued by a CA whose clock was in the past is rejected as expired now")
  void refusesExpiredFromPastCa() {
    // given
    ServerPki pastPki = ServerPki.loadOrCreate(tmp.resolve("past"), List.of("localhost"),
        Clock.fixed(java.time.Instant.now().minus(Duration.ofDays(10)), ZoneOffset.UTC));
    TestCerts.Device device = TestCerts.device(pastPki.certificateAuthority(), "dev-1", Duration.ofDays(1));
    var trustManager = new DeviceClientTrustManager(pastPki.caCertificate(), (id, serial) -> true);

    // when / then
    assertThatThrownBy(() -> trustManager.checkClientTrusted(device.chainArray(), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("expired");
  }

  @Test
  @DisplayName("Verifies that the server certificate and the CA certificate cannot be used as device certificates")
  void refusesNonClientCertificates() {
    // when / then
    assertThatThrownBy(() -> acceptingAll().checkClientTrusted(pki.serverChain().toArray(X509Certificate[]::new), "EC"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("clientAuth");
    assertThatThrownBy(() -> acceptingAll().checkClientTrusted(new X509Certificate[] {pki.caCertificate()}, "EC"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("CA certificate");
    assertThatThrownBy(() -> acceptingAll().checkClientTrusted(new X509Certificate[0], "EC"))
        .isInstanceOf(CertificateException.class);
    assertThat(asked).isEmpty();
  }

  @Test
  @DisplayName("Verifies that authorize re-checks an established connection's peer certificates and returns the device identity")
  void authorize() throws Exception {
    // given
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");
    var revoked = new DeviceClientTrustManager(pki.caCertificate(), (id, serial) -> false);

    // when
    DeviceIdentity identity = acceptingAll().authorize(device.chain());

    // then
    assertThat(identity).isEqualTo(new DeviceIdentity("dev-1", device.issued().serialHex()));
    assertThatThrownBy(() -> revoked.authorize(device.chain())).isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> acceptingAll().authorize(List.of())).isInstanceOf(CertificateException.class)
        .hasMessage("no client certificate");
  }

  @Test
  @DisplayName("Verifies that the device trust manager refuses server checks and names the CA as accepted issuer")
  void deviceTrustManagerRole() {
    assertThatThrownBy(() -> acceptingAll().checkServerTrusted(pki.serverChain().toArray(X509Certificate[]::new), "EC"))
        .isInstanceOf(CertificateException.class);
    assertThat(acceptingAll().getAcceptedIssuers()).containsExactly(pki.caCertificate());
  }

  @Test
  @DisplayName("Verifies that the pinned trust manager accepts the server chain for the right CA pin and refuses a wrong pin")
  void pinned() {
    // given
    X509Certificate[] serverChain = pki.serverChain().toArray(X509Certificate[]::new);
    var right = new PinnedCaTrustManager(Fingerprints.sha256(pki.caCertificate()));
    var wrong = new PinnedCaTrustManager(Fingerprints.sha256(otherPki.caCertificate()));

    // when / then
    assertThatCode(() -> right.checkServerTrusted(serverChain, "EC")).doesNotThrowAnyException();
    assertThatThrownBy(() -> wrong.checkServerTrusted(serverChain, "EC"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("pinned CA");
    assertThat(right.getAcceptedIssuers()).isEmpty();
  }

  @Test
  @DisplayName("Verifies that the pinned trust manager refuses a leaf not issued by the pinned CA and a device certificate posing as server")
  void pinnedRefusesForeignLeaf() {
    // given
    var pinned = new PinnedCaTrustManager(Fingerprints.sha256(pki.caCertificate()));
    X509Certificate foreignLeafWithOurCa = otherPki.serverChain().get(0);
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");

    // when / then
    assertThatThrownBy(() -> pinned.checkServerTrusted(
        new X509Certificate[] {foreignLeafWithOurCa, pki.caCertificate()}, "EC"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> pinned.checkServerTrusted(device.chainArray(), "EC"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("serverAuth");
    assertThatThrownBy(() -> new PinnedCaTrustManager(new byte[16])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Verifies that the CA trust manager accepts our server, and refuses another CA's server and a device certificate")
  void caTrustManager() {
    // given
    var trustManager = new CaTrustManager(pki.caCertificate());
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");

    // when / then
    assertThatCode(() -> trustManager.checkServerTrusted(pki.serverChain().toArray(X509Certificate[]::new), "EC"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> trustManager.checkServerTrusted(otherPki.serverChain().toArray(X509Certificate[]::new), "EC"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> trustManager.checkServerTrusted(device.chainArray(), "EC"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("serverAuth");
    assertThatThrownBy(() -> trustManager.checkClientTrusted(device.chainArray(), "EC"))
        .isInstanceOf(CertificateException.class);
  }
}
