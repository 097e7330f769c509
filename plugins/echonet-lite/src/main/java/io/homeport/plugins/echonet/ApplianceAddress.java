package io.homeport.plugins.echonet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a device finds an ECHONET Lite appliance on its LAN: an IP address literal, the UDP port and
 * the instance code of the device object.
 *
 * <p>Text form: {@code <IPv4 or [IPv6]>[:port][#instance]}, for example {@code 192.168.1.50},
 * {@code 192.168.1.50#2}, {@code 192.168.1.50:3611}, {@code [fe80::1]:3610#1} or {@code
 * [fe80::1%eth0]#3}.
 *
 * <ul>
 *   <li>The host is an IP address literal, never a name: four decimal octets (no leading zeros), or
 *       an IPv6 address in brackets, optionally with a zone ({@code %eth0}, {@code %2}) for
 *       link-local addresses.
 *   <li>The port is decimal, 1..65535, default {@value #DEFAULT_PORT} (ECHONET Lite's UDP port).
 *   <li>The instance is decimal, 1..127 (ECHONET instance codes 0x01..0x7F), default {@value
 *       #DEFAULT_INSTANCE}; instance 0 ("every instance") is refused because a command addresses one
 *       object.
 * </ul>
 *
 * Surrounding white space is ignored. Plain Java with no dependencies; parsing never touches the
 * network. Immutable and thread-safe.
 *
 * @param host the IP address literal without brackets, e.g. {@code 192.168.1.50} or {@code fe80::1}
 * @param port the UDP port, 1..65535
 * @param instance the instance code of the appliance's device object, 1..127
 */
public record ApplianceAddress(String host, int port, int instance) {

  /** ECHONET Lite's UDP port. */
  public static final int DEFAULT_PORT = 3610;
  /** The instance code used when the address names none. */
  public static final int DEFAULT_INSTANCE = 1;
  /** The largest instance code (0x7F). */
  public static final int MAX_INSTANCE = 127;
  /** The format, for messages. */
  public static final String FORMAT = "<IPv4 or [IPv6]>[:port][#instance]";

  private static final int MAX_LENGTH = 100;

  /**
   * @throws IllegalArgumentException if {@code host} is not an IPv4 or IPv6 literal (without
   *     brackets), or the port or instance is out of range
   */
  public ApplianceAddress {
    Objects.requireNonNull(host, "host");
    if (!isIpv4(host) && !isIpv6(host)) {
      throw new IllegalArgumentException("'" + host + "' is not an IPv4 or IPv6 address");
    }
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
    if (instance < 1 || instance > MAX_INSTANCE) {
      throw new IllegalArgumentException("instance must be 1.." + MAX_INSTANCE + ", got " + instance);
    }
  }

  /**
   * Parses {@code <IPv4 or [IPv6]>[:port][#instance]}.
   *
   * @throws IllegalArgumentException if {@code text} is null, blank or malformed; the message says
   *     what is wrong (without repeating the input)
   */
  public static ApplianceAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("is missing; expected " + FORMAT);
    }
    String s = text.strip();
    if (s.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
    }
    int instance = DEFAULT_INSTANCE;
    int hash = s.indexOf('#');
    if (hash >= 0) {
      instance = number(s.substring(hash + 1), "instance", 1, MAX_INSTANCE, 3);
      s = s.substring(0, hash);
    }
    String host;
    String portText = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("lacks the ']' closing the IPv6 address");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          throw new IllegalArgumentException("only ':port' or '#instance' may follow the IPv6 address");
        }
        portText = rest.substring(1);
      }
      if (!isIpv6(host)) {
        throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException("an IPv6 address goes in brackets, e.g. [fe80::1]:3610#1");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      portText = colon < 0 ? null : s.substring(colon + 1);
      if (host.isEmpty()) {
        throw new IllegalArgumentException("lacks the IP address; expected " + FORMAT);
      }
      if (!isIpv4(host)) {
        throw new IllegalArgumentException("'" + host + "' is not an IPv4 address (names are not allowed; "
            + "IPv6 goes in brackets); expected " + FORMAT);
      }
    }
    int port = portText == null ? DEFAULT_PORT : number(portText, "port", 1, 0xFFFF, 5);
    return new ApplianceAddress(host, port, instance);
  }

  /** Whether the host is an IPv6 address. */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /**
   * The appliance's socket address. The host is a literal, so this never asks a name server.
   *
   * @throws UnknownHostException if an IPv6 zone names no interface of this machine
   */
  public InetSocketAddress toSocketAddress() throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }

  /** The full text form, which {@link #parse} reads back: e.g. {@code 192.168.1.50:3610#1}, {@code [fe80::1]:3610#2}. */
  @Override
  public String toString() {
    return (isIpv6() ? "[" + host + "]" : host) + ":" + port + "#" + instance;
  }

  private static int number(String text, String what, int min, int max, int maxDigits) {
    if (text.isEmpty() || text.length() > maxDigits || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(what + " must be a decimal number " + min + ".." + max
          + (text.isEmpty() ? ", got nothing" : ", got '" + text + "'"));
    }
    int n = Integer.parseInt(text);
    if (n < min || n > max) {
      throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", got " + n);
    }
    return n;
  }

  /** Four decimal octets 0..255 without leading zeros. */
  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || p.length() > 1 && p.charAt(0) == '0' || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** An IPv6 address (RFC 4291 text forms, with "::" and an embedded IPv4 tail), optionally with a zone. */
  static boolean isIpv6(String s) {
    int percent = s.indexOf('%');
    String addr = s;
    if (percent >= 0) {
      String zone = s.substring(percent + 1);
      if (zone.isEmpty() || zone.length() > 32 || !zone.chars().allMatch(c -> c < 0x80
          && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.'))) {
        return false;
      }
      addr = s.substring(0, percent);
    }
    if (addr.indexOf(':') < 0 || addr.length() > 45) {
      return false;
    }
    int dbl = addr.indexOf("::");
    if (dbl >= 0 && addr.lastIndexOf("::") != dbl) {
      return false; // "::" at most once (and ":::" is not an address)
    }
    if (dbl < 0) {
      int groups = groups(addr.split(":", -1));
      return groups == 8;
    }
    String head = addr.substring(0, dbl);
    String tail = addr.substring(dbl + 2);
    if (head.indexOf('.') >= 0) {
      return false; // an IPv4 tail only at the very end
    }
    int h = head.isEmpty() ? 0 : groups(head.split(":", -1));
    int t = tail.isEmpty() ? 0 : groups(tail.split(":", -1));
    return h >= 0 && t >= 0 && h + t <= 7;
  }

  /** How many 16-bit groups these are (an IPv4 tail counts 2), or -1 if one is malformed. */
  private static int groups(String[] parts) {
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (i == parts.length - 1 && p.indexOf('.') >= 0) {
        if (!isIpv4(p)) {
          return -1;
        }
        n += 2;
      } else if (p.isEmpty() || p.length() > 4 || !p.toLowerCase(Locale.ROOT).chars()
          .allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return -1;
      } else {
        n++;
      }
    }
    return n;
  }
}
