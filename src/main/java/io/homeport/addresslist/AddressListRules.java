package io.homeport.addresslist;

import io.homeport.device.DeviceIds;
import io.homeport.refusal.Refusal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a list may hold (DESIGN 4), checked before anything is stored. Application-server ids have the
 * form of a device name, or are one of Homeport's own endpoints: {@value #BEACON} ({@code
 * udp://host:port}) and {@value #DEVICE_CHANNEL} (an https URL), neither with pins nor trust: the beacon's
 * answers are authenticated with the device's beacon key and the device channel by the device CA, which
 * devices trust for Homeport alone. Every other entry has an {@code https://host[:port][/path]} URL and exactly
 * one of pins (1-{@value #MAX_PINS} SHA-256 SPKI pins, base64) and WebPKI trust. Refusals are {@code
 * invalid-field} naming {@code entries} or {@code entries.<id>.<member>}.
 */
public final class AddressListRules {
  /** Entries a list may hold. */
  public static final int MAX_ENTRIES = 256;
  /** Pins an entry may carry (the current key and a few next ones). */
  public static final int MAX_PINS = 8;
  /** The longest URL accepted. */
  public static final int MAX_URL_LENGTH = 2048;
  /** The entry that moves devices to another beacon. */
  public static final String BEACON = "homeport:beacon";
  /** The entry that moves devices to another device channel. */
  public static final String DEVICE_CHANNEL = "homeport:device-channel";
  private static final Set<String> RESERVED = Set.of(BEACON, DEVICE_CHANNEL);
  private static final int PIN_BYTES = 32;
  private static final int MAX_PORT = 65_535;

  private AddressListRules() {}

  /**
   * Checks a whole list.
   *
   * @throws Refusal.Invalid {@code invalid-field} for too many entries, a bad id, URL, pin or trust
   */
  public static void check(Map<String, AddressListEntry> entries) {
    if (entries.size() > MAX_ENTRIES) {
      throw invalid("entries", "'entries' holds " + entries.size() + " entries, at most " + MAX_ENTRIES);
    }
    entries.forEach(AddressListRules::check);
  }

  /** Checks one entry under its id. */
  private static void check(String id, AddressListEntry entry) {
    checkId(id);
    String field = "entries." + id;
    if (BEACON.equals(id)) {
      checkUrl(entry.url(), "udp", true, field + ".url");
      if (entry.webPki() || !entry.pins().isEmpty()) {
        throw invalid(field, "'" + BEACON + "' takes neither pins nor trust: the beacon's answers are "
            + "authenticated with the device's beacon key");
      }
      return;
    }
    checkUrl(entry.url(), "https", false, field + ".url");
    if (DEVICE_CHANNEL.equals(id)) {
      if (entry.webPki() || !entry.pins().isEmpty()) {
        throw invalid(field, "'" + DEVICE_CHANNEL + "' takes neither pins nor trust: devices verify Homeport's "
            + "device channel by the device CA");
      }
      return;
    }
    if (entry.webPki() == !entry.pins().isEmpty()) {
      throw invalid(field, "entry '" + id + "' needs exactly one of 'pins' (SHA-256 SPKI pins, base64) and "
          + "'trust': 'webpki'");
    }
    checkPins(entry.pins(), field + ".pins");
  }

  /** An application-server id: the form of a device name, or one of Homeport's own endpoints. */
  public static void checkId(String id) {
    if (id == null || !(DeviceIds.NAME.matcher(id).matches() || RESERVED.contains(id))) {
      String shown = id == null ? "null" : id.length() > 70 ? id.substring(0, 67) + "..." : id;
      throw invalid("entries", "application-server id '" + shown + "' is invalid: 1-64 letters, digits, '.', '_' "
          + "or '-', starting with a letter or digit, or one of " + RESERVED.stream().sorted().toList());
    }
  }

  private static void checkUrl(String url, String scheme, boolean portRequired, String field) {
    String form = scheme + "://host" + (portRequired ? ":port" : "[:port][/path]");
    if (url.length() > MAX_URL_LENGTH) {
      throw invalid(field, "the URL is longer than " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid(field, "'" + abbreviate(url) + "' is not a URL of the form " + form);
    }
    boolean pathAllowed = !portRequired;
    String path = uri.getRawPath();
    boolean ok = scheme.equals(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null
        && uri.getRawQuery() == null && uri.getRawFragment() == null
        && (portRequired ? uri.getPort() > 0 : uri.getPort() == -1 || uri.getPort() > 0) && uri.getPort() <= MAX_PORT
        && (path == null || path.isEmpty() || pathAllowed && path.startsWith("/"));
    if (!ok) {
      throw invalid(field, "'" + abbreviate(url) + "' is not a URL of the form " + form
          + " (no user, query or fragment; port 1-" + MAX_PORT + ")");
    }
  }

  private static void checkPins(List<String> pins, String field) {
    if (pins.size() > MAX_PINS) {
      throw invalid(field, "at most " + MAX_PINS + " pins per entry");
    }
    Set<String> seen = new HashSet<>();
    for (String pin : pins) {
      if (!isPin(pin)) {
        throw invalid(field, "pin '" + abbreviate(String.valueOf(pin)) + "' is not a SHA-256 SPKI pin: "
            + "the base64 of 32 bytes (44 characters)");
      }
      if (!seen.add(pin)) {
        throw invalid(field, "pin '" + pin + "' is given twice");
      }
    }
  }

  private static boolean isPin(String pin) {
    if (pin == null || pin.length() != 44) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(pin).length == PIN_BYTES;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Refusal.Invalid invalid(String field, String detail) {
    return new Refusal.Invalid("invalid-field", detail, field);
  }

  private static String abbreviate(String s) {
    return s.length() > 70 ? s.substring(0, 67) + "..." : s;
  }
}
