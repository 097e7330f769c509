package io.homeport.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** The PKIX check shared by the trust managers. */
final class PathValidation {
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  private PathValidation() {}

  /**
   * Verifies that the leaf is directly issued by the anchor, is within its validity at {@code now},
   * is not a CA and carries the required extended key usage.
   *
   * <p>Only the leaf is validated: the CA has pathLen 0, so the single valid path is leaf → CA, and
   * whatever else the peer sends (usually the CA itself) is ignored rather than trusted.
   */
  static void validate(X509Certificate[] chain, X509Certificate anchor, String requiredUsage, Instant now)
      throws CertificateException {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new CertificateException("empty certificate chain");
    }
    X509Certificate leaf = chain[0];
    Date at = Date.from(now);
    try {
      anchor.checkValidity(at);
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new CertificateException("the trusted CA certificate is outside its validity", e);
    }
    try {
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      // revocation is decided by the caller (CertificateAcceptance), not by CRL/OCSP fetching
      parameters.setRevocationEnabled(false);
      parameters.setDate(at);
      CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
      CertPathValidator.getInstance("PKIX").validate(path, parameters);
    } catch (CertPathValidatorException e) {
      throw new CertificateException("certificate rejected: " + reason(e), e);
    } catch (GeneralSecurityException e) {
      throw new CertificateException("certificate path validation failed", e);
    }
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateException("certificate rejected: a CA certificate cannot be used as a TLS identity");
    }
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new CertificateException("certificate rejected: unreadable extended key usage", e);
    }
    if (usages == null || !usages.contains(requiredUsage)) {
      throw new CertificateException("certificate rejected: it lacks the "
          + (CLIENT_AUTH.equals(requiredUsage) ? "clientAuth" : "serverAuth") + " extended key usage");
    }
  }

  private static String reason(CertPathValidatorException e) {
    if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
      return "expired";
    }
    if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
      return "not yet valid";
    }
    if (e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
      return "not signed by the trusted CA";
    }
    return "does not chain to the trusted CA";
  }
}
