package io.homeport.pki;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Small fixtures shared by the PKI tests. */
final class TestCerts {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private TestCerts() {}

  static ServerPki pki(Path dir, String... hosts) {
    return ServerPki.loadOrCreate(dir, List.of(hosts), Clock.systemUTC());
  }

  /** A device key pair and a certificate issued for it by {@code ca}. */
  record Device(KeyPair keys, IssuedCertificate issued) {
    List<X509Certificate> chain() {
      return Pem.decodeCertificates(issued.chainPem());
    }

    X509Certificate[] chainArray() {
      return chain().toArray(X509Certificate[]::new);
    }
  }

  static Device device(CertificateAuthority ca, String deviceId) {
    return device(ca, deviceId, Duration.ofDays(365));
  }

  static Device device(CertificateAuthority ca, String deviceId, Duration validity) {
    KeyPair keys = DeviceKeys.generate();
    IssuedCertificate issued = ca.issueDeviceCertificate(DeviceCsr.parsePem(DeviceCsr.create(keys, deviceId)), validity);
    return new Device(keys, issued);
  }
}
