package io.homeport.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's key material in the data directory, created on first start and loaded afterwards:
 *
 * <ul>
 *   <li>{@code ca.key.pem} (0600) and {@code ca.crt.pem} (0644): the device CA;
 *   <li>{@code server.key.pem} (0600) and {@code server.crt.pem} (0644): the device channel's TLS
 *       identity, issued by that CA for the configured public hosts;
 *   <li>{@code jwt-signing.key.pem} (0600): the ES256 key for API tokens.
 * </ul>
 *
 * <p>The CA is never replaced automatically (every enrolled device trusts it). The server certificate
 * is derived material: it is re-issued, with a fresh key, when the public hosts change, when it
 * expires within 30 days, or when it no longer matches its key or the CA.
 */
public final class ServerPki {
  public static final String CA_KEY_FILE = "ca.key.pem";
  public static final String CA_CERT_FILE = "ca.crt.pem";
  public static final String SERVER_KEY_FILE = "server.key.pem";
  public static final String SERVER_CERT_FILE = "server.crt.pem";
  public static final String JWT_KEY_FILE = "jwt-signing.key.pem";

  static final Duration SERVER_CERT_VALIDITY = Duration.ofDays(730);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final Duration CA_EXPIRY_WARNING = Duration.ofDays(180);

  private static final Logger log = LoggerFactory.getLogger(ServerPki.class);
  private static final ECNamedCurveParameterSpec P256 = ECNamedCurveTable.getParameterSpec("secp256r1");

  private final boolean firstStart;
  private final CertificateAuthority ca;
  private final String caCertificatePem;
  private final PrivateKey serverKey;
  private final List<X509Certificate> serverChain;
  private final String serverKeyPem;
  private final String serverChainPem;
  private final String jwtPrivateKeyPem;
  private final String jwtPublicKeyPem;

  private ServerPki(boolean firstStart, CertificateAuthority ca, PrivateKey serverKey, X509Certificate serverCertificate,
      PrivateKey jwtKey, PublicKey jwtPublicKey) {
    this.firstStart = firstStart;
    this.ca = ca;
    this.caCertificatePem = Pem.encodeCertificate(ca.caCertificate());
    this.serverKey = serverKey;
    this.serverChain = List.of(serverCertificate, ca.caCertificate());
    this.serverKeyPem = Pem.encodePrivateKey(serverKey);
    this.serverChainPem = Pem.encodeCertificates(serverChain);
    this.jwtPrivateKeyPem = Pem.encodePrivateKey(jwtKey);
    this.jwtPublicKeyPem = Pem.encodePublicKey(jwtPublicKey);
  }

