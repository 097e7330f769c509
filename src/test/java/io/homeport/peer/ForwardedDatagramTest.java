package io.homeport.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The forwarded-UDP payload of a data frame, without sockets. */
class ForwardedDatagramTest {

  @Test
  @DisplayName("Verifies that a datagram keeps its flow, direction, service and bytes through encoding, with a header "
      + "of five bytes and the name")
  void roundTrip() {
    byte[] data = "query".getBytes(StandardCharsets.US_ASCII);
    for (boolean answer : new boolean[] {false, true}) {
      ForwardedDatagram d = new ForwardedDatagram(Integer.MAX_VALUE, answer, "dns", data);
      byte[] wire = d.encode();
      assertThat(wire).hasSize(ForwardedDatagram.HEADER_BYTES + 3 + data.length);
      ForwardedDatagram back = ForwardedDatagram.decode(wire);
      assertThat(back.flow()).isEqualTo(Integer.MAX_VALUE);
      assertThat(back.answer()).isEqualTo(answer);
      assertThat(back.service()).isEqualTo("dns");
      assertThat(back.data()).isEqualTo(data);
    }
  }

  @Test
  @DisplayName("Verifies that payloads too short, with a name length out of range or a name with other characters "
      + "decode to nothing, and that bad names and flows are refused when sending")
  void refusesWhatIsNotOne() {
    assertThat(ForwardedDatagram.decode(new byte[5])).isNull();
    assertThat(ForwardedDatagram.decode(new byte[] {0, 0, 0, 1, 0, 'x'})).isNull();
    assertThat(ForwardedDatagram.decode(new byte[] {0, 0, 0, 1, 40, 'x'})).isNull();
    assertThat(ForwardedDatagram.decode(new byte[] {0, 0, 0, 1, 1, ' ', 'x'})).isNull();
    assertThatThrownBy(() -> new ForwardedDatagram(1, false, "no spaces", new byte[0]))
        .hasMessageContaining("service name");
    assertThatThrownBy(() -> new ForwardedDatagram(-1, false, "dns", new byte[0])).hasMessageContaining("31 bits");
  }
}
