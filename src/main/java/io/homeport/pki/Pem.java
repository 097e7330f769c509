package io.homeport.pki;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM text for keys and certificates. Private keys are written as unencrypted PKCS#8
 * ({@code PRIVATE KEY}) and public keys as SPKI ({@code PUBLIC KEY}), the forms Vert.x, vertx-auth-jwt,
 * OpenSSL and curl all read. Decoding errors never quote the input.
 */
public final class Pem {
  private Pem() {}

  public static String encodePrivateKey(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new PkiException("private key is not PKCS#8-encodable");
    }
    return encode("PRIVATE KEY", key.getEncoded());
  }

  public static String encodePublicKey(PublicKey key) {
    return encode("PUBLIC KEY", key.getEncoded());
  }

  public static String encodeCertificate(X509Certificate certificate) {
    try {
      return encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new PkiException("cannot encode certificate", e);
    }
  }

  /** Concatenated PEM blocks in the given order (leaf first for a chain). */
  public static String encodeCertificates(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      out.append(encodeCertificate(certificate));
    }
    return out.toString();
  }

  /**
   * Reads the first private key: PKCS#8 ({@code PRIVATE KEY}) or the traditional OpenSSL forms
   * ({@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY}) that {@code openssl ecparam -genkey} writes.
   * Encrypted keys are refused.
   */
  public static PrivateKey decodePrivateKey(String pem) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          // only the private part: the public key is optional in SEC1 and not needed here
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
          throw new PkiException("encrypted private keys are not supported");
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof PkiException pe) {
        throw pe;
      }
      throw new PkiException("malformed private key PEM", e);
    }
    throw new PkiException("no private key in PEM");
  }

  /** Reads every {@code CERTIFICATE} block, in order; other blocks (a key in a combined file) are skipped. */
  public static List<X509Certificate> decodeCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (object instanceof X509CertificateHolder holder) {
          certificates.add(Crypto.toX509(holder));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new PkiException("malformed certificate PEM", e);
    }
    if (certificates.isEmpty()) {
      throw new PkiException("no certificate in PEM");
    }
    return List.copyOf(certificates);
  }

  /** The first certificate of a PEM text. */
  public static X509Certificate decodeCertificate(String pem) {
    return decodeCertificates(pem).get(0);
  }

  static String encode(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
