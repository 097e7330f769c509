package io.homeport.pki;

import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;

/**
 * A device's check of the server during enrollment, before it has the CA: the server must send a
 * certificate whose SHA-256 (over the DER) equals the pin the operator gave the device, and its
 * leaf must be issued by that certificate, be within its validity and carry serverAuth. The pinned
 * certificate then becomes the device's CA. Host names are not matched (see {@link CaTrustManager}).
 */
public final class PinnedCaTrustManager extends OneWayTrustManager.ServerOnly {
  private final byte[] caSha256;
  private final Clock clock;

  public PinnedCaTrustManager(byte[] caSha256) {
    this(caSha256, Clock.systemUTC());
  }

  public PinnedCaTrustManager(byte[] caSha256, Clock clock) {
    Objects.requireNonNull(caSha256, "caSha256");
    if (caSha256.length != 32) {
      throw new IllegalArgumentException("a CA pin is a 32-byte SHA-256");
    }
    this.caSha256 = caSha256.clone();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("empty certificate chain");
    }
    X509Certificate pinned = null;
    for (X509Certificate certificate : chain) {
      if (certificate != null && MessageDigest.isEqual(caSha256, Fingerprints.sha256(certificate.getEncoded()))) {
        pinned = certificate;
        break;
      }
    }
    if (pinned == null) {
      throw new CertificateException("server certificate chain does not contain the pinned CA");
    }
    PathValidation.validate(chain, pinned, PathValidation.SERVER_AUTH, clock.instant());
  }
}
