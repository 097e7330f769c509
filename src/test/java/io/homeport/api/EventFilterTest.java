package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.event.EventType;
import io.homeport.device.DeviceGroups;
import io.homeport.http.Problems;
import io.homeport.http.QueryParams;
import io.homeport.refusal.Refusal;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventFilterTest {
  private static final JsonObject NO_CLAIM = new JsonObject().put("role", "integrator");
  private static final DeviceGroups NO_GROUPS = new DeviceGroups();

  /** The subscription's query: each value a {@code types} or {@code devices} parameter, as sent. */
  private static QueryParams query(List<String> types, List<String> devices) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    types.forEach(v -> params.add("types", v));
    devices.forEach(v -> params.add("devices", v));
    return QueryParams.of(params);
  }

  private static List<String> matching(String types) {
    EventFilter f = EventFilter.of(query(List.of(types), List.of()), NO_CLAIM, NO_GROUPS);
    return Arrays.stream(EventType.values()).map(EventType::wireName).filter(t -> f.matches(t, "d")).toList();
  }

  @Test
  @DisplayName("Verifies that type patterns match exact types, whole-segment wildcards and segment prefixes")
  void typePatterns() {
    // given every event type there is
    // when patterns select among them
    // then each selects what its syntax says
    assertThat(matching("device.*")).containsExactly("device.enrolled", "device.online", "device.offline",
        "device.address-changed", "device.revoked", "device.application-woken", "device.application-failed");
    assertThat(matching("command.succeeded")).containsExactly("command.succeeded");
    assertThat(matching("*.failed")).containsExactly("command.failed", "plugin.failed");
    assertThat(matching("command.time*,plugin.l*")).containsExactly("command.timed-out", "plugin.loaded");
    assertThat(matching("dev*.on*")).containsExactly("device.online");
    assertThat(matching("*")).hasSize(EventType.values().length);
    assertThat(matching("*.*")).hasSize(EventType.values().length);
    assertThat(matching("device")).isEmpty();
    assertThat(matching("session.e*")).containsExactly("session.established", "session.extended", "session.ended");
    assertThat(matching("addresslist.*")).containsExactly("addresslist.published");
    assertThat(EventFilter.of(query(List.of("*"), List.of()), NO_CLAIM, NO_GROUPS).matches("a.b.c", null)).isTrue();
    assertThat(EventFilter.of(query(List.of("a.*"), List.of()), NO_CLAIM, NO_GROUPS).matches("a.b.c", null)).isTrue();
    assertThat(EventFilter.of(query(List.of("a.b"), List.of()), NO_CLAIM, NO_GROUPS).matches("a.b.c", null)).isFalse();
  }

  @Test
  @DisplayName("Verifies that malformed type patterns and device ids are refused naming the parameter")
  void malformed() {
    for (String bad : List.of("Device.*", "dev*ice", "device..online", ".device", "device.", "**", "device.on line")) {
      assertThatThrownBy(() -> EventFilter.of(query(List.of(bad), List.of()), NO_CLAIM, NO_GROUPS))
          .isInstanceOfSatisfying(Refusal.class, e -> {
            assertThat(Problems.of(e).status()).isEqualTo(400);
            assertThat(e.field()).isEqualTo("types");
          });
    }
    assertThatThrownBy(() -> EventFilter.of(query(List.of(), List.of("a b")), NO_CLAIM, NO_GROUPS))
        .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.field()).isEqualTo("devices"));
    assertThatThrownBy(() -> EventFilter.of(query(List.of(), List.of(",")), NO_CLAIM, NO_GROUPS))
        .isInstanceOfSatisfying(Refusal.class, e -> assertThat(Problems.of(e).status()).isEqualTo(400));
  }

  @Test
  @DisplayName("Verifies that a devices claim limits the filter, is intersected with devices= and hides events without a device")
  void deviceClaim() {
    // given a token limited to devices a and c
    JsonObject claim = NO_CLAIM.copy().put("devices", new JsonArray().add("a").add("c"));

    // when it subscribes without and with a devices filter
    EventFilter all = EventFilter.of(query(List.of(), List.of()), claim, NO_GROUPS);
    EventFilter some = EventFilter.of(query(List.of(), List.of("b,c")), claim, NO_GROUPS);

    // then only its devices pass, never events without a device, and the filter is the intersection
    assertThat(all.matches("device.online", "a")).isTrue();
    assertThat(all.matches("device.online", "b")).isFalse();
    assertThat(all.matches("plugin.loaded", null)).isFalse();
    assertThat(some.devices()).containsExactly("c");
    assertThat(some.matches("device.online", "a")).isFalse();
    // a filter naming only devices outside the claim, or a malformed claim, is forbidden
    assertThatThrownBy(() -> EventFilter.of(query(List.of(), List.of("b")), claim, NO_GROUPS))
        .isInstanceOfSatisfying(Refusal.class, e -> assertThat(Problems.of(e).status()).isEqualTo(403));
    assertThatThrownBy(() -> EventFilter.of(query(List.of(), List.of()), NO_CLAIM.copy().put("devices", "a"), NO_GROUPS))
        .isInstanceOfSatisfying(Refusal.class, e -> assertThat(Problems.of(e).status()).isEqualTo(403));
    assertThatThrownBy(() -> EventFilter.of(query(List.of(), List.of()), NO_CLAIM.copy().put("devices", new JsonArray().add(1)), NO_GROUPS))
        .isInstanceOfSatisfying(Refusal.class, e -> assertThat(Problems.of(e).status()).isEqualTo(403));
    // an empty claim sees nothing with a device
    assertThat(EventFilter.of(query(List.of(), List.of()), NO_CLAIM.copy().put("devices", new JsonArray()), NO_GROUPS)
        .matches("device.online", "a")).isFalse();
    // without a claim, a devices filter also hides events without a device
    assertThat(EventFilter.of(query(List.of(), List.of("a")), NO_CLAIM, NO_GROUPS).matches("plugin.loaded", null)).isFalse();
    assertThat(EventFilter.all().matches("plugin.loaded", null)).isTrue();
  }
}
