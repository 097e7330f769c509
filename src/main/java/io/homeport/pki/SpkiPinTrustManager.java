package io.homeport.pki;

import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A device's check of an application server whose address-list entry carries {@code pins} (DESIGN 4):
 * the server's leaf certificate must hold a key whose SPKI pin ({@link Fingerprints#spkiPin}) is one of
 * them. The pin is the whole trust decision: no CA, no validity period, no host name (the entry names
 * the key, wherever DNS points). A mismatch is reported as {@link PinMismatch}, so callers can tell it
 * from other handshake failures.
 */
public final class SpkiPinTrustManager extends OneWayTrustManager.ServerOnly {
  private static final int PIN_BYTES = 32;

  /** The server's key matched none of the pins. */
  public static final class PinMismatch extends CertificateException {
    PinMismatch(String message) {
      super(message);
    }
  }

  private final List<byte[]> pins;

  /**
   * @param pins SHA-256 SPKI pins, standard base64; at least one
   * @throws IllegalArgumentException for no pins or a pin that is not 32 bytes of base64
   */
  public SpkiPinTrustManager(List<String> pins) {
    if (pins.isEmpty()) {
      throw new IllegalArgumentException("at least one SPKI pin is required");
    }
    List<byte[]> decoded = new ArrayList<>();
    for (String pin : pins) {
      byte[] bytes = Base64.getDecoder().decode(pin);
      if (bytes.length != PIN_BYTES) {
        throw new IllegalArgumentException("an SPKI pin is a base64 SHA-256 (32 bytes): " + pin);
      }
      decoded.add(bytes);
    }
    this.pins = List.copyOf(decoded);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new CertificateException("empty certificate chain");
    }
    byte[] presented = Fingerprints.sha256(chain[0].getPublicKey().getEncoded());
    for (byte[] pin : pins) {
      if (MessageDigest.isEqual(pin, presented)) {
        return;
      }
    }
    throw new PinMismatch("the server's key (SPKI pin " + Base64.getEncoder().encodeToString(presented)
        + ") matches none of the " + pins.size() + " pinned");
  }
}
