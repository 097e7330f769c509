package io.homeport.device;

/** Life cycle of a device record. */
public enum DeviceState {
  /** Created by an operator, waiting for the device to enroll with its one-time token. */
  PENDING,
  /** Holds a certificate and a beacon key; may send keepalives and use the device channel. */
  ENROLLED,
  /** Revoked by an operator; its certificate and beacon key are refused. Terminal. */
  REVOKED;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
