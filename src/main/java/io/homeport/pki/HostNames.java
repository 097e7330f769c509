package io.homeport.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/**
 * The server's public host names as certificate SANs. IP literals become iPAddress names, the rest
 * dNSName; nothing is ever looked up in DNS. Names compare in a normalised form ("dns:x" lower case,
 * "ip:" canonical address) so that "::1" and "0:0:0:0:0:0:0:1" are the same host.
 */
final class HostNames {
  private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9*_]([A-Za-z0-9*_.-]{0,252})");

  private HostNames() {}

  /** Trimmed, de-duplicated hosts in configured order; {@link IllegalArgumentException} for unusable entries. */
  static List<String> clean(List<String> hosts) {
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one public host is required for the server certificate");
    }
    Set<String> keys = new LinkedHashSet<>();
    List<String> cleaned = new ArrayList<>();
    for (String host : hosts) {
      String trimmed = host == null ? "" : host.trim();
      if (keys.add(key(trimmed))) {
        cleaned.add(trimmed);
      }
    }
    return List.copyOf(cleaned);
  }

  static List<GeneralName> toGeneralNames(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      byte[] ip = ipLiteral(host);
      names.add(ip != null
          ? new GeneralName(GeneralName.iPAddress, new DEROctetString(ip))
          : new GeneralName(GeneralName.dNSName, host.toLowerCase(Locale.ROOT)));
    }
    return names;
  }

  static Set<String> keys(List<String> hosts) {
    Set<String> keys = new TreeSet<>();
    for (String host : hosts) {
      keys.add(key(host));
    }
    return keys;
  }

  /** The normalised SANs of a certificate (DNS and IP names only). */
  static Set<String> keys(X509Certificate certificate) {
    Set<String> keys = new TreeSet<>();
    byte[] extension = certificate.getExtensionValue(Extension.subjectAlternativeName.getId());
    if (extension == null) {
      return keys;
    }
    GeneralNames names = GeneralNames.getInstance(ASN1OctetString.getInstance(extension).getOctets());
    for (GeneralName name : names.getNames()) {
      if (name.getTagNo() == GeneralName.dNSName) {
        keys.add("dns:" + ((ASN1String) name.getName()).getString().toLowerCase(Locale.ROOT));
      } else if (name.getTagNo() == GeneralName.iPAddress) {
        keys.add("ip:" + canonical(ASN1OctetString.getInstance(name.getName()).getOctets()));
      }
    }
    return keys;
  }

  private static String key(String host) {
    byte[] ip = ipLiteral(host);
    if (ip != null) {
      return "ip:" + canonical(ip);
    }
    if (!DNS_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException("public host is neither a DNS name nor an IP literal: '" + host + "'");
    }
    return "dns:" + host.toLowerCase(Locale.ROOT);
  }

  /** The address bytes if the text is an IPv4/IPv6 literal (brackets allowed), else null; never resolves. */
  static byte[] ipLiteral(String host) {
    String text = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    // validated as a literal first: InetAddress.getByName on anything else would query DNS
    if (!IPAddress.isValidIPv4(text) && !(IPAddress.isValidIPv6(text) && text.indexOf('%') < 0)) {
      return null;
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String canonical(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      return "invalid";
    }
  }
}
