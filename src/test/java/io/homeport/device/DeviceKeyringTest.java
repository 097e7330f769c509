package io.homeport.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeviceKeyringTest {
  private final DeviceKeyring keyring = new DeviceKeyring();

  private static Device enrolled(String id, int keyByte, String serial) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) keyByte);
    return new Device(id, null, null, null, DeviceState.ENROLLED, Instant.EPOCH, Instant.EPOCH, null, serial,
        Instant.MAX, key);
  }

  @Test
  @DisplayName("Verifies that the keyring gives each enrolled device its own key and accepts only its current "
      + "certificate serial, in any letter case")
  void keysAndSerials() {
    // given many devices, so that every shard holds several and grows
    for (int i = 0; i < 5_000; i++) {
      keyring.enrolled(enrolled("dev-" + i, i, Integer.toHexString(i * 7919 + 1) + "abcdef"));
    }

    // then each has its key and serial, and nothing else is accepted
    for (int i = 0; i < 5_000; i++) {
      byte[] key = new byte[32];
      Arrays.fill(key, (byte) i);
      String serial = Integer.toHexString(i * 7919 + 1) + "abcdef";
      assertThat(keyring.beaconKey("dev-" + i)).isEqualTo(key);
      assertThat(keyring.acceptsCertificate("dev-" + i, serial)).isTrue();
      assertThat(keyring.acceptsCertificate("dev-" + i, serial.toUpperCase())).isTrue();
      assertThat(keyring.acceptsCertificate("dev-" + i, "0" + serial)).isFalse();
      assertThat(keyring.acceptsCertificate("dev-" + i, serial.substring(1))).isFalse();
    }
    assertThat(keyring.size()).isEqualTo(5_000);
    assertThat(keyring.beaconKey("dev-5000")).isNull();
    assertThat(keyring.acceptsCertificate("dev-5000", "01")).isFalse();
  }

  @Test
  @DisplayName("Verifies that re-enrollment replaces the serial, revocation and deletion void the credentials, "
      + "and the returned key is a copy")
  void changes() {
    // given two enrolled devices, one with a serial that does not pack as hex digits
    keyring.load(List.of(enrolled("a", 1, "0a1b"), enrolled("b", 2, "not-hex:" + "f".repeat(40))), List.of("gone"));

    // when a's key is modified by a caller, a re-enrolls, and b is revoked
    keyring.beaconKey("a")[0] = 99;
    keyring.enrolled(enrolled("a", 3, "0A1C"));
    assertThat(keyring.acceptsCertificate("b", "NOT-HEX:" + "F".repeat(40))).isTrue();
    keyring.revoked("b");

    // then a has its new key and serial only, b nothing and is revoked, the loaded revocation holds
    assertThat(keyring.beaconKey("a")).containsOnly(3);
    assertThat(keyring.acceptsCertificate("a", "0a1b")).isFalse();
    assertThat(keyring.acceptsCertificate("a", "0a1c")).isTrue();
    assertThat(keyring.beaconKey("b")).isNull();
    assertThat(keyring.acceptsCertificate("b", "not-hex:" + "f".repeat(40))).isFalse();
    assertThat(keyring.isRevoked("b")).isTrue();
    assertThat(keyring.isRevoked("gone")).isTrue();

    // and when a is deleted and b removed, neither is known at all
    keyring.removed("a");
    keyring.removed("b");
    assertThat(keyring.beaconKey("a")).isNull();
    assertThat(keyring.isRevoked("b")).isFalse();
    assertThat(keyring.size()).isZero();
  }
}
