package io.homeport.pki;

import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The device channel's client-certificate check: the certificate must be issued by the device CA,
 * be within its validity, carry clientAuth, and be accepted by {@link CertificateAcceptance} (known
 * device, not revoked, current serial). Because the acceptance is asked at every handshake, a
 * revoked device is refused from its next connection on, without a restart.
 *
 * <p>{@link #getAcceptedIssuers()} names the CA, so clients know which certificate to present.
 *
 * <p>A resumed TLS session (TLS 1.3 PSK, TLS 1.2 session id or ticket) skips the trust manager, so
 * a device revoked after its first handshake could still resume. The device channel therefore also
 * calls {@link #authorize} with the connection's peer certificates on every request.
 */
public final class DeviceClientTrustManager extends OneWayTrustManager {
  private final X509Certificate ca;
  private final CertificateAcceptance acceptance;
  private final Clock clock;

  public DeviceClientTrustManager(X509Certificate ca, CertificateAcceptance acceptance) {
    this(ca, acceptance, Clock.systemUTC());
  }

  public DeviceClientTrustManager(X509Certificate ca, CertificateAcceptance acceptance, Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.acceptance = Objects.requireNonNull(acceptance, "acceptance");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Re-checks an established connection's peer certificates (as JSSE or Vert.x report them, leaf
   * first) exactly as a handshake would, and returns the device they identify.
   *
   * @throws CertificateException if there is no client certificate or it is no longer accepted
   */
  public DeviceIdentity authorize(List<? extends Certificate> peerCertificates) throws CertificateException {
    if (peerCertificates == null || peerCertificates.isEmpty()) {
      throw new CertificateException("no client certificate");
    }
    X509Certificate[] chain = new X509Certificate[peerCertificates.size()];
    for (int i = 0; i < chain.length; i++) {
      if (!(peerCertificates.get(i) instanceof X509Certificate certificate)) {
        throw new CertificateException("not an X.509 certificate");
      }
      chain[i] = certificate;
    }
    return check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  private DeviceIdentity check(X509Certificate[] chain) throws CertificateException {
    PathValidation.validate(chain, ca, PathValidation.CLIENT_AUTH, clock.instant());
    DeviceIdentity identity;
    try {
      identity = DeviceIdentity.from(chain[0]);
    } catch (IllegalArgumentException e) {
      throw new CertificateException("certificate rejected: " + e.getMessage());
    }
    boolean accepted;
    try {
      accepted = acceptance.accepts(identity.deviceId(), identity.serialHex());
    } catch (RuntimeException e) {
      // fail closed: an error in the lookup must not let a device in
      throw new CertificateException("device certificate check failed", e);
    }
    if (!accepted) {
      throw new CertificateException("device certificate not accepted (unknown, revoked or superseded): device "
          + identity.deviceId() + ", serial " + identity.serialHex());
    }
    return identity;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only verifies device client certificates");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {ca};
  }
}
