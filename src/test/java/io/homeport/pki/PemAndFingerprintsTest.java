package io.homeport.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemAndFingerprintsTest {
  @TempDir
  Path tmp;

  @Test
  @DisplayName("Verifies that a device private key round-trips through PKCS#8 PEM and a traditional EC PEM is read too")
  void privateKeys() throws Exception {
    // given
    KeyPair keys = DeviceKeys.generate();
    // what `openssl ecparam -name prime256v1 -genkey -noout` writes: SEC1 with the curve named inside
    BigInteger d = ((ECPrivateKey) keys.getPrivate()).getS();
    String traditional = Pem.encode("EC PRIVATE KEY",
        new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, X9ObjectIdentifiers.prime256v1).getEncoded());

    // when
    String pkcs8 = Pem.encodePrivateKey(keys.getPrivate());

    // then
    assertThat(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Pem.decodePrivateKey(pkcs8)).isEqualTo(keys.getPrivate());
    assertThat(traditional).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(Crypto.keysMatch(Pem.decodePrivateKey(traditional), keys.getPublic())).isTrue();
    assertThat(keys.getPublic().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  @DisplayName("Verifies that malformed or key-less PEM gives a PkiException that does not quote the input")
  void malformed() {
    assertThatThrownBy(() -> Pem.decodePrivateKey("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(PkiException.class).hasMessageNotContaining("c2VjcmV0");
    assertThatThrownBy(() -> Pem.decodePrivateKey("nothing here")).isInstanceOf(PkiException.class);
    assertThatThrownBy(() -> Pem.decodeCertificates("nothing here")).isInstanceOf(PkiException.class);
  }

  @Test
  @DisplayName("Verifies that the SHA-256 fingerprint is over the DER and its base64url form has no padding and round-trips")
  void fingerprints() throws Exception {
    // given
    var ca = TestCerts.pki(tmp, "localhost").caCertificate();

    // when
    byte[] fingerprint = Fingerprints.sha256(ca);
    String text = Fingerprints.sha256Base64Url(ca);

    // then
    assertThat(fingerprint).isEqualTo(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
    assertThat(text).hasSize(43).doesNotContain("=", "+", "/");
    assertThat(Fingerprints.fromBase64Url(text)).isEqualTo(fingerprint);
    assertThat(Fingerprints.base64Url(new byte[] {(byte) 0xfb, (byte) 0xff})).isEqualTo("-_8");
  }
}
