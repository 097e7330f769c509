package io.homeport.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Shared primitives. Everything runs on the JDK's own providers (BouncyCastle only builds and
 * parses ASN.1), so the objects produced plug straight into JSSE; the one exception is the check of a
 * CSR's signature (see {@link DeviceCsr}), which involves no secret.
 */
final class Crypto {
  static final SecureRandom RANDOM = new SecureRandom();

  private Crypto() {}

  /** A fresh EC P-256 key pair: small, fast, and supported by every TLS stack and vertx-auth-jwt (ES256). */
  static KeyPair newEcKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is missing from this JVM", e);
    }
  }

  static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new PkiException("unsupported key algorithm: " + key.getAlgorithm());
    };
  }

  static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(signatureAlgorithm(key)).build(key);
    } catch (OperatorCreationException e) {
      throw new PkiException("cannot create a signer", e);
    }
  }

  static X509Certificate toX509(X509CertificateHolder holder) {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new PkiException("cannot convert certificate", e);
    }
  }

  /**
   * A random positive 128-bit serial: unpredictable (so nobody can pre-compute a colliding
   * certificate) and within the 20 octets RFC 5280 allows.
   */
  static BigInteger randomSerial() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  /** True if the private key belongs to the public key (a sign/verify round trip, works for EC and RSA). */
  static boolean keysMatch(PrivateKey privateKey, PublicKey publicKey) {
    try {
      byte[] probe = new byte[32];
      RANDOM.nextBytes(probe);
      String algorithm = signatureAlgorithm(privateKey);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | PkiException e) {
      return false;
    }
  }
}
