package io.homeport.plugins.echonet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The appliance address format {@code <IPv4 or [IPv6]>[:port][#instance]}. */
class ApplianceAddressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "192.168.1.50             | 192.168.1.50  | 3610  | 1   | 192.168.1.50:3610#1",
      "192.168.1.50#2           | 192.168.1.50  | 3610  | 2   | 192.168.1.50:3610#2",
      "192.168.1.50:3611        | 192.168.1.50  | 3611  | 1   | 192.168.1.50:3611#1",
      "10.0.0.1:65535#127       | 10.0.0.1      | 65535 | 127 | 10.0.0.1:65535#127",
      "0.0.0.0:1#1              | 0.0.0.0       | 1     | 1   | 0.0.0.0:1#1",
      "[fe80::1]:3610#1         | fe80::1       | 3610  | 1   | [fe80::1]:3610#1",
      "[fe80::1]                | fe80::1       | 3610  | 1   | [fe80::1]:3610#1",
      "[::1]#5                  | ::1           | 3610  | 5   | [::1]:3610#5",
      "[fe80::1%eth0]#3         | fe80::1%eth0  | 3610  | 3   | [fe80::1%eth0]:3610#3",
      "[2001:db8:0:0:0:0:0:1]:9 | 2001:db8:0:0:0:0:0:1 | 9 | 1 | [2001:db8:0:0:0:0:0:1]:9#1",
      "[::ffff:192.168.1.50]    | ::ffff:192.168.1.50 | 3610 | 1 | [::ffff:192.168.1.50]:3610#1",
      "'  192.168.1.50#4 '      | 192.168.1.50  | 3610  | 4   | 192.168.1.50:3610#4"})
  @DisplayName("Verifies that well-formed addresses parse into host, port and instance, with the defaults, and print back in full")
  void parses(String text, String host, int port, int instance, String full) {
    // when
    ApplianceAddress a = ApplianceAddress.parse(text);

    // then
    assertThat(a.host()).isEqualTo(host);
    assertThat(a.port()).isEqualTo(port);
    assertThat(a.instance()).isEqualTo(instance);
    assertThat(a).hasToString(full);
    assertThat(ApplianceAddress.parse(a.toString())).isEqualTo(a);
    assertThat(a.isIpv6()).isEqualTo(host.contains(":"));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @NullSource
  @ValueSource(strings = {"", " ", "192.168.1", "192.168.1.50.1", "192.168.1.256", "192.168.01.5", "1.2.3.-4",
      "kitchen.local", "localhost", "fe80::1", "[fe80::1", "fe80::1]", "[fe80::zz]", "[fe80:::1]", "[1::2::3]",
      "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7]", "[12345::1]", "[1.2.3.4::]", "[::1%]", "[::1%a b]", "[192.168.1.50]",
      "[]", "192.168.1.50:0", "192.168.1.50:70000", "192.168.1.50:", "192.168.1.50:+1", "192.168.1.50:0x10",
      "192.168.1.50#0", "192.168.1.50#128", "192.168.1.50#", "192.168.1.50#x", "192.168.1.50#1#2", "192.168.1.50#-1",
      "#1", ":3610", "[::1]x", "[::1]:", "192.168.1.50:3610:1", "192.168.1.50 #1", "１９２.168.1.50"})
  @DisplayName("Verifies that malformed addresses are refused with IllegalArgumentException")
  void refuses(String text) {
    assertThatThrownBy(() -> ApplianceAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("null");
  }

  @Test
  @DisplayName("Verifies that the messages say what is wrong")
  void messages() {
    assertThatThrownBy(() -> ApplianceAddress.parse(null)).hasMessageContaining("missing");
    assertThatThrownBy(() -> ApplianceAddress.parse("fe80::1")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> ApplianceAddress.parse("kitchen.local")).hasMessageContaining("not an IPv4 address");
    assertThatThrownBy(() -> ApplianceAddress.parse("10.0.0.1#200")).hasMessageContaining("instance must be 1..127");
    assertThatThrownBy(() -> ApplianceAddress.parse("10.0.0.1:0")).hasMessageContaining("port must be 1..65535");
  }

  @Test
  @DisplayName("Verifies that the constructor checks its parts like parse does")
  void constructor() {
    assertThat(new ApplianceAddress("10.0.0.1", 3610, 1)).isEqualTo(ApplianceAddress.parse("10.0.0.1"));
    assertThatThrownBy(() -> new ApplianceAddress("[::1]", 3610, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ApplianceAddress("10.0.0.1", 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ApplianceAddress("10.0.0.1", 3610, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Verifies that the socket address is built from the literal without a name lookup")
  void socketAddress() throws Exception {
    InetSocketAddress v4 = ApplianceAddress.parse("192.168.1.50:3611#2").toSocketAddress();
    InetSocketAddress v6 = ApplianceAddress.parse("[::1]").toSocketAddress();
    assertThat(v4.isUnresolved()).isFalse();
    assertThat(v4.getAddress().getHostAddress()).isEqualTo("192.168.1.50");
    assertThat(v4.getPort()).isEqualTo(3611);
    assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
    assertThat(v6.getPort()).isEqualTo(3610);
  }
}
