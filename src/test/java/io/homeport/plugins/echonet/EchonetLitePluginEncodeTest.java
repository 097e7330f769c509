package io.homeport.plugins.echonet;

import static io.homeport.plugins.echonet.ElTestSupport.ADDRESS;
import static io.homeport.plugins.echonet.ElTestSupport.AIRCON;
import static io.homeport.plugins.echonet.ElTestSupport.LIGHTING;
import static io.homeport.plugins.echonet.ElTestSupport.RICE_COOKER;
import static io.homeport.plugins.echonet.ElTestSupport.airconOnCool26;
import static io.homeport.plugins.echonet.ElTestSupport.get;
import static io.homeport.plugins.echonet.ElTestSupport.hex;
import static io.homeport.plugins.echonet.ElTestSupport.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.plugin.spi.ActionSpec;
import io.homeport.plugin.spi.ApplianceType;
import io.homeport.plugin.spi.EncodedCommand;
import io.homeport.plugin.spi.InvalidCommandException;
import io.homeport.plugin.spi.ParamSpec;
import io.homeport.plugin.spi.ParamType;
import io.homeport.plugin.spi.PluginCommand;
import io.homeport.plugin.spi.PluginDescriptor;
import io.homeport.plugin.spi.SpiVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The descriptor, validation and encoding of commands into frames. */
class EchonetLitePluginEncodeTest {

  final EchonetLitePlugin plugin = new EchonetLitePlugin();

  static void assertRefused(ThrowingCallable call, String parameter, String... messageParts) {
    assertThatThrownBy(call).isInstanceOfSatisfying(InvalidCommandException.class, e -> {
      assertThat(e.parameter()).as("parameter").isEqualTo(parameter);
      if (messageParts.length > 0) {
        assertThat(e.getMessage()).contains(messageParts);
      }
    });
  }

