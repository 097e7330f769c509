package io.homeport.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Typed events read back from their stored form: how cluster nodes see each other's events. */
class EventJsonParseTest {
  private static final Instant T = Instant.parse("2026-12-07T02:00:00.123Z");

  @Test
  @DisplayName("Verifies that every kind of event, stored and read back, is the event that was stored")
  void roundTrips() {
    // given one event of each kind, with optional parts present and absent
    List<DomainEvent> events = List.of(
        new DeviceEvent.Enrolled("d1", T, "ab12"),
        new DeviceEvent.Online("d1", T, "198.18.0.2:4000"),
        new DeviceEvent.AddressChanged("d1", T, "198.18.0.2:4000", "198.18.0.2:4001"),
        new DeviceEvent.Offline("d1", T, T.minusSeconds(90), "198.18.0.2:4001"),
        new DeviceEvent.Revoked("d1", T, false),
        new DeviceEvent.Revoked("d1", T, true),
        new DeviceEvent.ApplicationWoken("d1", T, "acme"),
        new DeviceEvent.ApplicationFailed("d1", T, "acme", "tls-pin-mismatch", "no pin matched"),
        new CommandEvent(EventType.COMMAND_QUEUED, T, "d1", "c1", "boil", "queued", false, null, null, null, null),
        new CommandEvent(EventType.COMMAND_SUCCEEDED, T, "d1", "c1", "boil", "succeeded", true, "ok", "done",
            Map.of("litres", 1), new CommandEvent.Appliance("echonet-lite", "0x0130", "192.168.1.20")),
        new SessionEvent.Requested("d1", T, "s1", "requester", "d2", "server"),
        new SessionEvent.Established("d1", T, "s1", "requester", "d2", T.plusSeconds(3600)),
        new SessionEvent.Extended("d1", T, "s1", "target", "d2", T.plusSeconds(7200), "d2"),
        new SessionEvent.Ended("d1", T, "s1", "requester", "d2", "done", "requester"),
        new SessionEvent.Rejected("d1", T, "s1", "requester", null, "unknown-peer"),
        new PluginEvent.Loaded(T, "echonet-lite", "1.0", "echonet-lite.jar"),
        new PluginEvent.Failed(T, "broken.jar", "no HomeportPlugin"),
        new AddressListEvent.Published(T, "group:kitchen", 7, true, 3));
    for (DomainEvent event : events) {
      // when it is stored (its wire form) and read back
      StoredEvent stored = StoredEvent.unsaved(event);
      DomainEvent parsed = EventJson.parse(new StoredEvent(42, stored.type(), stored.time(), stored.deviceId(),
          stored.data()));
      // then it is the same event
      assertThat(parsed).as(event.type().wireName()).isEqualTo(event);
    }
  }
}
