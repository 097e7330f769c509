package io.homeport.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * A TLS server identity of its own, outside the device CA: a P-256 key and a self-signed serverAuth
 * certificate for some host names, kept in a directory (key 0600, certificate 0644) and reused on the
 * next start, so that its SPKI pin ({@link Fingerprints#spkiPin}) stays what an operator published. For
 * the reference application server, which devices verify by that pin. Blocking file I/O: call it off the
 * event loop.
 */
public record SelfSignedIdentity(PrivateKey key, X509Certificate certificate) {
  public static final String KEY_FILE = "server.key.pem";
  public static final String CERT_FILE = "server.crt.pem";
  static final Duration VALIDITY = Duration.ofDays(825);

  /**
   * The identity stored in {@code dir}, or a new one written there (the directory is created 0700).
   *
   * @param hosts the names and IP literals the certificate names (the first is its CN)
   */
  public static SelfSignedIdentity loadOrCreate(Path dir, List<String> hosts, Clock clock) throws IOException {
    SecretFiles.ensurePrivateDirectory(dir);
    Path keyFile = dir.resolve(KEY_FILE);
    Path certFile = dir.resolve(CERT_FILE);
    if (Files.exists(keyFile) && Files.exists(certFile)) {
      PrivateKey key = Pem.decodePrivateKey(SecretFiles.readString(keyFile));
      X509Certificate certificate = Pem.decodeCertificate(SecretFiles.readString(certFile));
      if (!Crypto.keysMatch(key, certificate.getPublicKey())) {
        throw new PkiException(certFile + " does not belong to " + keyFile + "; delete both to create a new identity");
      }
      return new SelfSignedIdentity(key, certificate);
    }
    List<String> names = HostNames.clean(hosts);
    KeyPair keyPair = Crypto.newEcKeyPair();
    Instant now = clock.instant();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, names.get(0)).build();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, Crypto.randomSerial(),
        Date.from(now.minus(CertificateAuthority.CLOCK_SKEW)), Date.from(now.plus(VALIDITY)), subject, keyPair.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(HostNames.toGeneralNames(names).toArray(GeneralName[]::new)));
    } catch (CertIOException e) {
      throw new PkiException("cannot build a self-signed certificate", e);
    }
    X509Certificate certificate = Crypto.toX509(builder.build(Crypto.signer(keyPair.getPrivate())));
    SecretFiles.writeSecret(keyFile, Pem.encodePrivateKey(keyPair.getPrivate()));
    SecretFiles.writePublic(certFile, Pem.encodeCertificate(certificate));
    return new SelfSignedIdentity(keyPair.getPrivate(), certificate);
  }

  /** The SPKI pin devices verify this identity by. */
  public String spkiPin() {
    return Fingerprints.spkiPin(certificate);
  }
}
