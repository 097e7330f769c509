package io.homeport.echonet;

import static io.homeport.echonet.EchonetTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.echonet.EchonetClasses.GeneralLighting;
import io.homeport.echonet.EchonetClasses.HomeAirConditioner;
import io.homeport.echonet.EchonetClasses.RiceCooker;
import io.homeport.echonet.EchonetFrame.Property;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** JSON-friendly values to EDT and back, with the ranges the Appendix gives. */
class PropertySpecTest {

  static void assertRefused(PropertySpec p, Object value, String messagePart) {
    assertThatThrownBy(() -> p.encode(value))
        .isInstanceOfSatisfying(EchonetValueException.class, e -> {
          assertThat(e.property()).isEqualTo(p.name());
          assertThat(e.getMessage()).startsWith(p.name() + ": ").contains(messagePart);
        });
  }

  @Test
  @DisplayName("Verifies that operation status maps on/off (and true/false) to 0x30/0x31 and back")
  void operationStatus() {
    // given
    PropertySpec p = EchonetClasses.OPERATION_STATUS;

    // then
    assertThat(p.epc()).isEqualTo(0x80);
    assertThat(p.encode("on")).containsExactly(0x30);
    assertThat(p.encode("OFF")).containsExactly(0x31);
    assertThat(p.encode(true)).containsExactly(0x30);
    assertThat(p.encode(false)).containsExactly(0x31);
    assertThat(p.decode(hex("30"))).isEqualTo("on");
    assertThat(p.decode(hex("31"))).isEqualTo("off");
    assertThat(p.set("on")).isEqualTo(Property.ofByte(0x80, 0x30));
    assertThat(p.get()).isEqualTo(Property.request(0x80));
    assertRefused(p, "dim", "is not one of [on, off]");
    assertRefused(p, 1, "is not one of [on, off]");
    assertRefused(p, null, "a value is required");
    assertThatThrownBy(() -> p.decode(hex("32"))).isInstanceOf(EchonetValueException.class);
    assertThatThrownBy(() -> p.decode(hex(""))).isInstanceOf(EchonetValueException.class);
    assertThatThrownBy(() -> p.decode(hex("30 30"))).isInstanceOf(EchonetValueException.class);
  }

  @Test
  @DisplayName("Verifies that the air conditioner's operation mode maps auto/cool/heat/dry/fan to 0x41..0x45 and reports 0x40 as other")
  void operationMode() {
    // given
    PropertySpec p = HomeAirConditioner.OPERATION_MODE;

    // then
    assertThat(p.epc()).isEqualTo(0xB0);
    assertThat(p.allowedNames()).containsExactly("auto", "cool", "heat", "dry", "fan");
    int code = 0x41;
    for (String mode : p.allowedNames()) {
      assertThat(p.encode(mode)).containsExactly(code);
      assertThat(p.decode(new byte[] {(byte) code})).isEqualTo(mode);
      assertThat(p.checkSet(new byte[] {(byte) code})).isEmpty();
      code++;
    }
    assertThat(p.decode(hex("40"))).isEqualTo("other");
    assertRefused(p, "other", "is not one of [auto, cool, heat, dry, fan]");
    assertThat(p.checkSet(hex("40"))).isPresent();
    assertThat(p.checkSet(hex("46"))).isPresent();
    assertThatThrownBy(() -> p.decode(hex("46"))).isInstanceOf(EchonetValueException.class);
  }

