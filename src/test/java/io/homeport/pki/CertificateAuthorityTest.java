package io.homeport.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  @TempDir
  Path tmp;

  @Test
  @DisplayName("Verifies that an issued device certificate chains to the CA and carries the CN, clientAuth and digitalSignature")
  void deviceCertificate() throws Exception {
    // given
    ServerPki pki = ServerPki.loadOrCreate(tmp, List.of("localhost"), TestCerts.CLOCK);
    var keys = DeviceKeys.generate();
    DeviceCsr csr = DeviceCsr.parsePem(DeviceCsr.create(keys, "dev-0042"));

    // when
    IssuedCertificate issued = pki.certificateAuthority().issueDeviceCertificate(csr, Duration.ofDays(90));

    // then
    X509Certificate cert = issued.certificate();
    cert.verify(pki.caCertificate().getPublicKey());
    assertThat(cert.getIssuerX500Principal()).isEqualTo(pki.caCertificate().getSubjectX500Principal());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=dev-0042");
    assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(TestCerts.NOW.minus(Duration.ofMinutes(5)));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(TestCerts.NOW.plus(Duration.ofDays(90)));
    assertThat(issued.notAfter()).isEqualTo(cert.getNotAfter().toInstant());
    assertThat(DeviceIdentity.from(cert)).isEqualTo(new DeviceIdentity("dev-0042", issued.serialHex()));

    byte[] caSki = SubjectKeyIdentifier.getInstance(
        ASN1OctetString.getInstance(pki.caCertificate().getExtensionValue("2.5.29.14")).getOctets()).getKeyIdentifier();
    byte[] aki = AuthorityKeyIdentifier.getInstance(
        ASN1OctetString.getInstance(cert.getExtensionValue("2.5.29.35")).getOctets()).getKeyIdentifier();
    assertThat(aki).isEqualTo(caSki);
    assertThat(cert.getExtensionValue("2.5.29.14")).as("SKI").isNotNull();
  }

  @Test
  @DisplayName("Verifies that serials are random positive 128-bit values reported as lowercase hex")
  void serials() {
    // given
    ServerPki pki = TestCerts.pki(tmp, "localhost");

    // when
    TestCerts.Device a = TestCerts.device(pki.certificateAuthority(), "a");
    TestCerts.Device b = TestCerts.device(pki.certificateAuthority(), "b");

    // then
    BigInteger serial = a.issued().certificate().getSerialNumber();
    assertThat(serial.signum()).isPositive();
    assertThat(serial.bitLength()).isLessThanOrEqualTo(128).isGreaterThan(64);
    assertThat(a.issued().serialHex()).isEqualTo(serial.toString(16)).matches("[0-9a-f]+");
    assertThat(a.issued().serialHex()).isNotEqualTo(b.issued().serialHex());
  }

  @Test
  @DisplayName("Verifies that the PEMs hold the leaf alone and the chain leaf then CA, and toString shows no PEM")
  void pems() {
    // given
    ServerPki pki = TestCerts.pki(tmp, "localhost");

    // when
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");

    // then
    assertThat(Pem.decodeCertificates(device.issued().certificatePem())).containsExactly(device.issued().certificate());
    assertThat(device.chain()).containsExactly(device.issued().certificate(), pki.caCertificate());
    assertThat(device.issued().toString()).contains("CN=dev-1").doesNotContain("BEGIN");
  }

  @Test
  @DisplayName("Verifies that a device certificate never outlives the CA and that validity must be positive")
  void validityBounds() {
    // given
    ServerPki pki = ServerPki.loadOrCreate(tmp, List.of("localhost"), TestCerts.CLOCK);
    DeviceCsr csr = DeviceCsr.parsePem(DeviceCsr.create(DeviceKeys.generate(), "dev-1"));

    // when
    IssuedCertificate issued = pki.certificateAuthority().issueDeviceCertificate(csr, Duration.ofDays(20_000));

    // then
    assertThat(issued.notAfter()).isEqualTo(pki.caCertificate().getNotAfter().toInstant());
    assertThatThrownBy(() -> pki.certificateAuthority().issueDeviceCertificate(csr, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
