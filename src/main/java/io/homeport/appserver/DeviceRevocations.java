package io.homeport.appserver;

import io.homeport.pki.CertificateAcceptance;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;

/**
 * The device CA's revocation list as the application server holds it: replaced whole by each list it
 * fetches, after checking that the CA signed it. A device certificate is accepted only while a list is held,
 * is still current ({@code nextUpdate} not passed) and does not name its serial: without a current list
 * every device is refused (fail closed). Thread-safe; answers from memory, as a handshake needs.
 */
final class DeviceRevocations implements CertificateAcceptance {
  private final X509Certificate ca;
  private final Clock clock;
  private volatile X509CRL current;

  DeviceRevocations(X509Certificate ca, Clock clock) {
    this.ca = ca;
    this.clock = clock;
  }

  /**
   * Takes a newly fetched list (DER).
   *
   * @throws GeneralSecurityException when it is not a CRL of the CA, signed by it
   */
  void update(byte[] der) throws GeneralSecurityException {
    X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      throw new GeneralSecurityException("the revocation list is issued by " + crl.getIssuerX500Principal()
          + ", not by the device CA");
    }
    crl.verify(ca.getPublicKey());
    X509CRL held = current;
    if (held == null || !crl.getThisUpdate().before(held.getThisUpdate())) {
      current = crl;
    }
  }

  /** Revoked serials in the list held; -1 before the first list. */
  int size() {
    X509CRL crl = current;
    return crl == null ? -1 : crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
  }

  @Override
  public boolean accepts(String deviceId, String serialHex) {
    X509CRL crl = current;
    if (crl == null || (crl.getNextUpdate() != null && crl.getNextUpdate().before(Date.from(clock.instant())))) {
      return false;
    }
    return crl.getRevokedCertificate(new BigInteger(serialHex, 16)) == null;
  }
}
