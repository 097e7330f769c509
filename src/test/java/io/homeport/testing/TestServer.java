package io.homeport.testing;

import io.homeport.agent.DeviceBundle;
import io.homeport.agent.Enroller;
import io.homeport.auth.AdminToken;
import io.homeport.config.ConfigLoader;
import io.homeport.config.Endpoint;
import io.homeport.config.HomeportConfig;
import io.homeport.metrics.MetricsVertx;
import io.homeport.server.HomeportServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A real Homeport server in this JVM for tests: loopback, a temporary data directory, short keepalive
 * timings, and a small HTTP client for its API.
 */
public final class TestServer implements AutoCloseable {
  public static final Duration INTERVAL = Duration.ofSeconds(1);
  public static final Duration GRACE = Duration.ofSeconds(3);

  private final Vertx vertx;
  private final Consumer<HomeportServer.Builder> parts;
  private HomeportConfig config;
  private HomeportServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private String adminToken;

  private TestServer(Vertx vertx, HomeportConfig config, Consumer<HomeportServer.Builder> parts) {
    this.vertx = vertx;
    this.config = config;
    this.parts = parts;
  }

  /**
   * A config on loopback with ephemeral ports, the given data directory (its {@code plugins}
   * subdirectory as the plugins directory) and 1 s / 3 s keepalive timings.
   */
  public static HomeportConfig config(Path dataDir, Map<String, String> env) {
    return ConfigLoader.load(null, env).withEphemeralLoopbackPorts().withDataDir(dataDir).withKeepalive(INTERVAL, GRACE)
        .withPluginsDirectory(dataDir.resolve("plugins"));
  }

  public static TestServer start(Path dataDir) throws Exception {
    return start(config(dataDir, Map.of()));
  }

  public static TestServer start(HomeportConfig config) throws Exception {
    return start(config, builder -> {});
  }

  /** A server whose parts {@code parts} replaces on the builder (a store wrapper, a presence listener). */
  public static TestServer start(HomeportConfig config, Consumer<HomeportServer.Builder> parts) throws Exception {
    TestServer t = new TestServer(MetricsVertx.create(new VertxOptions().setPreferNativeTransport(true)), config, parts);
    t.startServer();
    return t;
  }

  /** A node of a cluster (the config's cluster settings): a clustered Vert.x of its own, then the server. */
  public static TestServer startClustered(HomeportConfig config) throws Exception {
    Vertx vertx = io.homeport.cluster.HazelcastClusters.vertx(new VertxOptions().setPreferNativeTransport(true), config.cluster()).await(60, TimeUnit.SECONDS);
    TestServer t = new TestServer(vertx, config, builder -> {});
    t.startServer();
    return t;
  }

  private void startServer() throws Exception {
    HomeportServer.Builder builder = HomeportServer.builder(vertx, config);
    parts.accept(builder);
    server = builder.build().start().await(60, TimeUnit.SECONDS);
    adminToken = AdminToken.read(config.dataDir()).orElseThrow();
  }

  /**
   * Stops the server and starts it again on the same data directory and the same beacon and device
   * channel ports (so enrolled devices can find it again).
   */
  public void restart() throws Exception {
    restartOn(server.beaconPort(), server.deviceChannelPort());
  }

  /** Stops the server and starts it again on the same data directory with these beacon and device-channel ports. */
  public void restartOn(int beaconPort, int channelPort) throws Exception {
    server.stop().await(30, TimeUnit.SECONDS);
    config = config.withListeners(new Endpoint("127.0.0.1", beaconPort, 0), new Endpoint("127.0.0.1", channelPort, 0));
    startServer();
  }

  public HomeportServer server() {
    return server;
  }

  public Vertx vertx() {
    return vertx;
  }

  public String adminToken() {
    return adminToken;
  }

  public URI deviceChannel() {
    return URI.create("https://localhost:" + server.deviceChannelPort());
  }

  public HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An admin API call that must succeed with the given status; returns the JSON body (or {} when empty). */
  public JsonObject admin(String method, String path, String body, int expectedStatus) throws Exception {
    HttpResponse<String> r = api(method, path, adminToken, body);
    if (r.statusCode() != expectedStatus) {
      throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  /** Creates a device through the API and returns its enrollment token. */
  public String createDevice(String id) throws Exception {
    return admin("POST", "/api/v1/devices", new JsonObject().put("id", id).encode(), 201)
        .getJsonObject("enrollment").getString("token");
  }

  /** Creates and enrolls a device the way an operator and the reference agent would. */
  public DeviceBundle enrollDevice(String id) throws Exception {
    return Enroller.enroll(deviceChannel(), createDevice(id));
  }

  public JsonObject presence(String deviceId) throws Exception {
    return admin("GET", "/api/v1/devices/" + deviceId, null, 200).getJsonObject("presence");
  }

  /** Waits until the server counts the device online (its keepalive was accepted). */
  public void awaitOnline(String deviceId, Duration timeout) throws InterruptedException {
    await(deviceId + " is online", timeout,
        () -> server.presence().get(deviceId).map(p -> p.online()).orElse(false));
  }

  /** Polls until the condition holds; fails with the description after the timeout. */
  public static void await(String description, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + description);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
