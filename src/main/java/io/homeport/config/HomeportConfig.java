package io.homeport.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The validated server configuration. Built by {@link ConfigLoader}; every value has been checked, so
 * components can use it without further validation.
 *
 * @param beaconAltPort the second UDP port devices compare mapped addresses through (NAT mapping
 *     discovery); bound on the beacon's address, 0 for an ephemeral one
 * @param store the durable store: the embedded SQLite database in {@code dataDir}, or PostgreSQL
 * @param metrics where {@code /metrics} is served and who may read it
 */
public record HomeportConfig(
    Path dataDir,
    List<String> publicHosts,
    Endpoint beacon,
    int beaconAltPort,
    Duration keepaliveInterval,
    Duration offlineGrace,
    Endpoint deviceChannel,
    Endpoint api,
    StoreSettings store,
    Duration enrollmentTokenTtl,
    Duration certificateValidity,
    Duration commandResultTimeout,
    Path pluginsDirectory,
    MetricsSettings metrics,
    Events events,
    Sessions sessions,
    Relay relay,
    ExternalIssuer externalIssuer,
    Cluster cluster) {

  /** The {@code iss} of the tokens Homeport mints itself; an external issuer must use another. */
  public static final String TOKEN_ISSUER = "homeport";

  /**
   * An external identity provider whose tokens the API accepts besides Homeport's own.
   *
   * @param issuer the {@code iss} its tokens carry
   * @param jwksFile a file with its public keys as a JWK set ({@code {"keys": [...]}})
   */
  public record ExternalIssuer(String issuer, Path jwksFile) {
    public ExternalIssuer {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(jwksFile, "jwksFile");
    }
  }

  /**
   * Where the durable state is kept.
   *
   * @param url empty for the embedded SQLite database in {@code dataDir}, else {@code
   *     postgresql://user@host:port/database} (without a password)
   * @param password the PostgreSQL password (from {@code HOMEPORT_STORE_PASSWORD} or {@code
   *     store.passwordFile}), null for none; never shown by {@link #toString()}
   * @param poolSize connections the PostgreSQL store opens at most
   */
  public record StoreSettings(String url, String password, int poolSize) {
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final StoreSettings EMBEDDED = new StoreSettings("", null, DEFAULT_POOL_SIZE);

    public StoreSettings {
      Objects.requireNonNull(url, "url");
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize must be >= 1: " + poolSize);
      }
    }

    /** True for the embedded SQLite database (no url). */
    public boolean embedded() {
      return url.isEmpty();
    }

    /** Shows whether a password is set, never the password. */
    @Override
    public String toString() {
      return "StoreSettings[url=" + url + ", password=" + (password == null ? "none" : "***") + ", poolSize="
          + poolSize + "]";
    }
  }

  /**
   * The durable event log and the event stream.
   *
   * @param retentionMaxAge events older than this are pruned
   * @param retentionMaxCount at most this many events are kept (the newest)
   * @param streamBufferEvents events queued for one stream subscriber before it is closed as slow
   * @param streamStallTimeout a stream connection whose client takes no bytes for this long while data waits
   *     for it is reset (a subscriber that stopped reading, or a peer that is gone)
   */
  public record Events(Duration retentionMaxAge, long retentionMaxCount, int streamBufferEvents,
      Duration streamStallTimeout) {
    public static final Events DEFAULTS = new Events(Duration.ofDays(7), 1_000_000, 10_000, Duration.ofSeconds(30));

    public Events {
      Objects.requireNonNull(retentionMaxAge, "retentionMaxAge");
      Objects.requireNonNull(streamStallTimeout, "streamStallTimeout");
      if (retentionMaxAge.isNegative() || retentionMaxAge.isZero() || retentionMaxCount < 1 || streamBufferEvents < 1
          || streamStallTimeout.toMillis() < 1 || streamStallTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("event settings must be positive: " + retentionMaxAge + ", "
            + retentionMaxCount + ", " + streamBufferEvents + ", " + streamStallTimeout);
      }
    }
  }

  /**
   * Peer sessions (DESIGN 5).
   *
   * @param defaultDuration the period granted when the requester asks for no duration
   * @param maxDuration the longest a session may last, extensions included (a permission list may set less)
   * @param consentTimeout how long a target in device mode has to answer
   * @param extendAfter share of the current period after which an extension is granted (0 to 1)
   * @param requestsPerMinute session requests per device and minute
   */
  public record Sessions(Duration defaultDuration, Duration maxDuration, Duration consentTimeout, double extendAfter,
      int requestsPerMinute) {
    public static final Sessions DEFAULTS = new Sessions(Duration.ofMinutes(60), Duration.ofHours(24),
        Duration.ofSeconds(30), 0.7, 30);

    public Sessions {
      Objects.requireNonNull(defaultDuration, "defaultDuration");
      Objects.requireNonNull(maxDuration, "maxDuration");
      Objects.requireNonNull(consentTimeout, "consentTimeout");
      if (!(extendAfter >= 0 && extendAfter <= 1) || requestsPerMinute < 1) {
        throw new IllegalArgumentException("extendAfter must be 0 to 1 and requestsPerMinute positive");
      }
    }
  }

  /**
   * The built-in relay (DESIGN 5.1): its UDP listener, the most bytes one session may relay, and an
   * optional TURN service whose credentials offers carry (null: none).
   */
  public record Relay(Endpoint endpoint, long maxSessionBytes, Turn turn) {
    public static final Relay DEFAULTS = new Relay(new Endpoint("0.0.0.0", 7402, 0), 1L << 30, null);

    public Relay {
      Objects.requireNonNull(endpoint, "endpoint");
      if (maxSessionBytes < 1) {
        throw new IllegalArgumentException("maxSessionBytes must be positive: " + maxSessionBytes);
      }
    }
  }

  /**
   * A TURN service (a stock coturn with {@code use-auth-secret}) sharing {@code secret} with Homeport:
   * offers carry TURN REST API credentials for its {@code urls}. The secret never appears in toString.
   */
  public record Turn(List<String> urls, String secret) {
    public Turn {
      urls = List.copyOf(urls);
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("a TURN service needs at least one url");
      }
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
      return "Turn[urls=" + urls + ", secret=***]";
    }
  }

  public HomeportConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    publicHosts = List.copyOf(publicHosts);
    Objects.requireNonNull(beacon, "beacon");
    Objects.requireNonNull(deviceChannel, "deviceChannel");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(store, "store");
    metrics = metrics == null ? MetricsSettings.DEFAULT : metrics;
    Objects.requireNonNull(events, "events");
    sessions = sessions == null ? Sessions.DEFAULTS : sessions;
    relay = relay == null ? Relay.DEFAULTS : relay;
    cluster = cluster == null ? Cluster.OFF : cluster;
  }

  /**
   * Cluster mode (DESIGN 7): several nodes on one PostgreSQL store, Vert.x clustered on Hazelcast.
   *
   * @param members {@code host:port} of the Hazelcast members to join (TCP-IP join, no multicast); may
   *     include this node
   * @param host the address this node's Hazelcast member binds and is reached at
   * @param port this node's Hazelcast port
   */
  /** @param busPort the clustered event bus's port on {@code host}; 0 for any free port */
  public record Cluster(boolean enabled, List<String> members, String host, int port, int busPort) {
    public static final Cluster OFF = new Cluster(false, List.of(), "127.0.0.1", 5701, 0);

    public Cluster {
      members = List.copyOf(members);
      Objects.requireNonNull(host, "host");
    }
  }

  /** The host devices are told to use: the first public host. */
  public String primaryHost() {
    return publicHosts.get(0);
  }

  /** A copy with every listener on loopback and an ephemeral port, for tests and benchmarks. */
  public HomeportConfig withEphemeralLoopbackPorts() {
    Endpoint any = new Endpoint("127.0.0.1", 0, 0);
    return new HomeportConfig(dataDir, publicHosts, any, 0, keepaliveInterval, offlineGrace, any, any, store,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout,
        pluginsDirectory, metrics, events, sessions, new Relay(any, relay.maxSessionBytes(), relay.turn()), externalIssuer, cluster);
  }

  public HomeportConfig withDataDir(Path dir) {
    return new HomeportConfig(dir, publicHosts, beacon, beaconAltPort, keepaliveInterval, offlineGrace, deviceChannel, api, store,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout,
        pluginsDirectory, metrics, events, sessions, relay, externalIssuer, cluster);
  }

  public HomeportConfig withPluginsDirectory(Path dir) {
    return new HomeportConfig(dataDir, publicHosts, beacon, beaconAltPort, keepaliveInterval, offlineGrace, deviceChannel, api, store,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout, dir, metrics, events, sessions, relay, externalIssuer, cluster);
  }

  public HomeportConfig withKeepalive(Duration interval, Duration grace) {
    return new HomeportConfig(dataDir, publicHosts, beacon, beaconAltPort, interval, grace, deviceChannel, api, store,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout,
        pluginsDirectory, metrics, events, sessions, relay, externalIssuer, cluster);
  }

  public HomeportConfig withMetrics(MetricsSettings settings) {
    return new HomeportConfig(dataDir, publicHosts, beacon, beaconAltPort, keepaliveInterval, offlineGrace, deviceChannel, api, store,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout, pluginsDirectory, settings, events, sessions, relay, externalIssuer, cluster);
  }

  /** A copy with these beacon and device-channel endpoints (a restart on the ports a first start bound). */
  public HomeportConfig withListeners(Endpoint newBeacon, Endpoint newDeviceChannel) {
    return new HomeportConfig(dataDir, publicHosts, newBeacon, beaconAltPort, keepaliveInterval, offlineGrace, newDeviceChannel, api,
        store, enrollmentTokenTtl, certificateValidity, commandResultTimeout, pluginsDirectory, metrics, events, sessions, relay, externalIssuer, cluster);
  }

  public HomeportConfig withSessions(Sessions settings) {
    return new HomeportConfig(dataDir, publicHosts, beacon, beaconAltPort, keepaliveInterval, offlineGrace, deviceChannel, api, store,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout, pluginsDirectory, metrics, events, settings, relay,
        externalIssuer, cluster);
  }

  public HomeportConfig withExternalIssuer(ExternalIssuer issuer) {
    return new HomeportConfig(dataDir, publicHosts, beacon, beaconAltPort, keepaliveInterval, offlineGrace, deviceChannel, api, store,
        enrollmentTokenTtl, certificateValidity, commandResultTimeout, pluginsDirectory, metrics, events, sessions, relay, issuer, cluster);
  }
}
