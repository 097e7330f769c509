package io.homeport.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceCsrTest {
  @TempDir
  java.nio.file.Path tmp;

  @Test
  @DisplayName("Verifies that a CSR created on the device parses back to its device id and public key")
  void roundTrip() {
    // given
    KeyPair keys = DeviceKeys.generate();

    // when
    String pem = DeviceCsr.create(keys, "dev-0001");
    DeviceCsr csr = DeviceCsr.parsePem(pem);

    // then
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
    assertThat(csr.commonName()).isEqualTo("dev-0001");
    assertThat(csr.publicKey()).isEqualTo(keys.getPublic());
  }

  @Test
  @DisplayName("Verifies that a device id with name syntax characters stays one literal CN")
  void noNameInjection() {
    // given
    String tricky = "dev,O=Evil+CN=other";

    // when
    DeviceCsr csr = DeviceCsr.parsePem(DeviceCsr.create(DeviceKeys.generate(), tricky));

    // then
    assertThat(csr.commonName()).isEqualTo(tricky);
  }

  @Test
  @DisplayName("Verifies that an RSA 2048 key is accepted")
  void rsaAccepted() throws Exception {
    // given
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);

    // when
    DeviceCsr csr = DeviceCsr.parsePem(DeviceCsr.create(generator.generateKeyPair(), "rsa-device"));

    // then
    assertThat(csr.publicKey().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  @DisplayName("Verifies that garbage is refused as not a CSR")
  void garbage() {
    assertThatThrownBy(() -> DeviceCsr.parsePem("hello, I am a certificate request"))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("not a PEM-encoded PKCS#10 certificate request");
    assertThatThrownBy(() -> DeviceCsr.parsePem(""))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("not a PEM-encoded PKCS#10 certificate request");
    assertThatThrownBy(() -> DeviceCsr.parsePem(
        "-----BEGIN CERTIFICATE REQUEST-----\nbm90IERFUg==\n-----END CERTIFICATE REQUEST-----\n"))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("not a PEM-encoded PKCS#10 certificate request");
  }

  @Test
  @DisplayName("Verifies that a truncated PEM is refused as not a CSR")
  void truncated() {
    // given
    String pem = DeviceCsr.create(DeviceKeys.generate(), "dev-0001");

    // when / then
    assertThatThrownBy(() -> DeviceCsr.parsePem(pem.substring(0, pem.length() / 2)))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("not a PEM-encoded PKCS#10 certificate request");
    String[] lines = pem.split("\n");
    String missingBody = lines[0] + "\n" + lines[1] + "\n" + lines[lines.length - 1] + "\n";
    assertThatThrownBy(() -> DeviceCsr.parsePem(missingBody))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("not a PEM-encoded PKCS#10 certificate request");
  }

  @Test
  @DisplayName("Verifies that another PEM object (a certificate) is refused as not a CSR")
  void certificateInsteadOfCsr() {
    // given
    ServerPki pki = TestCerts.pki(tmp, "localhost");

    // when / then
    assertThatThrownBy(() -> DeviceCsr.parsePem(pki.caCertificatePem()))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("not a PEM-encoded PKCS#10 certificate request");
  }

  @Test
  @DisplayName("Verifies that a CSR whose signed content was altered fails proof of possession")
  void tamperedSignature() {
    // given: the CN changed after signing
    String pem = DeviceCsr.create(DeviceKeys.generate(), "dev-0001");
    byte[] der = derOf(pem);
    byte[] name = "dev-0001".getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(der, name);
    der[at + name.length - 1] = '2';

    // when / then
    assertThatThrownBy(() -> DeviceCsr.parsePem(Pem.encode("CERTIFICATE REQUEST", der)))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR signature is invalid (no proof of possession of the key)");
  }

  @Test
  @DisplayName("Verifies that a CSR signed by a different key than the one it carries fails proof of possession")
  void foreignSignature() throws Exception {
    // given
    KeyPair carried = DeviceKeys.generate();
    KeyPair signing = DeviceKeys.generate();
    var request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=dev-0001"), carried.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signing.getPrivate()));

    // when / then
    assertThatThrownBy(() -> DeviceCsr.parsePem(Pem.encode("CERTIFICATE REQUEST", request.getEncoded())))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR signature is invalid (no proof of possession of the key)");
  }

  @Test
  @DisplayName("Verifies that a subject without exactly one CN is refused")
  void subjectWithoutSingleCn() throws Exception {
    assertThatThrownBy(() -> DeviceCsr.parsePem(csrWithSubject("O=Acme, OU=Gateways")))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR subject must contain exactly one non-empty CN");
    assertThatThrownBy(() -> DeviceCsr.parsePem(csrWithSubject("CN=a, CN=b")))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR subject must contain exactly one non-empty CN");
    assertThatThrownBy(() -> DeviceCsr.parsePem(csrWithSubject("CN=a+CN=b")))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR subject must contain exactly one non-empty CN");
    assertThatThrownBy(() -> DeviceCsr.parsePem(csrWithSubject("")))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR subject must contain exactly one non-empty CN");
    assertThat(DeviceCsr.parsePem(csrWithSubject("O=Acme, CN=dev-7")).commonName()).isEqualTo("dev-7");
  }

  @Test
  @DisplayName("Verifies that input over 16 KiB is refused before parsing")
  void oversized() {
    // given
    String pem = DeviceCsr.create(DeviceKeys.generate(), "dev-0001") + "#".repeat(16 * 1024);

    // when / then
    assertThatThrownBy(() -> DeviceCsr.parsePem(pem))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR is larger than 16384 characters");
  }

  @Test
  @DisplayName("Verifies that keys other than EC P-256 or RSA 2048-4096 are refused")
  void unsupportedKeys() throws Exception {
    // given
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);

    // when / then
    assertThatThrownBy(() -> DeviceCsr.parsePem(DeviceCsr.create(ec.generateKeyPair(), "p384")))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR key must be EC P-256 or RSA of 2048 to 4096 bits");
    assertThatThrownBy(() -> DeviceCsr.parsePem(DeviceCsr.create(rsa.generateKeyPair(), "rsa1024")))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR key must be EC P-256 or RSA of 2048 to 4096 bits");
  }

  @Test
  @DisplayName("Verifies that a CSR signed with SHA-1 is refused")
  void sha1Refused() throws Exception {
    // given
    KeyPair keys = DeviceKeys.generate();
    var request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=dev-0001"), keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA1withECDSA").build(keys.getPrivate()));

    // when / then
    assertThatThrownBy(() -> DeviceCsr.parsePem(Pem.encode("CERTIFICATE REQUEST", request.getEncoded())))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("CSR signature algorithm must be ECDSA or RSA with SHA-256/384/512");
  }

  private static String csrWithSubject(String subject) throws Exception {
    KeyPair keys = DeviceKeys.generate();
    var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    return Pem.encode("CERTIFICATE REQUEST", request.getEncoded());
  }

  private static byte[] derOf(String pem) {
    return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
