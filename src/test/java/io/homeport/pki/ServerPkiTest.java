package io.homeport.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerPkiTest {
  private static final List<String> FILES = List.of(ServerPki.CA_KEY_FILE, ServerPki.CA_CERT_FILE,
      ServerPki.SERVER_KEY_FILE, ServerPki.SERVER_CERT_FILE, ServerPki.JWT_KEY_FILE);

  @TempDir
  Path tmp;

  @Test
  @DisplayName("Verifies that the first start creates the data directory 0700, keys 0600 and certificates 0644")
  void firstStartFiles() throws IOException {
    // given
    Path data = tmp.resolve("data");

    // when
    ServerPki pki = ServerPki.loadOrCreate(data, List.of("homeport.example.com"), Clock.systemUTC());

    // then
    assertThat(pki.firstStart()).isTrue();
    assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    for (String key : List.of(ServerPki.CA_KEY_FILE, ServerPki.SERVER_KEY_FILE, ServerPki.JWT_KEY_FILE)) {
      assertThat(Files.getPosixFilePermissions(data.resolve(key))).as(key)
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(data.resolve(key))).as(key).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }
    for (String cert : List.of(ServerPki.CA_CERT_FILE, ServerPki.SERVER_CERT_FILE)) {
      assertThat(Files.getPosixFilePermissions(data.resolve(cert))).as(cert)
          .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    }
    try (var entries = Files.list(data)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(FILES);
    }
  }

  @Test
  @DisplayName("Verifies that the CA certificate is a 10-year self-signed CA with pathLen 0, keyCertSign and cRLSign")
  void caCertificate() throws Exception {
    // given / when
    ServerPki pki = ServerPki.loadOrCreate(tmp, List.of("localhost"), TestCerts.CLOCK);
    X509Certificate ca = pki.caCertificate();

    // then
    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isZero();
    boolean[] usage = ca.getKeyUsage();
    assertThat(usage[5]).as("keyCertSign").isTrue();
    assertThat(usage[6]).as("cRLSign").isTrue();
    assertThat(usage[0]).as("digitalSignature").isFalse();
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(TestCerts.NOW.plus(Duration.ofDays(3650)));
    assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getExtensionValue("2.5.29.14")).as("SKI").isNotNull();
    assertThat(ca.getExtensionValue("2.5.29.35")).as("AKI").isNotNull();
    assertThat(pki.caCertificatePem()).isEqualTo(Pem.encodeCertificate(ca));
  }

  @Test
  @DisplayName("Verifies that the server certificate is issued by the CA for serverAuth with the first host as CN, chain server then CA")
  void serverCertificate() throws Exception {
    // given / when
    ServerPki pki = ServerPki.loadOrCreate(tmp, List.of("homeport.example.com", "198.18.0.10"), TestCerts.CLOCK);
    X509Certificate server = pki.serverChain().get(0);

    // then
    server.verify(pki.caCertificate().getPublicKey());
    assertThat(pki.serverChain()).containsExactly(server, pki.caCertificate());
    assertThat(Pem.decodeCertificates(pki.serverChainPem())).containsExactly(server, pki.caCertificate());
    assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=homeport.example.com");
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(server.getNotAfter().toInstant()).isEqualTo(TestCerts.NOW.plus(Duration.ofDays(730)));
    assertThat(Crypto.keysMatch(Pem.decodePrivateKey(pki.serverKeyPem()), server.getPublicKey())).isTrue();
    assertThat(pki.serverKey()).isEqualTo(Pem.decodePrivateKey(pki.serverKeyPem()));
  }

  @Test
  @DisplayName("Verifies that IP literals become iPAddress SANs and other hosts dNSName SANs")
  void ipAndDnsSans() throws Exception {
    // given
    List<String> hosts = List.of("Homeport.Example.com", "198.18.0.10", "::1", "[2001:db8::7]", "localhost");

    // when
    ServerPki pki = ServerPki.loadOrCreate(tmp, hosts, Clock.systemUTC());

    // then
    Map<Integer, List<Object>> sans = pki.serverChain().get(0).getSubjectAlternativeNames().stream()
        .collect(Collectors.groupingBy(n -> (Integer) n.get(0), Collectors.mapping(n -> n.get(1), Collectors.toList())));
    assertThat(sans.get(2)).containsExactly("homeport.example.com", "localhost");
    assertThat(sans.get(7)).hasSize(3);
    assertThat(sans.get(7).stream().map(a -> {
      try {
        return InetAddress.getByName((String) a);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    })).containsExactly(InetAddress.getByName("198.18.0.10"), InetAddress.getByName("::1"),
        InetAddress.getByName("2001:db8::7"));
    assertThat(sans).containsOnlyKeys(2, 7);
  }

  @Test
  @DisplayName("Verifies that a second start loads the same CA and server certificate without rewriting any file")
  void secondStartLoads() throws Exception {
    // given
    ServerPki first = TestCerts.pki(tmp, "homeport.example.com", "::1");
    Map<String, byte[]> contents = new HashMap<>();
    Map<String, FileTime> times = new HashMap<>();
    for (String f : FILES) {
      contents.put(f, Files.readAllBytes(tmp.resolve(f)));
      Files.setLastModifiedTime(tmp.resolve(f), FileTime.fromMillis(1_000_000L));
      times.put(f, Files.getLastModifiedTime(tmp.resolve(f)));
    }

    // when: same hosts, an equivalent spelling of the IPv6 address and another order
    ServerPki second = TestCerts.pki(tmp, "0:0:0:0:0:0:0:1", "HOMEPORT.example.com");

    // then
    assertThat(second.firstStart()).isFalse();
    assertThat(Fingerprints.sha256(second.caCertificate())).isEqualTo(Fingerprints.sha256(first.caCertificate()));
    assertThat(second.serverChainPem()).isEqualTo(first.serverChainPem());
    assertThat(second.serverKeyPem()).isEqualTo(first.serverKeyPem());
    assertThat(second.jwtPrivateKeyPem()).isEqualTo(first.jwtPrivateKeyPem());
    for (String f : FILES) {
      assertThat(Files.readAllBytes(tmp.resolve(f))).as(f).isEqualTo(contents.get(f));
      assertThat(Files.getLastModifiedTime(tmp.resolve(f))).as(f).isEqualTo(times.get(f));
    }
  }

  @Test
  @DisplayName("Verifies that changed public hosts re-issue the server certificate with the new SANs under the same CA")
  void changedHostsReissue() throws Exception {
    // given
    ServerPki first = TestCerts.pki(tmp, "old.example.com");
    byte[] caKey = Files.readAllBytes(tmp.resolve(ServerPki.CA_KEY_FILE));

    // when
    ServerPki second = TestCerts.pki(tmp, "new.example.com", "198.18.0.20");

    // then
    X509Certificate server = second.serverChain().get(0);
    assertThat(server.getSerialNumber()).isNotEqualTo(first.serverChain().get(0).getSerialNumber());
    assertThat(server.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)))
        .containsExactly("new.example.com", "198.18.0.20");
    assertThat(Fingerprints.sha256(second.caCertificate())).isEqualTo(Fingerprints.sha256(first.caCertificate()));
    assertThat(Files.readAllBytes(tmp.resolve(ServerPki.CA_KEY_FILE))).isEqualTo(caKey);
    server.verify(first.caCertificate().getPublicKey());
    assertThat(Pem.decodeCertificate(Files.readString(tmp.resolve(ServerPki.SERVER_CERT_FILE)))).isEqualTo(server);
    assertThat(second.serverKeyPem()).isNotEqualTo(first.serverKeyPem());
    assertThat(Files.getPosixFilePermissions(tmp.resolve(ServerPki.SERVER_KEY_FILE)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  @DisplayName("Verifies that a server certificate expiring within 30 days is re-issued and one expiring later is kept")
  void expiringReissue() {
    // given
    ServerPki first = ServerPki.loadOrCreate(tmp, List.of("localhost"), TestCerts.CLOCK);

    // when
    ServerPki later = ServerPki.loadOrCreate(tmp, List.of("localhost"),
        Clock.fixed(TestCerts.NOW.plus(Duration.ofDays(690)), ZoneOffset.UTC));
    ServerPki renewal = ServerPki.loadOrCreate(tmp, List.of("localhost"),
        Clock.fixed(TestCerts.NOW.plus(Duration.ofDays(710)), ZoneOffset.UTC));

    // then
    assertThat(later.serverChainPem()).isEqualTo(first.serverChainPem());
    assertThat(renewal.serverChain().get(0).getNotAfter().toInstant())
        .isEqualTo(TestCerts.NOW.plus(Duration.ofDays(710 + 730)));
    assertThat(renewal.caCertificate()).isEqualTo(first.caCertificate());
  }

  @Test
  @DisplayName("Verifies that a server key not matching its certificate (crash between writes) is repaired by re-issuing")
  void mismatchedServerKeyRepaired() throws Exception {
    // given
    ServerPki first = TestCerts.pki(tmp, "localhost");
    SecretFiles.writeSecret(tmp.resolve(ServerPki.SERVER_KEY_FILE), Pem.encodePrivateKey(DeviceKeys.generate().getPrivate()));

    // when
    ServerPki second = TestCerts.pki(tmp, "localhost");

    // then
    assertThat(Crypto.keysMatch(second.serverKey(), second.serverChain().get(0).getPublicKey())).isTrue();
    assertThat(second.serverChain().get(0)).isNotEqualTo(first.serverChain().get(0));
  }

  @Test
  @DisplayName("Verifies that corrupt or half-present CA files give an exception naming the file and mentioning no key material")
  void corruptFiles() throws Exception {
    // given
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    Path d = tmp.resolve("d");
    TestCerts.pki(a, "localhost");
    TestCerts.pki(b, "localhost");
    TestCerts.pki(c, "localhost");
    TestCerts.pki(d, "localhost");
    Files.writeString(a.resolve(ServerPki.CA_CERT_FILE), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    String key = Files.readString(b.resolve(ServerPki.CA_KEY_FILE));
    Files.writeString(b.resolve(ServerPki.CA_KEY_FILE), key.substring(0, key.length() / 2));
    Files.delete(c.resolve(ServerPki.CA_CERT_FILE));
    Files.copy(a.resolve(ServerPki.CA_KEY_FILE), d.resolve(ServerPki.CA_KEY_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    // when / then
    assertThatThrownBy(() -> TestCerts.pki(a, "localhost")).isInstanceOf(PkiException.class)
        .hasMessageContaining(a.resolve(ServerPki.CA_CERT_FILE).toString()).hasMessageContaining("corrupt");
    assertThatThrownBy(() -> TestCerts.pki(b, "localhost")).isInstanceOf(PkiException.class)
        .hasMessageContaining(b.resolve(ServerPki.CA_KEY_FILE).toString()).hasMessageContaining("corrupt")
        .hasMessageNotContaining(key.substring(30, 60));
    assertThatThrownBy(() -> TestCerts.pki(c, "localhost")).isInstanceOf(PkiException.class)
        .hasMessageContaining(c.resolve(ServerPki.CA_CERT_FILE).toString()).hasMessageContaining("missing");
    assertThatThrownBy(() -> TestCerts.pki(d, "localhost")).isInstanceOf(PkiException.class)
        .hasMessageContaining(d.resolve(ServerPki.CA_KEY_FILE).toString()).hasMessageContaining("does not belong");
  }

  @Test
  @DisplayName("Verifies that the JWT signing key is P-256 PKCS#8 with a matching SPKI public key, stable across starts")
  void jwtKeys() throws Exception {
    // given
    ServerPki first = TestCerts.pki(tmp, "localhost");

    // when
    ServerPki second = TestCerts.pki(tmp, "localhost");
    PrivateKey privateKey = Pem.decodePrivateKey(second.jwtPrivateKeyPem());
    String body = second.jwtPublicKeyPem().replaceAll("-----[A-Z ]+-----|\\s", "");
    PublicKey publicKey = java.security.KeyFactory.getInstance("EC")
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));

    // then
    assertThat(second.jwtPrivateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n").isEqualTo(first.jwtPrivateKeyPem());
    assertThat(second.jwtPublicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----\n").isEqualTo(first.jwtPublicKeyPem());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(privateKey);
    signer.update("header.payload".getBytes());
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(publicKey);
    verifier.update("header.payload".getBytes());
    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  @DisplayName("Verifies that unusable public hosts are refused and that toString reveals no key material")
  void hostsAndToString() {
    // given / when / then
    assertThatThrownBy(() -> ServerPki.loadOrCreate(tmp, List.of(), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerPki.loadOrCreate(tmp, List.of("bad host"), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad host");
    ServerPki pki = TestCerts.pki(tmp, "localhost");
    assertThat(pki.toString()).contains("Homeport Device CA").doesNotContain("PRIVATE");
    assertThat(pki.certificateAuthority().toString()).doesNotContain("PRIVATE");
  }
}
