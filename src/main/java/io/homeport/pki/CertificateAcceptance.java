package io.homeport.pki;

/**
 * Decides, at TLS handshake time, whether a device certificate that chains to the CA is still
 * welcome: the device exists, is not revoked and this serial is its current certificate.
 *
 * <p>Called on the thread doing the handshake (an event loop under Vert.x): it must answer from
 * memory and never block. An exception counts as "no".
 */
@FunctionalInterface
public interface CertificateAcceptance {
  boolean accepts(String deviceId, String serialHex);
}
