package io.homeport.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The device CA: issues device (client) certificates and the server's own certificate. Obtained
 * from {@link ServerPki#certificateAuthority()}; immutable and thread-safe.
 */
public final class CertificateAuthority {
  /** notBefore is set this far back so that a device whose clock runs a little behind accepts its certificate. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  static final Duration CA_VALIDITY = Duration.ofDays(3650);

  private final X509Certificate caCertificate;
  private final PrivateKey caKey;
  private final byte[] caKeyId;
  private final Clock clock;

  CertificateAuthority(X509Certificate caCertificate, PrivateKey caKey, Clock clock) {
    this.caCertificate = Objects.requireNonNull(caCertificate, "caCertificate");
    this.caKey = Objects.requireNonNull(caKey, "caKey");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.caKeyId = keyIdentifier(caCertificate.getPublicKey());
  }

  /** A new CA: fresh P-256 key, self-signed, 10 years, CA:true with pathLen 0 (it signs only leaves). */
  static CertificateAuthority create(Clock clock) {
    KeyPair keyPair = Crypto.newEcKeyPair();
    Instant now = clock.instant();
    // a random suffix keeps two installations' CAs apart by name, not only by key
    byte[] suffix = new byte[4];
    Crypto.RANDOM.nextBytes(suffix);
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "Homeport")
        .addRDN(BCStyle.CN, "Homeport Device CA " + HexFormat.of().formatHex(suffix))
        .build();
    byte[] keyId = keyIdentifier(keyPair.getPublic());
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
        name, Crypto.randomSerial(), Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(CA_VALIDITY)),
        name, keyPair.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
      builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId));
    } catch (CertIOException e) {
      throw new PkiException("cannot build CA certificate", e);
    }
    X509Certificate certificate = Crypto.toX509(builder.build(Crypto.signer(keyPair.getPrivate())));
    return new CertificateAuthority(certificate, keyPair.getPrivate(), clock);
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /**
   * Issues a device certificate for a checked CSR: subject {@code CN=<device id>}, clientAuth only,
   * digitalSignature, random 128-bit serial. The validity is cut at the CA's own expiry.
   */
  public IssuedCertificate issueDeviceCertificate(DeviceCsr csr, Duration validity) {
    Objects.requireNonNull(csr, "csr");
    requirePositive(validity);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, csr.commonName()).build();
    X509Certificate certificate = issueLeaf(subject, csr.publicKey(), validity, KeyPurposeId.id_kp_clientAuth, null);
    return new IssuedCertificate(certificate, caCertificate);
  }

  /** The server's TLS certificate: serverAuth only, so no device certificate can pose as the server. */
  X509Certificate issueServerCertificate(PublicKey key, String commonName, List<GeneralName> subjectAltNames,
      Duration validity) {
    requirePositive(validity);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    return issueLeaf(subject, key, validity, KeyPurposeId.id_kp_serverAuth,
        new GeneralNames(subjectAltNames.toArray(GeneralName[]::new)));
  }

  /**
   * A certificate revocation list (RFC 5280 section 5) over these device certificates, signed by the CA,
   * as DER: what an application server checks a device's client certificate against.
   *
   * @param serialsHex the revoked certificates' serial numbers, hex
   * @param number the CRL number; must grow with every list issued
   */
  public byte[] revocationList(List<String> serialsHex, long number, Instant thisUpdate, Instant nextUpdate) {
    org.bouncycastle.cert.X509v2CRLBuilder builder = new org.bouncycastle.cert.X509v2CRLBuilder(
        X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    for (String serial : serialsHex) {
      builder.addCRLEntry(new BigInteger(serial, 16), Date.from(thisUpdate),
          org.bouncycastle.asn1.x509.CRLReason.unspecified);
    }
    try {
      builder.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(number)));
      builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(caKeyId));
      return builder.build(Crypto.signer(caKey)).getEncoded();
    } catch (java.io.IOException e) {
      throw new PkiException("cannot build the revocation list", e);
    }
  }

  PrivateKey caKey() {
    return caKey;
  }

  private X509Certificate issueLeaf(X500Name subject, PublicKey key, Duration validity, KeyPurposeId purpose,
      GeneralNames subjectAltNames) {
    Instant now = clock.instant();
    Instant caNotAfter = caCertificate.getNotAfter().toInstant();
    if (!now.isBefore(caNotAfter)) {
      throw new PkiException("the device CA expired on " + caNotAfter);
    }
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    BigInteger serial = Crypto.randomSerial();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
        caCertificate, serial, Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), subject, key);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(key)));
      builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(caKeyId));
      if (subjectAltNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames);
      }
    } catch (CertIOException e) {
      throw new PkiException("cannot build certificate", e);
    }
    return Crypto.toX509(builder.build(Crypto.signer(caKey)));
  }

  /** RFC 5280 method 1 (SHA-1 of the key bits): the value OpenSSL computes too, so tools agree. */
  private static byte[] keyIdentifier(PublicKey key) {
    try {
      return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key).getKeyIdentifier();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  private static void requirePositive(Duration validity) {
    if (validity == null || validity.isZero() || validity.isNegative()) {
      throw new IllegalArgumentException("validity must be positive");
    }
  }

  @Override
  public String toString() {
    return "CertificateAuthority[subject=" + caCertificate.getSubjectX500Principal().getName()
        + ", sha256=" + Fingerprints.sha256Base64Url(caCertificate) + "]";
  }
}