  /**
   * Loads the key material from {@code dataDir}, creating what is missing (the directory itself
   * with mode 0700).
   *
   * @param publicHosts names and IP literals devices use to reach the server; the first is the CN
   * @throws PkiException if a file is corrupt, unreadable or inconsistent (the message names it)
   * @throws IllegalArgumentException if {@code publicHosts} is empty or holds an unusable entry
   */
  public static ServerPki loadOrCreate(Path dataDir, List<String> publicHosts, Clock clock) {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(clock, "clock");
    List<String> hosts = HostNames.clean(publicHosts);
    try {
      SecretFiles.ensurePrivateDirectory(dataDir);
    } catch (IOException e) {
      throw new PkiException("cannot create data directory " + dataDir, e);
    }
    Path caKeyFile = dataDir.resolve(CA_KEY_FILE);
    Path caCertFile = dataDir.resolve(CA_CERT_FILE);

    boolean firstStart = !Files.exists(caKeyFile) && !Files.exists(caCertFile);
    CertificateAuthority ca;
    if (firstStart) {
      ca = CertificateAuthority.create(clock);
      // key before certificate: a crash in between leaves a state loadCa reports clearly
      writeSecret(caKeyFile, Pem.encodePrivateKey(ca.caKey()));
      writePublic(caCertFile, Pem.encodeCertificate(ca.caCertificate()));
      log.info("Created device CA {} (SHA-256 {}) in {}", ca.caCertificate().getSubjectX500Principal().getName(),
          Fingerprints.sha256Base64Url(ca.caCertificate()), dataDir);
    } else {
      ca = loadCa(caKeyFile, caCertFile, clock);
    }

    PrivateKey serverKey;
    X509Certificate serverCertificate;
    Path serverKeyFile = dataDir.resolve(SERVER_KEY_FILE);
    Path serverCertFile = dataDir.resolve(SERVER_CERT_FILE);
    String reason;
    if (!Files.exists(serverKeyFile) || !Files.exists(serverCertFile)) {
      serverKey = null;
      serverCertificate = null;
      reason = firstStart ? null : "server key or certificate missing";
    } else {
      serverKey = read(serverKeyFile, Pem::decodePrivateKey, "not a PEM private key");
      serverCertificate = read(serverCertFile, Pem::decodeCertificate, "not a PEM certificate");
      reason = reissueReason(serverKey, serverCertificate, ca.caCertificate(), hosts, clock.instant());
    }
    if (serverCertificate == null || reason != null) {
      if (reason != null) {
        log.info("Issuing a new server certificate for {}: {}", hosts, reason);
      }
      KeyPair keyPair = Crypto.newEcKeyPair();
      serverKey = keyPair.getPrivate();
      serverCertificate = ca.issueServerCertificate(keyPair.getPublic(), hosts.get(0),
          HostNames.toGeneralNames(hosts), SERVER_CERT_VALIDITY);
      // a crash between the two writes leaves a key/certificate mismatch, which the next start repairs
      writeSecret(serverKeyFile, Pem.encodePrivateKey(serverKey));
      writePublic(serverCertFile, Pem.encodeCertificate(serverCertificate));
    }

    Path jwtFile = dataDir.resolve(JWT_KEY_FILE);
    PrivateKey jwtKey;
    if (Files.exists(jwtFile)) {
      jwtKey = read(jwtFile, Pem::decodePrivateKey, "not a PEM private key");
      if (!(jwtKey instanceof ECPrivateKey ec) || !P256.getN().equals(ec.getParams().getOrder())) {
        throw new PkiException(jwtFile + " is not an EC P-256 private key (ES256 needs one)");
      }
    } else {
      jwtKey = Crypto.newEcKeyPair().getPrivate();
      writeSecret(jwtFile, Pem.encodePrivateKey(jwtKey));
      log.info("Created JWT signing key {}", jwtFile);
    }

    warnIfExposed(caKeyFile, serverKeyFile, jwtFile);
    return new ServerPki(firstStart, ca, serverKey, serverCertificate, jwtKey, ecPublicKey((ECPrivateKey) jwtKey));
  }

  /** Whether this call created the CA (a brand-new installation). */
  public boolean firstStart() {
    return firstStart;
  }

  public CertificateAuthority certificateAuthority() {
    return ca;
  }

  public X509Certificate caCertificate() {
    return ca.caCertificate();
  }

  public String caCertificatePem() {
    return caCertificatePem;
  }

  /** The device channel's TLS private key. */
  public PrivateKey serverKey() {
    return serverKey;
  }

  /** Server certificate then CA. */
  public List<X509Certificate> serverChain() {
    return serverChain;
  }

  /** The TLS server key as PKCS#8 PEM. */
  public String serverKeyPem() {
    return serverKeyPem;
  }

  /** Server certificate then CA, as PEM. */
  public String serverChainPem() {
    return serverChainPem;
  }

  /** The ES256 signing key as PKCS#8 PEM (for PubSecKeyOptions). */
  public String jwtPrivateKeyPem() {
    return jwtPrivateKeyPem;
  }

  /** The ES256 verification key as SPKI PEM. */
  public String jwtPublicKeyPem() {
    return jwtPublicKeyPem;
  }

  @Override
  public String toString() {
    return "ServerPki[ca=" + ca + ", server=" + serverChain.get(0).getSubjectX500Principal().getName() + "]";
  }

