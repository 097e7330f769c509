package io.homeport.pki;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpkiPinTrustManagerTest {

  @Test
  @DisplayName("Verifies that a server key is trusted when any pin matches its SPKI and refused with PinMismatch otherwise")
  void pins(@TempDir Path dir) throws Exception {
    // given a self-signed identity and its pin
    SelfSignedIdentity identity = SelfSignedIdentity.loadOrCreate(dir.resolve("id"), List.of("localhost"), Clock.systemUTC());
    X509Certificate[] chain = {identity.certificate()};
    String other = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    // when checked against pin lists with and without its pin, then only the matching list trusts it
    assertThatCode(() -> new SpkiPinTrustManager(List.of(other, identity.spkiPin())).checkServerTrusted(chain, "ECDHE_ECDSA"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> new SpkiPinTrustManager(List.of(other)).checkServerTrusted(chain, "ECDHE_ECDSA"))
        .isInstanceOf(SpkiPinTrustManager.PinMismatch.class);
    // and unusable pin lists are refused when built
    assertThatThrownBy(() -> new SpkiPinTrustManager(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpkiPinTrustManager(List.of("AAAA"))).isInstanceOf(IllegalArgumentException.class);
  }
}
