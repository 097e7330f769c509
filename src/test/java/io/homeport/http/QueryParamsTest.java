package io.homeport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.refusal.Refusal;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QueryParamsTest {
  private static QueryParams query(String... namesAndValues) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return QueryParams.of(map);
  }

  private static void assertRefused(Runnable read, String field, String message) {
    assertThatThrownBy(read::run).isInstanceOfSatisfying(Refusal.Invalid.class, r -> {
      assertThat(r.problem()).isEqualTo("invalid-field");
      assertThat(r.field()).isEqualTo(field);
      assertThat(r.getMessage()).contains(message);
    });
  }

  @Test
  @DisplayName("Verifies that integers default when absent, take the last value and are refused outside their range")
  void integers() {
    assertThat(query().integer("limit", 100, 1, 1000)).isEqualTo(100);
    assertThat(query("limit", "5", "limit", " 7 ").integer("limit", 100, 1, 1000)).isEqualTo(7);
    assertRefused(() -> query("limit", "0").integer("limit", 100, 1, 1000), "limit",
        "query parameter 'limit' must be an integer from 1 to 1000");
    assertRefused(() -> query("offset", "x").integer("offset", 0, 0, 10), "offset", "an integer from 0 to 10");
  }

  @Test
  @DisplayName("Verifies that whole numbers are empty when absent and refused when negative or not numbers")
  void wholeNumbers() {
    assertThat(query().wholeNumber("after", "an event id")).isEmpty();
    assertThat(query("after", "0").wholeNumber("after", "an event id")).isEqualTo(OptionalLong.of(0));
    assertRefused(() -> query("after", "-1").wholeNumber("after", "an event id"), "after",
        "must be an event id (a whole number >= 0), got '-1'");
    assertRefused(() -> query("after", "x".repeat(50)).wholeNumber("after", "an event id"), "after",
        "got '" + "x".repeat(40) + "...'");
  }

  @Test
  @DisplayName("Verifies that durations are seconds or text, zero when absent, and refused above the maximum")
  void durations() {
    Duration max = Duration.ofSeconds(60);
    assertThat(query().duration("wait", max)).isZero();
    assertThat(query("wait", "15").duration("wait", max)).isEqualTo(Duration.ofSeconds(15));
    assertThat(query("wait", "200ms").duration("wait", max)).isEqualTo(Duration.ofMillis(200));
    assertRefused(() -> query("wait", "61s").duration("wait", max), "wait",
        "query parameter 'wait' must be a duration up to 60s, such as 15s");
    assertRefused(() -> query("wait", "-1").duration("wait", max), "wait", "a duration up to 60s");
  }

  @Test
  @DisplayName("Verifies that lists join repeated and comma-separated values, trimmed, without empty items")
  void lists() {
    assertThat(query().list("state")).isEmpty();
    assertThat(query().has("state")).isFalse();
    assertThat(query("state", "queued, woken", "state", "failed,").list("state"))
        .containsExactly("queued", "woken", "failed");
    assertThat(query("devices", ",").list("devices")).isEmpty();
    assertThat(query("devices", ",").has("devices")).isTrue();
  }
}
