package io.homeport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  @DisplayName("Verifies that the embedded defaults are the documented ones")
  void defaults() {
    HomeportConfig c = ConfigLoader.load(null, Map.of());
    assertThat(c.beacon().port()).isEqualTo(7400);
    assertThat(c.deviceChannel().port()).isEqualTo(7443);
    assertThat(c.api().port()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.publicHosts()).containsExactly("localhost", "127.0.0.1");
    assertThat(c.keepaliveInterval()).isEqualTo(Duration.ofSeconds(25));
    assertThat(c.offlineGrace()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.enrollmentTokenTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(c.store().embedded()).isTrue();
    assertThat(c.store().poolSize()).isEqualTo(8);
  }

  @Test
  @DisplayName("Verifies that a file overrides the defaults and environment variables override the file")
  void layering(@TempDir Path dir) throws Exception {
    // given a file setting two values
    Path file = dir.resolve("h.yaml");
    Files.writeString(file, "api:\n  port: 9000\nbeacon:\n  keepaliveInterval: 10s\n  offlineGrace: 40s\n");
    // when the environment overrides one of them and one more
    HomeportConfig c = ConfigLoader.load(file, Map.of("HOMEPORT_API_PORT", "9100",
        "HOMEPORT_PUBLIC_HOSTS", "hp.example.org, 198.18.0.1", "HOMEPORT_DATA_DIR", "/var/lib/homeport"));
    // then
    assertThat(c.api().port()).isEqualTo(9100);
    assertThat(c.keepaliveInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.offlineGrace()).isEqualTo(Duration.ofSeconds(40));
    assertThat(c.publicHosts()).containsExactly("hp.example.org", "198.18.0.1");
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/homeport"));
  }

  @Test
  @DisplayName("Verifies that a postgresql:// store url is accepted with its password from the environment, never shown")
  void postgresqlStore() {
    // given a PostgreSQL url, a pool size and the password in the environment
    Map<String, String> env = Map.of("HOMEPORT_STORE_URL", "postgresql://homeport@db.example.org:5433/homeport",
        "HOMEPORT_STORE_POOL_SIZE", "12", "HOMEPORT_STORE_PASSWORD", "s3cret-pw");
    // when the configuration is loaded
    HomeportConfig c = ConfigLoader.load(null, env);
    // then the store is PostgreSQL with that password, and neither the settings nor the config show it
    assertThat(c.store().embedded()).isFalse();
    assertThat(c.store().url()).isEqualTo("postgresql://homeport@db.example.org:5433/homeport");
    assertThat(c.store().password()).isEqualTo("s3cret-pw");
    assertThat(c.store().poolSize()).isEqualTo(12);
    assertThat(c.store().toString()).doesNotContain("s3cret-pw").contains("***");
    assertThat(c.toString()).doesNotContain("s3cret-pw");
  }

  @Test
  @DisplayName("Verifies that the PostgreSQL password is read from store.passwordFile, and refused when given twice")
  void passwordFile(@TempDir Path dir) throws Exception {
    // given a password file
    Path file = dir.resolve("pg-password");
    Files.writeString(file, "from-file\n");
    Map<String, String> env = Map.of("HOMEPORT_STORE_URL", "postgresql://homeport@127.0.0.1/homeport",
        "HOMEPORT_STORE_PASSWORD_FILE", file.toString());
    // when it is named by the setting
    HomeportConfig c = ConfigLoader.load(null, env);
    // then its first line is the password; with the environment variable as well, nothing is chosen
    assertThat(c.store().password()).isEqualTo("from-file");
    Map<String, String> both = new HashMap<>(env);
    both.put("HOMEPORT_STORE_PASSWORD", "other");
    assertThatThrownBy(() -> ConfigLoader.load(null, both)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("HOMEPORT_STORE_PASSWORD").hasMessageContaining("store.passwordFile");
  }

  @Test
  @DisplayName("Verifies that a store url other than postgresql://, or one holding a password, is refused naming store.url")
  void badStoreUrls() {
    // given urls of another database, without a database, and with a password
    // when each is loaded, then each is refused naming the setting (and never repeating the password)
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_STORE_URL", "mysql://root@db/homeport")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("store.url").hasMessageContaining("postgresql://");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_STORE_URL", "postgresql://root@db")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("store.url");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_STORE_URL", "postgresql://root:hunter2@db/h")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("store.url").hasMessageNotContaining("hunter2");
  }

  @Test
  @DisplayName("Verifies that cluster mode is refused on the embedded SQLite store naming the settings, needs members, "
      + "and is accepted on PostgreSQL")
  void clusterSettings() {
    // given cluster mode on the default (SQLite) store, then start-up stops naming both settings
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_CLUSTER_ENABLED", "true",
        "HOMEPORT_CLUSTER_MEMBERS", "10.0.0.1:5701")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.enabled").hasMessageContaining("store.url");
    // and on PostgreSQL without members, it names cluster.members
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_CLUSTER_ENABLED", "true",
        "HOMEPORT_STORE_URL", "postgresql://homeport@db:5432/homeport")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.members");
    // and a member that is not host:port is refused
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_CLUSTER_MEMBERS", "node-a")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.members");
    // when on PostgreSQL with members, then it is accepted as given
    HomeportConfig c = ConfigLoader.load(null, Map.of("HOMEPORT_CLUSTER_ENABLED", "true",
        "HOMEPORT_STORE_URL", "postgresql://homeport@db:5432/homeport", "HOMEPORT_CLUSTER_MEMBERS",
        "10.0.0.1:5701, 10.0.0.2:5701", "HOMEPORT_CLUSTER_HOST", "10.0.0.1"));
    assertThat(c.cluster()).isEqualTo(new HomeportConfig.Cluster(true, List.of("10.0.0.1:5701", "10.0.0.2:5701"),
        "10.0.0.1", 5701, 0));
    // and a bus port equal to Hazelcast's is refused, naming both settings
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_CLUSTER_ENABLED", "true",
        "HOMEPORT_STORE_URL", "postgresql://homeport@db:5432/homeport", "HOMEPORT_CLUSTER_MEMBERS", "10.0.0.1:5701",
        "HOMEPORT_CLUSTER_BUS_PORT", "5701"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.busPort").hasMessageContaining("cluster.port");
    // and off by default
    assertThat(ConfigLoader.load(null, Map.of()).cluster().enabled()).isFalse();
  }

  @Test
  @DisplayName("Verifies that every setting has an environment variable following the documented rule")
  void environmentNames() {
    assertThat(ConfigLoader.envName("beacon.keepaliveInterval")).isEqualTo("HOMEPORT_BEACON_KEEPALIVE_INTERVAL");
    assertThat(ConfigLoader.envName("deviceChannel.publicPort")).isEqualTo("HOMEPORT_DEVICE_CHANNEL_PUBLIC_PORT");
    assertThat(ConfigLoader.envName("dataDir")).isEqualTo("HOMEPORT_DATA_DIR");
    for (String key : ConfigLoader.SETTINGS) {
      assertThat(ConfigLoader.defaultsText()).contains(key.substring(key.lastIndexOf('.') + 1) + ":");
    }
  }

  @Test
  @DisplayName("Verifies that invalid values stop loading with a message naming the setting")
  void invalidValues(@TempDir Path dir) throws Exception {
    List<Map<String, String>> cases = List.of(
        Map.of("HOMEPORT_API_PORT", "70000"),
        Map.of("HOMEPORT_BEACON_PORT", "udp"),
        Map.of("HOMEPORT_BEACON_KEEPALIVE_INTERVAL", "25"),
        Map.of("HOMEPORT_ENROLLMENT_TOKEN_TTL", "0s"),
        Map.of("HOMEPORT_API_BIND", "my-host"),
        Map.of("HOMEPORT_PUBLIC_HOSTS", "bad host!"),
        Map.of("HOMEPORT_RELAY_TURN_URLS", "http://turn.example:3478", "HOMEPORT_RELAY_TURN_SECRET", "s"),
        Map.of("HOMEPORT_RELAY_TURN_URLS", "turn:turn.example:3478"),
        Map.of("HOMEPORT_RELAY_TURN_SECRET", "s"));
    List<String> named = List.of("api.port", "beacon.port", "beacon.keepaliveInterval", "enrollment.tokenTtl",
        "api.bind", "publicHosts", "relay.turn.urls", "relay.turn.secret", "relay.turn.urls");
    for (int i = 0; i < cases.size(); i++) {
      Map<String, String> env = cases.get(i);
      assertThatThrownBy(() -> ConfigLoader.load(null, env)).isInstanceOf(ConfigException.class)
          .hasMessageContaining(named.get(i));
    }
    HomeportConfig turn = ConfigLoader.load(null, Map.of("HOMEPORT_RELAY_TURN_URLS",
        "turn:a.example:3478?transport=udp, turns:b.example:5349", "HOMEPORT_RELAY_TURN_SECRET", "s3cr3t"));
    assertThat(turn.relay().turn().urls()).containsExactly("turn:a.example:3478?transport=udp", "turns:b.example:5349");
    assertThat(turn.relay().toString()).doesNotContain("s3cr3t");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_BEACON_OFFLINE_GRACE", "20s")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("beacon.offlineGrace")
        .hasMessageContaining("beacon.keepaliveInterval");
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "beacon:\n  prot: 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(typo, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'beacon.prot'");
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "api: [unclosed\n");
    assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be read");
  }

  @Test
  @DisplayName("Verifies that durations are parsed and printed in operator units")
  void durations() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("365d")).isEqualTo(Duration.ofDays(365));
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1d");
    assertThatThrownBy(() -> Durations.parse("1 hour")).isInstanceOf(IllegalArgumentException.class);
  }
}
