package io.homeport.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Moving a fleet by address list, on the agent's side, without sockets. */
class HomeportEndpointsTest {
  private static final HomeportEndpoints.Endpoints HOME =
      new HomeportEndpoints.Endpoints("198.18.0.1", 7400, URI.create("https://198.18.0.1:7443"));
  private static final Map<String, AddressBook.Entry> MOVED = Map.of(
      AddressBook.BEACON, new AddressBook.Entry("udp://198.18.0.2:17400", List.of(), false),
      AddressBook.DEVICE_CHANNEL, new AddressBook.Entry("https://198.18.0.2:17443", List.of(), false));
  private static final HomeportEndpoints.Endpoints NEW =
      new HomeportEndpoints.Endpoints("198.18.0.2", 17400, URI.create("https://198.18.0.2:17443"));

  @Test
  @DisplayName("Verifies that a list naming new endpoints moves the agent at once, that silence there for three "
      + "keepalives sends it back, and that it keeps alternating while neither answers")
  void movesAndFallsBack() {
    // given an agent on its enrollment endpoints
    HomeportEndpoints endpoints = new HomeportEndpoints(HOME);
    // when its list names new ones
    assertThat(endpoints.listChanged(MOVED)).contains(NEW);
    // then two unanswered keepalives keep it there, the third sends it home
    assertThat(endpoints.unanswered()).isEmpty();
    assertThat(endpoints.unanswered()).isEmpty();
    assertThat(endpoints.unanswered()).contains(HOME);
    // and silence at home for three more tries the new ones again (the new server may start later)
    endpoints.unanswered();
    endpoints.unanswered();
    assertThat(endpoints.unanswered()).contains(NEW);
    // and an answer keeps it where it is
    endpoints.answered();
    endpoints.unanswered();
    endpoints.answered();
    endpoints.unanswered();
    endpoints.unanswered();
    assertThat(endpoints.current()).isEqualTo(NEW);
  }

  @Test
  @DisplayName("Verifies that the same list again changes nothing, a list without Homeport's entries brings the agent "
      + "home, a list naming only the beacon keeps the enrolled device channel, and a bad URL is refused")
  void listChanges() {
    HomeportEndpoints endpoints = new HomeportEndpoints(HOME);
    assertThat(endpoints.listChanged(Map.of())).isEmpty();
    assertThat(endpoints.listChanged(MOVED)).contains(NEW);
    assertThat(endpoints.listChanged(MOVED)).isEmpty();
    assertThat(endpoints.listChanged(Map.of())).contains(HOME);
    // without a list naming other endpoints, unanswered keepalives never leave home
    for (int i = 0; i < 10; i++) {
      assertThat(endpoints.unanswered()).isEmpty();
    }
    Optional<HomeportEndpoints.Endpoints> beaconOnly = endpoints.listChanged(
        Map.of(AddressBook.BEACON, new AddressBook.Entry("udp://198.18.0.3:7400", List.of(), false)));
    assertThat(beaconOnly).contains(new HomeportEndpoints.Endpoints("198.18.0.3", 7400, HOME.deviceChannel()));
    assertThatThrownBy(() -> endpoints.listChanged(
        Map.of(AddressBook.BEACON, new AddressBook.Entry("https://198.18.0.3:7400", List.of(), false))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
