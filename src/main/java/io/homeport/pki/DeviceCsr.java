package io.homeport.pki;

import java.io.IOException;
import java.io.StringReader;
import java.security.KeyPair;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A device's PKCS#10 certificate signing request, checked: it is the one CSR in a PEM text, its
 * signature proves possession of the key, its subject has exactly one CN (the device id), and its
 * key is EC P-256 or RSA of 2048 to 4096 bits, signed with SHA-256/384/512.
 *
 * <p>Only the CN and the public key are used for the certificate; any other subject attributes
 * and requested extensions are ignored, never copied.
 */
public final class DeviceCsr {
  /** Input limit, checked before parsing: a P-256 CSR is about 400 characters, RSA 4096 under 2 KiB. */
  public static final int MAX_PEM_CHARS = 16 * 1024;

  static final String TOO_LARGE = "CSR is larger than " + MAX_PEM_CHARS + " characters";
  static final String NOT_A_CSR = "not a PEM-encoded PKCS#10 certificate request";
  static final String BAD_KEY = "CSR key must be EC P-256 or RSA of 2048 to 4096 bits";
  static final String BAD_SIGNATURE_ALGORITHM = "CSR signature algorithm must be ECDSA or RSA with SHA-256/384/512";
  static final String BAD_SIGNATURE = "CSR signature is invalid (no proof of possession of the key)";
  static final String BAD_SUBJECT = "CSR subject must contain exactly one non-empty CN";

  private static final Set<ASN1ObjectIdentifier> SIGNATURE_ALGORITHMS = Set.of(
      X9ObjectIdentifiers.ecdsa_with_SHA256,
      X9ObjectIdentifiers.ecdsa_with_SHA384,
      X9ObjectIdentifiers.ecdsa_with_SHA512,
      PKCSObjectIdentifiers.sha256WithRSAEncryption,
      PKCSObjectIdentifiers.sha384WithRSAEncryption,
      PKCSObjectIdentifiers.sha512WithRSAEncryption);

  /**
   * Checks CSR signatures. Verification is a public-key operation on public data, so there is no secret
   * to leak through timing, and BouncyCastle's P-256 verification is about four times faster than the
   * JDK 17 one: at hundreds of enrollments a second it was the largest single cost. Used as an instance,
   * never registered, so nothing else in the process changes provider.
   */
  private static final Provider VERIFYING_PROVIDER = new BouncyCastleProvider();

  private final String commonName;
  private final PublicKey publicKey;

  private DeviceCsr(String commonName, PublicKey publicKey) {
    this.commonName = commonName;
    this.publicKey = publicKey;
  }

  /** The subject CN: the device id the certificate will carry. */
  public String commonName() {
    return commonName;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Parses and checks a CSR received from a device. */
  public static DeviceCsr parsePem(String pem) {
    if (pem == null) {
      throw new InvalidCsrException(NOT_A_CSR);
    }
    if (pem.length() > MAX_PEM_CHARS) {
      throw new InvalidCsrException(TOO_LARGE);
    }
    PKCS10CertificationRequest request = readRequest(pem);
    SubjectPublicKeyInfo keyInfo = request.getSubjectPublicKeyInfo();
    PublicKey publicKey = checkedKey(keyInfo);
    if (!SIGNATURE_ALGORITHMS.contains(request.getSignatureAlgorithm().getAlgorithm())) {
      throw new InvalidCsrException(BAD_SIGNATURE_ALGORITHM);
    }
    boolean signatureValid;
    try {
      signatureValid = request.isSignatureValid(
          new JcaContentVerifierProviderBuilder().setProvider(VERIFYING_PROVIDER).build(publicKey));
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      signatureValid = false;
    }
    if (!signatureValid) {
      throw new InvalidCsrException(BAD_SIGNATURE);
    }
    String cn = DeviceIdentity.singleCommonName(request.getSubject());
    if (cn == null) {
      throw new InvalidCsrException(BAD_SUBJECT);
    }
    return new DeviceCsr(cn, publicKey);
  }

  /** Device side: a CSR for the key pair with subject {@code CN=deviceId}, as PEM. */
  public static String create(KeyPair keyPair, String deviceId) {
    Objects.requireNonNull(keyPair, "keyPair");
    if (deviceId == null || deviceId.isBlank()) {
      throw new IllegalArgumentException("deviceId must not be blank");
    }
    // built attribute by attribute, so a device id containing ',' or '=' cannot inject name parts
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, deviceId).build();
    PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(subject, keyPair.getPublic())
        .build(Crypto.signer(keyPair.getPrivate()));
    try {
      return Pem.encode("CERTIFICATE REQUEST", request.getEncoded());
    } catch (IOException e) {
      throw new PkiException("cannot encode CSR", e);
    }
  }

  private static PKCS10CertificationRequest readRequest(String pem) {
    Object object;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      object = parser.readObject();
    } catch (IOException | RuntimeException e) {
      // truncated armour, bad base64 or broken DER inside it
      throw new InvalidCsrException(NOT_A_CSR, e);
    }
    if (object instanceof PKCS10CertificationRequest request) {
      return request;
    }
    throw new InvalidCsrException(NOT_A_CSR);
  }

  private static PublicKey checkedKey(SubjectPublicKeyInfo keyInfo) {
    ASN1ObjectIdentifier algorithm = keyInfo.getAlgorithm().getAlgorithm();
    boolean ec = X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm);
    boolean rsa = PKCSObjectIdentifiers.rsaEncryption.equals(algorithm);
    if (ec && !X9ObjectIdentifiers.prime256v1.equals(keyInfo.getAlgorithm().getParameters())) {
      throw new InvalidCsrException(BAD_KEY);
    }
    if (!ec && !rsa) {
      throw new InvalidCsrException(BAD_KEY);
    }
    PublicKey key;
    try {
      key = new JcaPEMKeyConverter().getPublicKey(keyInfo);
    } catch (IOException | RuntimeException e) {
      throw new InvalidCsrException(BAD_KEY, e);
    }
    if (rsa) {
      int bits = ((RSAPublicKey) key).getModulus().bitLength();
      if (bits < 2048 || bits > 4096) {
        throw new InvalidCsrException(BAD_KEY);
      }
    }
    return key;
  }

  @Override
  public String toString() {
    return "DeviceCsr[cn=" + commonName + ", key=" + publicKey.getAlgorithm() + "]";
  }
}