  @Test
  @DisplayName("Verifies that the descriptor declares echonet-lite 1.0.0 with the three appliance types and their set/get parameters")
  void descriptor() {
    // when
    PluginDescriptor d = plugin.descriptor();

    // then
    assertThat(d.id()).isEqualTo("echonet-lite");
    assertThat(d.version()).isEqualTo("1.0.0");
    assertThat(d.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    assertThat(d.applianceTypes()).extracting(ApplianceType::name)
        .containsExactly(AIRCON, LIGHTING, RICE_COOKER);
    ApplianceType aircon = d.applianceType(AIRCON).orElseThrow();
    assertThat(aircon.actions()).extracting(ActionSpec::name).containsExactly("set", "get");
    List<ParamSpec> setParams = aircon.action("set").orElseThrow().params();
    assertThat(setParams).extracting(ParamSpec::name).containsExactly("operation", "mode", "temperature");
    assertThat(setParams).noneMatch(ParamSpec::required);
    assertThat(setParams.get(0).type()).isEqualTo(ParamType.ENUM);
    assertThat(setParams.get(0).allowed()).containsExactly("on", "off");
    assertThat(setParams.get(1).allowed()).containsExactly("auto", "cool", "heat", "dry", "fan");
    assertThat(setParams.get(2).type()).isEqualTo(ParamType.INTEGER);
    assertThat(setParams.get(2).min()).isEqualTo(0.0);
    assertThat(setParams.get(2).max()).isEqualTo(50.0);
    ParamSpec properties = aircon.action("get").orElseThrow().params().get(0);
    assertThat(properties.name()).isEqualTo("properties");
    assertThat(properties.type()).isEqualTo(ParamType.ENUM_LIST);
    assertThat(properties.required()).isFalse();
    assertThat(properties.allowed()).containsExactly("operation", "mode", "temperature", "roomTemperature");

    ApplianceType lighting = d.applianceType(LIGHTING).orElseThrow();
    assertThat(lighting.action("set").orElseThrow().params()).extracting(ParamSpec::name)
        .containsExactly("operation", "brightness");
    ParamSpec brightness = lighting.action("set").orElseThrow().params().get(1);
    assertThat(brightness.min()).isEqualTo(0.0);
    assertThat(brightness.max()).isEqualTo(100.0);
    assertThat(lighting.action("get").orElseThrow().params().get(0).allowed()).containsExactly("operation", "brightness");

    ApplianceType rice = d.applianceType(RICE_COOKER).orElseThrow();
    List<ParamSpec> riceSet = rice.action("set").orElseThrow().params();
    assertThat(riceSet).extracting(ParamSpec::name).containsExactly("operation", "cooking", "warmer");
    assertThat(riceSet.get(1).allowed()).containsExactly("start", "suspend");
    assertThat(riceSet.get(2).allowed()).containsExactly("enabled", "disabled");
    assertThat(rice.action("get").orElseThrow().params().get(0).allowed())
        .containsExactly("operation", "cover", "cookingStatus", "cooking", "warmer");
  }

  @Test
  @DisplayName("Verifies that \"air conditioner on, cool, 26 °C\" encodes to the exact SetC frame")
  void airconSetBytes() throws Exception {
    // given a fresh plugin (first TID 1) and the command
    PluginCommand command = airconOnCool26();
    plugin.validate(command);

    // when
    EncodedCommand encoded = plugin.encode(command);

    // then: written out byte by byte from the ECHONET Lite specification
    byte[] expected = {
        0x10, (byte) 0x81, // EHD1 ECHONET Lite, EHD2 format 1
        0x00, 0x01, // TID 1
        0x05, (byte) 0xFF, 0x01, // SEOJ controller
        0x01, 0x30, 0x01, // DEOJ home air conditioner, instance 1
        0x61, // ESV SetC
        0x03, // OPC
        (byte) 0x80, 0x01, 0x30, // operation status: on
        (byte) 0xB0, 0x01, 0x42, // operation mode: cooling
        (byte) 0xB3, 0x01, 0x1A}; // set temperature: 26 °C
    assertThat(hex(encoded.payload())).isEqualTo(hex(expected));
    assertThat(encoded.contentType()).isEqualTo("application/x-echonet-lite");
  }

  @Test
  @DisplayName("Verifies that set lists its properties in a stable order and addresses the instance, whatever the parameter order")
  void stableOrderAndInstance() throws Exception {
    // given the same values in another order, for instance 3 on another port
    Map<String, Object> params = new java.util.LinkedHashMap<>();
    params.put("temperature", 20L);
    params.put("operation", "off");
    PluginCommand command = new PluginCommand(AIRCON, "10.0.0.7:3611#3", "set", params);

    // when
    byte[] bytes = plugin.encode(command).payload();

    // then
    assertThat(hex(bytes)).isEqualTo("10 81 00 01 05 FF 01 01 30 03 61 02 80 01 31 B3 01 14");
  }

  @Test
  @DisplayName("Verifies that get encodes a Get frame for the requested properties, or all readable ones by default")
  void getFrames() throws Exception {
    // when a Get for everything, then one for two properties given out of order and repeated
    byte[] all = plugin.encode(get(AIRCON, Map.of())).payload();
    byte[] some = plugin.encode(get(AIRCON, Map.of("properties", List.of("roomTemperature", "operation",
        "operation")))).payload();
    byte[] lighting = plugin.encode(new PluginCommand(LIGHTING, "192.168.1.51#2", "get", Map.of())).payload();
    byte[] rice = plugin.encode(get(RICE_COOKER, Map.of())).payload();

    // then
    assertThat(hex(all)).isEqualTo("10 81 00 01 05 FF 01 01 30 01 62 04 80 00 B0 00 B3 00 BB 00");
    assertThat(hex(some)).isEqualTo("10 81 00 02 05 FF 01 01 30 01 62 02 80 00 BB 00");
    assertThat(hex(lighting)).isEqualTo("10 81 00 03 05 FF 01 02 90 02 62 02 80 00 B0 00");
    assertThat(hex(rice)).isEqualTo("10 81 00 04 05 FF 01 03 BB 01 62 05 80 00 B0 00 B1 00 B2 00 E1 00");
  }

  @Test
  @DisplayName("Verifies that lighting and rice cooker set commands encode their EPCs and values")
  void otherTypes() throws Exception {
    // when
    byte[] lighting = plugin.encode(set(LIGHTING, Map.of("operation", "on", "brightness", 40L))).payload();
    byte[] rice = plugin.encode(set(RICE_COOKER, Map.of("cooking", "start", "warmer", "disabled"))).payload();

    // then
    assertThat(hex(lighting)).isEqualTo("10 81 00 01 05 FF 01 02 90 01 61 02 80 01 30 B0 01 28");
    assertThat(hex(rice)).isEqualTo("10 81 00 02 05 FF 01 03 BB 01 61 02 B2 01 41 E1 01 42");
  }

  @Test
  @DisplayName("Verifies that 60 °C is refused naming the parameter temperature, by validate and by encode")
  void temperatureOutOfRange() {
    // given
    PluginCommand command = set(AIRCON, Map.of("operation", "on", "temperature", 60L));

    // when / then
    assertRefused(() -> plugin.validate(command), "temperature", "0", "50", "60");
    assertRefused(() -> plugin.encode(command), "temperature", "0", "50", "60");
    assertRefused(() -> plugin.validate(set(AIRCON, Map.of("temperature", -1L))), "temperature");
    assertRefused(() -> plugin.validate(set(AIRCON, Map.of("temperature", 25.5))), "temperature");
    assertRefused(() -> plugin.validate(set(LIGHTING, Map.of("brightness", 101L))), "brightness", "100");
  }

  @Test
  @DisplayName("Verifies that an unknown mode, a mistyped value and an unknown parameter are refused naming the parameter")
  void unknownValues() {
    assertRefused(() -> plugin.validate(set(AIRCON, Map.of("mode", "turbo"))), "mode", "turbo", "cool");
    assertRefused(() -> plugin.validate(set(AIRCON, Map.of("operation", true))), "operation");
    assertRefused(() -> plugin.validate(set(AIRCON, Map.of("temperature", "26"))), "temperature");
    assertRefused(() -> plugin.validate(set(AIRCON, Map.of("roomTemperature", 20L))), "roomTemperature",
        "no parameter");
    assertRefused(() -> plugin.validate(set(RICE_COOKER, Map.of("cooking", "boil"))), "cooking", "start");
    assertRefused(() -> plugin.validate(get(AIRCON, Map.of("properties", List.of("brightness")))), "properties");
    assertRefused(() -> plugin.validate(get(AIRCON, Map.of("properties", List.of()))), "properties");
  }

  @Test
  @DisplayName("Verifies that a set without parameters is refused as a whole, with a clear message")
  void emptySet() {
    assertRefused(() -> plugin.validate(set(AIRCON, Map.of())), null, "at least one", "operation", "mode",
        "temperature");
    assertRefused(() -> plugin.encode(set(LIGHTING, Map.of())), null, "at least one", "brightness");
  }

  @Test
  @DisplayName("Verifies that unknown appliance types and actions are refused without a parameter")
  void unknownTypeOrAction() {
    assertRefused(() -> plugin.validate(set("toaster", Map.of("operation", "on"))), null, "toaster");
    assertRefused(() -> plugin.validate(new PluginCommand(AIRCON, ADDRESS, "reboot", Map.of())), null, "reboot");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "192.168.1", "192.168.1.256", "192.168.01.5", "kitchen.local", "fe80::1",
      "[fe80::1", "[fe80::zz]", "192.168.1.50:0", "192.168.1.50:70000", "192.168.1.50:", "192.168.1.50#0",
      "192.168.1.50#128", "192.168.1.50#", "192.168.1.50#x", "#1", "[::1]x", "192.168.1.50:3610:1"})
  @DisplayName("Verifies that malformed appliance addresses are refused naming appliance.address")
  void badAddresses(String address) {
    // given a valid command at a bad address
    PluginCommand command = new PluginCommand(AIRCON, address, "set", Map.of("operation", "on"));
    // when / then
    assertRefused(() -> plugin.validate(command), "appliance.address", "appliance address");
    assertRefused(() -> plugin.encode(command), "appliance.address", "appliance address");
  }

