package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.event.EventType;
import io.homeport.http.ProblemException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventFilterTest {
  private static final JsonObject NO_CLAIM = new JsonObject().put("role", "integrator");

  private static List<String> matching(String types) {
    EventFilter f = EventFilter.of(List.of(types), List.of(), NO_CLAIM);
    return Arrays.stream(EventType.values()).map(EventType::wireName).filter(t -> f.matches(t, "d")).toList();
  }

  @Test
  @DisplayName("Verifies that type patterns match exact types, whole-segment wildcards and segment prefixes")
  void typePatterns() {
    // given every event type there is
    // when patterns select among them
    // then each selects what its syntax says
    assertThat(matching("device.*")).containsExactly("device.enrolled", "device.online", "device.offline",
        "device.address-changed", "device.revoked");
    assertThat(matching("command.succeeded")).containsExactly("command.succeeded");
    assertThat(matching("*.failed")).containsExactly("command.failed", "plugin.failed");
    assertThat(matching("command.time*,plugin.l*")).containsExactly("command.timed-out", "plugin.loaded");
    assertThat(matching("dev*.on*")).containsExactly("device.online");
    assertThat(matching("*")).hasSize(EventType.values().length);
    assertThat(matching("*.*")).hasSize(EventType.values().length);
    assertThat(matching("device")).isEmpty();
    assertThat(matching("session.*")).isEmpty();
    assertThat(EventFilter.of(List.of("*"), List.of(), NO_CLAIM).matches("a.b.c", null)).isTrue();
    assertThat(EventFilter.of(List.of("a.*"), List.of(), NO_CLAIM).matches("a.b.c", null)).isTrue();
    assertThat(EventFilter.of(List.of("a.b"), List.of(), NO_CLAIM).matches("a.b.c", null)).isFalse();
  }

  @Test
  @DisplayName("Verifies that malformed type patterns and device ids are refused naming the parameter")
  void malformed() {
    for (String bad : List.of("Device.*", "dev*ice", "device..online", ".device", "device.", "**", "device.on line")) {
      assertThatThrownBy(() -> EventFilter.of(List.of(bad), List.of(), NO_CLAIM))
          .isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(400);
            assertThat(e.problem().extensions().getString("field")).isEqualTo("types");
          });
    }
    assertThatThrownBy(() -> EventFilter.of(List.of(), List.of("a b"), NO_CLAIM))
        .isInstanceOfSatisfying(ProblemException.class,
            e -> assertThat(e.problem().extensions().getString("field")).isEqualTo("devices"));
    assertThatThrownBy(() -> EventFilter.of(List.of(), List.of(","), NO_CLAIM))
        .isInstanceOf(ProblemException.class);
  }

  @Test
  @DisplayName("Verifies that a devices claim limits the filter, is intersected with devices= and hides events without a device")
  void deviceClaim() {
    // given a token limited to devices a and c
    JsonObject claim = NO_CLAIM.copy().put("devices", new JsonArray().add("a").add("c"));

    // when it subscribes without and with a devices filter
    EventFilter all = EventFilter.of(List.of(), List.of(), claim);
    EventFilter some = EventFilter.of(List.of(), List.of("b,c"), claim);

    // then only its devices pass, never events without a device, and the filter is the intersection
    assertThat(all.matches("device.online", "a")).isTrue();
    assertThat(all.matches("device.online", "b")).isFalse();
    assertThat(all.matches("plugin.loaded", null)).isFalse();
    assertThat(some.devices()).containsExactly("c");
    assertThat(some.matches("device.online", "a")).isFalse();
    // a filter naming only devices outside the claim, or a malformed claim, is forbidden
    assertThatThrownBy(() -> EventFilter.of(List.of(), List.of("b"), claim))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(403));
    assertThatThrownBy(() -> EventFilter.of(List.of(), List.of(), NO_CLAIM.copy().put("devices", "a")))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(403));
    assertThatThrownBy(() -> EventFilter.of(List.of(), List.of(), NO_CLAIM.copy().put("devices", new JsonArray().add(1))))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(403));
    // an empty claim sees nothing with a device
    assertThat(EventFilter.of(List.of(), List.of(), NO_CLAIM.copy().put("devices", new JsonArray()))
        .matches("device.online", "a")).isFalse();
    // without a claim, a devices filter also hides events without a device
    assertThat(EventFilter.of(List.of(), List.of("a"), NO_CLAIM).matches("plugin.loaded", null)).isFalse();
    assertThat(EventFilter.all().matches("plugin.loaded", null)).isTrue();
  }
}
