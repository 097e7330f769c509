package io.homeport.addresslist;

import java.util.List;
import java.util.Objects;

/**
 * Where a device finds one application server (DESIGN 4) and how it authenticates it: by {@code pins}
 * (SHA-256 SPKI pins, base64) or by the JDK trust store and a host-name check ({@code webPki}); never by
 * the device CA. The entry {@link AddressListRules#BEACON} is the one with neither: the beacon's answers
 * are authenticated by the device's beacon key. {@link AddressListRules} checks the values.
 *
 * @param pins the pins in the order given; empty when the server is not pinned
 */
public record AddressListEntry(String url, List<String> pins, boolean webPki) {

  public AddressListEntry {
    Objects.requireNonNull(url, "url");
    pins = List.copyOf(pins);
    if (webPki && !pins.isEmpty()) {
      throw new IllegalArgumentException("an entry is verified by its pins or by WebPKI, not both");
    }
  }

  /** A server the device verifies by one of these SPKI pins. */
  public static AddressListEntry pinned(String url, List<String> pins) {
    return new AddressListEntry(url, pins, false);
  }

  /** A server the device verifies by the JDK trust store and the URL's host name. */
  public static AddressListEntry webPki(String url) {
    return new AddressListEntry(url, List.of(), true);
  }

  /** An endpoint that needs no TLS verification: only {@link AddressListRules#BEACON}. */
  public static AddressListEntry unverified(String url) {
    return new AddressListEntry(url, List.of(), false);
  }
}