  @Test
  @DisplayName("Verifies that a missing appliance address is refused naming appliance.address")
  void missingAddress() {
    assertRefused(() -> plugin.validate(new PluginCommand(AIRCON, null, "get", Map.of())), "appliance.address",
        "missing");
  }

  @Test
  @DisplayName("Verifies that validate does not use up TIDs and TIDs wrap from 65535 to 1, skipping 0")
  void tidWraps() throws Exception {
    // given a plugin about to hand out the last TID
    EchonetLitePlugin nearEnd = new EchonetLitePlugin(0xFFFE);
    PluginCommand command = get(LIGHTING, Map.of());

    // when
    nearEnd.validate(command);
    List<Integer> tids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] b = nearEnd.encode(command).payload();
      tids.add((b[2] & 0xFF) << 8 | b[3] & 0xFF);
    }

    // then
    assertThat(tids).containsExactly(0xFFFE, 0xFFFF, 1, 2);
  }

  @Test
  @DisplayName("Verifies that concurrent encodes get distinct TIDs")
  void concurrentTids() throws Exception {
    // given
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    try {
      // when 8 threads encode 500 commands each
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            byte[] b = plugin.encode(airconOnCool26()).payload();
            seen.add((b[2] & 0xFF) << 8 | b[3] & 0xFF);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    // then
    assertThat(seen).hasSize(4000);
    assertThat(new HashSet<>(seen)).doesNotContain(0);
  }
}
