package io.homeport.pki;

import java.security.cert.X509Certificate;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Who a device certificate speaks for: the device id (the subject CN, the only place the device
 * channel takes it from) and the certificate serial as lowercase hex.
 */
public record DeviceIdentity(String deviceId, String serialHex) {
  public DeviceIdentity {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(serialHex, "serialHex");
  }

  /** Reads the identity of a (verified) device certificate; {@link IllegalArgumentException} if it has no single CN. */
  public static DeviceIdentity from(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    String cn = singleCommonName(subject);
    if (cn == null) {
      throw new IllegalArgumentException("certificate subject does not have exactly one CN");
    }
    return new DeviceIdentity(cn, serialHex(certificate));
  }

  /** Serial as lowercase hex without leading zeros, the form stored with the device. */
  public static String serialHex(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }

  /** The one CN string of a name, or null if there is none, more than one, or it is empty or not a string. */
  static String singleCommonName(X500Name name) {
    String found = null;
    int count = 0;
    for (RDN rdn : name.getRDNs()) {
      // multi-valued RDNs count too: "CN=a+CN=b" is two CNs
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        if (BCStyle.CN.equals(atv.getType())) {
          count++;
          found = atv.getValue() instanceof ASN1String s ? s.getString() : null;
        }
      }
    }
    return count == 1 && found != null && !found.isBlank() ? found : null;
  }
}
