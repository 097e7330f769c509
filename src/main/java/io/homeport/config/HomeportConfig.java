package io.homeport.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The validated server configuration. Built by {@link ConfigLoader}; every value has been checked, so
 * components can use it without further validation.
 *
 * @param storeUrl empty for the embedded SQLite database in {@code dataDir}
 * @param metrics where {@code /metrics} is served and who may read it
 */
public record HomeportConfig(
    Path dataDir,
    List<String> publicHosts,
    Endpoint beacon,
    Duration keepaliveInterval,
    Duration offlineGrace,
    Endpoint deviceChannel,
    Endpoint api,
    String storeUrl,
    Duration enrollmentTokenTtl,
    Duration certificateValidity,
    Duration commandResultTimeout,
    Path pluginsDirectory,
    MetricsSettings metrics) {

  public HomeportConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    publicHosts = List.copyOf(publicHosts);
    Objects.requireNonNull(beacon, "beacon");
    Objects.requireNonNull(deviceChannel, "deviceChannel");
    Objects.requireNonNull(api, "api");
    metrics = metrics == null ? MetricsSettings.DEFAULT : metrics;
  }

  /** The host devices are told to use: the first public host. */
  public String primaryHost() {
    return publicHosts.get(0);
  }

  /** A copy with every listener on loopback and an ephemeral port, for tests and benchmarks. */
  public HomeportConfig withEphemeralLoopbackPorts() {
    Endpoint any = new Endpoint("127.0.0.1", 0, 0);
    return new HomeportConfig(dataDir, publicHosts, any, keepaliveInterval, offlineGrace, any, any, storeUrl,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout,
        pluginsDirectory, metrics);
  }

  public HomeportConfig withDataDir(Path dir) {
    return new HomeportConfig(dir, publicHosts, beacon, keepaliveInterval, offlineGrace, deviceChannel, api, storeUrl,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout,
        pluginsDirectory, metrics);
  }

  public HomeportConfig withPluginsDirectory(Path dir) {
    return new HomeportConfig(dataDir, publicHosts, beacon, keepaliveInterval, offlineGrace, deviceChannel, api, storeUrl,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout, dir, metrics);
  }

  public HomeportConfig withKeepalive(Duration interval, Duration grace) {
    return new HomeportConfig(dataDir, publicHosts, beacon, interval, grace, deviceChannel, api, storeUrl,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout,
        pluginsDirectory, metrics);
  }

  public HomeportConfig withMetrics(MetricsSettings settings) {
    return new HomeportConfig(dataDir, publicHosts, beacon, keepaliveInterval, offlineGrace, deviceChannel, api, storeUrl,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout, pluginsDirectory, settings);
  }
}
