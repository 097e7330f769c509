package io.homeport.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * SHA-256 certificate fingerprints (over the DER encoding) and their base64url text form; SPKI pins
 * (SHA-256 over the SubjectPublicKeyInfo, standard base64, as address lists carry them).
 */
public final class Fingerprints {
  private Fingerprints() {}

  /** SHA-256 of the certificate's DER encoding: the value devices pin the CA by. */
  public static byte[] sha256(X509Certificate certificate) {
    try {
      return sha256(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new PkiException("cannot encode certificate", e);
    }
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** base64url without padding: safe in URLs, command lines and config files. */
  public static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Decodes base64url with or without padding; {@link IllegalArgumentException} if malformed. */
  public static byte[] fromBase64Url(String text) {
    return Base64.getUrlDecoder().decode(text.trim());
  }

  /** The CA pin as text: base64url of the certificate's SHA-256. */
  public static String sha256Base64Url(X509Certificate certificate) {
    return base64Url(sha256(certificate));
  }

  /** The SPKI pin of a certificate's key: SHA-256 over its SubjectPublicKeyInfo (DER), standard base64 with padding. */
  public static String spkiPin(X509Certificate certificate) {
    return Base64.getEncoder().encodeToString(sha256(certificate.getPublicKey().getEncoded()));
  }
}
