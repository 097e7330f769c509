package io.homeport.pki;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A certificate the CA has just issued, with what enrollment stores and returns: the serial (lowercase
 * hex), its expiry, the leaf as PEM and the chain (leaf then CA) as PEM.
 */
public final class IssuedCertificate {
  private final X509Certificate certificate;
  private final String serialHex;
  private final Instant notAfter;
  private final String certificatePem;
  private final String chainPem;

  IssuedCertificate(X509Certificate certificate, X509Certificate caCertificate) {
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.serialHex = DeviceIdentity.serialHex(certificate);
    this.notAfter = certificate.getNotAfter().toInstant();
    this.certificatePem = Pem.encodeCertificate(certificate);
    this.chainPem = certificatePem + Pem.encodeCertificate(caCertificate);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String serialHex() {
    return serialHex;
  }

  public Instant notAfter() {
    return notAfter;
  }

  /** The leaf certificate alone. */
  public String certificatePem() {
    return certificatePem;
  }

  /** Leaf then CA: what a device hands to its TLS client (and what {@code curl --cert} takes). */
  public String chainPem() {
    return chainPem;
  }

  @Override
  public String toString() {
    return "IssuedCertificate[subject=" + certificate.getSubjectX500Principal().getName()
        + ", serial=" + serialHex + ", notAfter=" + notAfter + "]";
  }
}