  @Test
  @DisplayName("Verifies that the set temperature accepts 0..50 °C as whole numbers and reports 0xFD as undefined")
  void setTemperature() {
    // given
    PropertySpec p = HomeAirConditioner.SET_TEMPERATURE;

    // then
    assertThat(p.epc()).isEqualTo(0xB3);
    assertThat(p.range()).contains("0..50");
    assertThat(p.unit()).contains("Celsius");
    assertThat(p.encode(0)).containsExactly(0);
    assertThat(p.encode(26)).containsExactly(0x1A);
    assertThat(p.encode(50)).containsExactly(0x32);
    assertThat(p.encode(26L)).containsExactly(0x1A);
    assertThat(p.encode(26.0)).containsExactly(0x1A);
    assertThat(p.encode(new BigDecimal("2.6E+1"))).containsExactly(0x1A);
    assertThat(p.encode(BigInteger.valueOf(26))).containsExactly(0x1A);
    assertRefused(p, 51, "51 is out of range 0..50 (Celsius)");
    assertRefused(p, 60, "60 is out of range 0..50 (Celsius)");
    assertRefused(p, -1, "out of range");
    assertRefused(p, 256, "out of range");
    assertRefused(p, Long.MAX_VALUE, "out of range");
    assertRefused(p, new BigInteger("100000000000000000000000"), "out of range");
    assertRefused(p, 26.5, "is not a whole number");
    assertRefused(p, Double.NaN, "is not a number");
    assertRefused(p, "26", "is not a number");
    assertThat(p.decode(hex("00"))).isEqualTo(0);
    assertThat(p.decode(hex("32"))).isEqualTo(50);
    assertThat(p.decode(hex("FD"))).isEqualTo("undefined");
    assertThatThrownBy(() -> p.decode(hex("33"))).isInstanceOf(EchonetValueException.class)
        .hasMessageContaining("0x33");
    assertThat(p.checkSet(hex("32"))).isEmpty();
    assertThat(p.checkSet(hex("33"))).isPresent();
    assertThat(p.checkSet(hex("3C"))).isPresent();
    assertThat(p.checkSet(hex("FD"))).isPresent();
    assertThat(p.checkSet(hex("1A 1A"))).isPresent();
  }

  @Test
  @DisplayName("Verifies that the room temperature is a signed byte -127..125 °C, 0x7E unmeasurable, and read-only")
  void roomTemperature() {
    // given
    PropertySpec p = HomeAirConditioner.ROOM_TEMPERATURE;

    // then
    assertThat(p.epc()).isEqualTo(0xBB);
    assertThat(p.settable()).isFalse();
    assertThat(p.decode(hex("18"))).isEqualTo(24);
    assertThat(p.decode(hex("7D"))).isEqualTo(125);
    assertThat(p.decode(hex("81"))).isEqualTo(-127);
    assertThat(p.decode(hex("FB"))).isEqualTo(-5);
    assertThat(p.decode(hex("7E"))).isEqualTo("unmeasurable");
    assertThatThrownBy(() -> p.decode(hex("7F"))).isInstanceOf(EchonetValueException.class);
    assertThatThrownBy(() -> p.decode(hex("80"))).isInstanceOf(EchonetValueException.class);
    assertRefused(p, 20, "is read-only");
    assertThat(p.checkSet(hex("18"))).contains("roomTemperature is read-only");
  }

