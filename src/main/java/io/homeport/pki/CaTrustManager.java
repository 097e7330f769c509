package io.homeport.pki;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;

/**
 * A device's check of the server after enrollment: the server certificate must be issued by the
 * device CA (the only trust anchor) and carry serverAuth.
 *
 * <p>Host names are deliberately not matched: this CA issues serverAuth certificates to this
 * server only (device certificates are clientAuth-only and are refused here), so "issued by the CA
 * for serverAuth" already identifies the server, whatever address NAT or DNS made the device use.
 */
public final class CaTrustManager extends OneWayTrustManager {
  private final X509Certificate ca;
  private final Clock clock;

  public CaTrustManager(X509Certificate ca) {
    this(ca, Clock.systemUTC());
  }

  public CaTrustManager(X509Certificate ca, Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    PathValidation.validate(chain, ca, PathValidation.SERVER_AUTH, clock.instant());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only verifies the server");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {ca};
  }
}