  private static CertificateAuthority loadCa(Path keyFile, Path certFile, Clock clock) {
    if (!Files.exists(certFile)) {
      throw new PkiException(certFile + " is missing but " + keyFile.getFileName() + " exists: restore it from a"
          + " backup, or remove " + keyFile.getFileName() + " to create a new CA (every device must then re-enroll)");
    }
    if (!Files.exists(keyFile)) {
      throw new PkiException(keyFile + " is missing but " + certFile.getFileName() + " exists: restore it from a"
          + " backup, or remove " + certFile.getFileName() + " to create a new CA (every device must then re-enroll)");
    }
    PrivateKey key = read(keyFile, Pem::decodePrivateKey, "not a PEM private key");
    X509Certificate certificate = read(certFile, Pem::decodeCertificate, "not a PEM certificate");
    if (!Crypto.keysMatch(key, certificate.getPublicKey())) {
      throw new PkiException(keyFile + " does not belong to the certificate in " + certFile.getFileName());
    }
    if (certificate.getBasicConstraints() < 0) {
      throw new PkiException(certFile + " is not a CA certificate");
    }
    Instant notAfter = certificate.getNotAfter().toInstant();
    Instant now = clock.instant();
    if (!now.isBefore(notAfter)) {
      log.error("The device CA in {} expired on {}: devices can no longer be verified", certFile, notAfter);
    } else if (now.plus(CA_EXPIRY_WARNING).isAfter(notAfter)) {
      log.warn("The device CA in {} expires on {}", certFile, notAfter);
    }
    return new CertificateAuthority(certificate, key, clock);
  }

  /** Why the stored server certificate must be replaced, or null if it is fine. */
  private static String reissueReason(PrivateKey key, X509Certificate certificate, X509Certificate caCertificate,
      List<String> hosts, Instant now) {
    if (!Crypto.keysMatch(key, certificate.getPublicKey())) {
      return "the key does not match the certificate";
    }
    try {
      certificate.verify(caCertificate.getPublicKey());
    } catch (GeneralSecurityException e) {
      return "it was not issued by the current CA";
    }
    Set<String> configured = HostNames.keys(hosts);
    Set<String> present = HostNames.keys(certificate);
    if (!configured.equals(present)) {
      return "public hosts changed from " + present + " to " + configured;
    }
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (now.plus(RENEW_BEFORE).isAfter(notAfter)) {
      return "it expires on " + notAfter;
    }
    return null;
  }

  private static <T> T read(Path file, Function<String, T> decoder, String what) {
    String text;
    try {
      text = SecretFiles.readString(file);
    } catch (IOException e) {
      throw new PkiException("cannot read " + file, e);
    }
    try {
      return decoder.apply(text);
    } catch (PkiException e) {
      throw new PkiException(file + " is corrupt: " + what, e);
    }
  }

  private static void writeSecret(Path file, String pem) {
    try {
      SecretFiles.writeSecret(file, pem);
    } catch (IOException e) {
      throw new PkiException("cannot write " + file, e);
    }
  }

  private static void writePublic(Path file, String pem) {
    try {
      SecretFiles.writePublic(file, pem);
    } catch (IOException e) {
      throw new PkiException("cannot write " + file, e);
    }
  }

  private static void warnIfExposed(Path... secretFiles) {
    for (Path file : secretFiles) {
      try {
        if (SecretFiles.isAccessibleByOthers(file)) {
          log.warn("{} is readable by other users; it should be mode 0600", file);
        }
      } catch (IOException e) {
        // the file was just read or written; a failing stat here is not worth failing startup for
      }
    }
  }

  /** PKCS#8 EC keys from the JDK carry no public point, so it is recomputed (Q = d·G) rather than stored twice. */
  private static PublicKey ecPublicKey(ECPrivateKey key) {
    org.bouncycastle.math.ec.ECPoint q = new FixedPointCombMultiplier().multiply(P256.getG(), key.getS()).normalize();
    ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    try {
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot derive the JWT public key", e);
    }
  }
}