  @Test
  @DisplayName("Verifies that a signed range helper encodes negative values as two's complement and checks its range")
  void signedEncode() {
    // given
    PropertySpec p = PropertySpec.signedByte(0xF0, "offset", PropertySpec.Access.READ_WRITE, -10, 10, null,
        PropertySpec.ordered(0x7E, "unknown"));

    // then
    assertThat(p.encode(-10)).containsExactly(0xF6);
    assertThat(p.encode(10)).containsExactly(0x0A);
    assertRefused(p, -11, "out of range -10..10");
    assertThat(p.checkSet(hex("F6"))).isEmpty();
    assertThat(p.checkSet(hex("F5"))).isPresent();
    assertThat(p.decode(hex("7E"))).isEqualTo("unknown");
    assertThatThrownBy(() -> PropertySpec.signedByte(0xF0, "x", PropertySpec.Access.READ_ONLY, -129, 0, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PropertySpec.unsignedByte(0xF0, "x", PropertySpec.Access.READ_ONLY, 0, 256, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Verifies that the lighting illuminance level accepts 0..100 %")
  void illuminanceLevel() {
    // given
    PropertySpec p = GeneralLighting.ILLUMINANCE_LEVEL;

    // then
    assertThat(p.epc()).isEqualTo(0xB0);
    assertThat(p.encode(0)).containsExactly(0);
    assertThat(p.encode(100)).containsExactly(0x64);
    assertRefused(p, 101, "101 is out of range 0..100 (%)");
    assertThat(p.decode(hex("64"))).isEqualTo(100);
    assertThatThrownBy(() -> p.decode(hex("65"))).isInstanceOf(EchonetValueException.class);
    assertThat(p.checkSet(hex("65"))).isPresent();
  }

  @Test
  @DisplayName("Verifies that the rice cooker's cover and cooking status are read-only states and cooking control is start/suspend")
  void riceCooker() {
    // given the rice cooker's properties; when encoding and decoding; then
    assertThat(RiceCooker.COVER_STATUS.epc()).isEqualTo(0xB0);
    assertThat(RiceCooker.COVER_STATUS.decode(hex("41"))).isEqualTo("open");
    assertThat(RiceCooker.COVER_STATUS.decode(hex("42"))).isEqualTo("closed");
    assertRefused(RiceCooker.COVER_STATUS, "open", "is read-only");

    assertThat(RiceCooker.COOKING_STATUS.epc()).isEqualTo(0xB1);
    assertThat(List.of("41", "42", "43", "44", "45")).map(h -> RiceCooker.COOKING_STATUS.decode(hex(h)))
        .containsExactly("stop", "preheating", "cooking", "steaming", "complete");
    assertThat(RiceCooker.COOKING_STATUS.settable()).isFalse();

    assertThat(RiceCooker.COOKING_CONTROL.epc()).isEqualTo(0xB2);
    assertThat(RiceCooker.COOKING_CONTROL.encode("start")).containsExactly(0x41);
    assertThat(RiceCooker.COOKING_CONTROL.encode("suspend")).containsExactly(0x42);
    assertRefused(RiceCooker.COOKING_CONTROL, "pause", "is not one of [start, suspend]");

    assertThat(RiceCooker.WARMER_SETTING.epc()).isEqualTo(0xE1);
    assertThat(RiceCooker.WARMER_SETTING.encode("disabled")).containsExactly(0x42);
  }

  @Test
  @DisplayName("Verifies that the class registry knows exactly the three supported classes by code and by name")
  void registry() {
    // given the registry; when looking classes and properties up; then
    assertThat(EchonetClasses.all()).extracting(EchonetClassSpec::eojClass).containsExactly(0x0130, 0x0290, 0x03BB);
    assertThat(EchonetClasses.byClass(0x0130)).contains(HomeAirConditioner.SPEC);
    assertThat(EchonetClasses.byName("riceCooker")).contains(RiceCooker.SPEC);
    assertThat(EchonetClasses.byClass(0x0131)).isEmpty();
    assertThat(HomeAirConditioner.SPEC.property("setTemperature")).contains(HomeAirConditioner.SET_TEMPERATURE);
    assertThat(HomeAirConditioner.SPEC.property(0xBB)).contains(HomeAirConditioner.ROOM_TEMPERATURE);
    assertThat(GeneralLighting.SPEC.instance(1)).isEqualTo(EchonetObject.of(0x029001));
    assertThat(HomeAirConditioner.SPEC.toString()).isEqualTo("homeAirConditioner(0x0130)");
    assertThatThrownBy(() -> new EchonetClassSpec(0x0130, "dup",
        List.of(HomeAirConditioner.OPERATION_MODE, GeneralLighting.ILLUMINANCE_LEVEL)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Verifies that property maps list fewer than 16 EPCs directly and 16 or more as a bitmap, both round-tripping")
  void propertyMaps() {
    // given
    Set<Integer> few = Set.of(0x80, 0x9F, 0xB0, 0xB3);
    Set<Integer> many = new TreeSet<>();
    for (int epc = 0x80; epc < 0x80 + 20; epc++) {
      many.add(epc);
    }
    many.add(0xFF);

    // when
    byte[] listed = PropertyMap.encode(few);
    byte[] bitmap = PropertyMap.encode(many);

    // then
    assertThat(listed).isEqualTo(hex("04 80 9F B0 B3"));
    assertThat(bitmap).hasSize(17);
    assertThat(bitmap[0]).isEqualTo((byte) 21);
    assertThat(bitmap[1]).isEqualTo((byte) 0x03); // 0x80 (bit 0) and 0x90 (bit 1) share byte 1
    assertThat(bitmap[16] & 0x80).isEqualTo(0x80); // 0xFF: byte 1 + 15, bit 7
    assertThat(PropertyMap.decode(listed)).isEqualTo(few);
    assertThat(PropertyMap.decode(bitmap)).isEqualTo(many);
    assertThatThrownBy(() -> PropertyMap.decode(hex("03 80 81"))).isInstanceOf(EchonetValueException.class);
    assertThatThrownBy(() -> PropertyMap.decode(hex(""))).isInstanceOf(EchonetValueException.class);
    assertThatThrownBy(() -> PropertyMap.encode(Set.of(0x7F))).isInstanceOf(IllegalArgumentException.class);
  }
}
