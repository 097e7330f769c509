package io.homeport.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.config.ConfigException;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events.* settings of the configuration. */
class EventSettingsTest {

  @Test
  @DisplayName("Verifies that the event settings default to 7 days, 1,000,000 events and a 10,000-event stream buffer")
  void defaults() {
    // given no file and no environment
    // when the configuration is loaded
    HomeportConfig.Events events = ConfigLoader.load(null, Map.of()).events();
    // then the documented defaults apply
    assertThat(events).isEqualTo(HomeportConfig.Events.DEFAULTS);
    assertThat(events.retentionMaxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(events.retentionMaxCount()).isEqualTo(1_000_000);
    assertThat(events.streamBufferEvents()).isEqualTo(10_000);
    assertThat(events.streamStallTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  @DisplayName("Verifies that a file and environment variables set the event settings and copies keep them")
  void overrides(@TempDir Path dir) throws Exception {
    // given a file with two settings and an environment variable for the third
    Path file = dir.resolve("h.yaml");
    Files.writeString(file, "events:\n  retentionMaxAge: 36h\n  retentionMaxCount: 5000\n  streamStallTimeout: 2m\n");
    // when loaded
    HomeportConfig c = ConfigLoader.load(file, Map.of("HOMEPORT_EVENTS_STREAM_BUFFER_EVENTS", "250"));
    // then all three apply, and the with* copies keep them
    assertThat(c.events()).isEqualTo(new HomeportConfig.Events(Duration.ofHours(36), 5000, 250, Duration.ofMinutes(2)));
    assertThat(c.withEphemeralLoopbackPorts().withDataDir(dir).withKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(3))
        .withPluginsDirectory(dir).withListeners(c.beacon(), c.deviceChannel()).events()).isEqualTo(c.events());
    assertThat(ConfigLoader.envName("events.retentionMaxAge")).isEqualTo("HOMEPORT_EVENTS_RETENTION_MAX_AGE");
  }

  @Test
  @DisplayName("Verifies that invalid event settings stop loading with a message naming the setting")
  void invalid() {
    for (Map.Entry<String, String> e : Map.of(
        "events.retentionMaxAge", "0s",
        "events.retentionMaxCount", "0",
        "events.streamBufferEvents", "many",
        "events.streamStallTimeout", "-5s").entrySet()) {
      String setting = e.getKey();
      assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(ConfigLoader.envName(setting), e.getValue())))
          .isInstanceOf(ConfigException.class).hasMessageContaining(setting);
    }
  }
}
