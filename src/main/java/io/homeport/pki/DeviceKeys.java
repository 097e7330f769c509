package io.homeport.pki;

import java.security.KeyPair;

/**
 * Device-side key generation. The private key is made on the device and never leaves it; only the
 * CSR built from it ({@link DeviceCsr#create}) is sent. Store it with {@link Pem#encodePrivateKey}
 * and {@link SecretFiles#writeSecret}.
 */
public final class DeviceKeys {
  private DeviceKeys() {}

  /** A fresh EC P-256 key pair. */
  public static KeyPair generate() {
    return Crypto.newEcKeyPair();
  }
}
