package io.homeport.metrics;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.agent.AgentState;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.KeepaliveSession;
import io.homeport.auth.Role;
import io.homeport.beacon.KeepaliveOutcome;
import io.homeport.command.CommandState;
import io.homeport.config.ConfigException;
import io.homeport.config.ConfigLoader;
import io.homeport.config.MetricsSettings;
import io.homeport.testing.PluginJars;
import io.homeport.testing.Ports;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics}: protection, the meters it exposes, and values that move with real traffic. */
class MetricsTest {
  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("Verifies that /metrics needs a valid API token by default: 401 problem without one or with a bad one, 200 for any role")
  void tokenRequiredByDefault() throws Exception {
    // given the default configuration (metrics.access: token, on the API listener)
    assertThat(server.server().config().metrics()).isEqualTo(MetricsSettings.DEFAULT);
    // when /metrics is read without a token or with a forged one
    HttpResponse<String> none = server.api("GET", "/metrics", null, null);
    HttpResponse<String> forged = server.api("GET", "/metrics", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA", null);
    // then both are refused with the API's problem
    assertProblem(none, 401, "unauthenticated");
    assertProblem(forged, 401, "unauthenticated");
    // and any reading role's token may read them, in the Prometheus text format (an application token may not)
    assertProblem(server.api("GET", "/metrics", server.server().tokens().mint(Role.APPLICATION, "app", 300), null),
        403, "forbidden");
    for (Role role : Role.values()) {
      if (!role.readsOperatorApi()) {
        continue;
      }
      String token = server.server().tokens().mint(role, "scraper-" + role.claim(), 300);
      HttpResponse<String> ok = server.api("GET", "/metrics", token, null);
      assertThat(ok.statusCode()).as(role.claim()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(ok.body()).contains("# TYPE homeport_keepalives_total counter");
    }
  }

  @Test
  @DisplayName("Verifies that /metrics exposes every Homeport meter with its tags and Vert.x's HTTP metrics, "
      + "but no per-packet datagram series even after datagrams reached the beacon")
  void exposesEveryMeter() throws Exception {
    // given datagrams at the beacon (a malformed one is enough to be counted)
    double malformedBefore = scrape().value("homeport_keepalives_total", "outcome", "malformed");
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      byte[] junk = "not a STUN message".getBytes(StandardCharsets.US_ASCII);
      s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), server.server().beaconPort()));
    }
    awaitValue("the malformed datagram is counted", "homeport_keepalives_total", malformedBefore + 1, "outcome", "malformed");

    // when /metrics is read
    Scrape m = scrape();

    // then every Homeport meter is there, with each tag value
    for (KeepaliveOutcome o : KeepaliveOutcome.values()) {
      assertThat(m.has("homeport_keepalives_total", "outcome", o.label())).as(o.label()).isTrue();
    }
    for (CommandState s : CommandState.values()) {
      assertThat(m.has("homeport_commands_total", "state", s.wireName())).as(s.wireName()).isTrue();
    }
    for (String outcome : List.of("succeeded", "failed")) {
      assertThat(m.has("homeport_command_result_latency_seconds_count", "outcome", outcome)).isTrue();
      assertThat(m.has("homeport_command_result_latency_seconds_sum", "outcome", outcome)).isTrue();
      assertThat(m.has("homeport_command_result_latency_seconds_bucket", "outcome", outcome, "le", "1.0")).isTrue();
      assertThat(m.has("homeport_command_result_latency_seconds_bucket", "outcome", outcome, "le", "+Inf")).isTrue();
    }
    assertThat(m.has("homeport_device_channel_handshakes_total", "outcome", "success")).isTrue();
    assertThat(m.has("homeport_device_channel_handshakes_total", "outcome", "failure")).isTrue();
    for (String name : List.of("homeport_keepalive_answers_suppressed_total", "homeport_devices_online",
        "homeport_wakes_sent_total", "homeport_wakes_retransmitted_total", "homeport_event_stream_subscribers",
        "homeport_plugins_loaded", "homeport_plugin_jars_failed")) {
      assertThat(m.has(name)).as(name).isTrue();
    }
    // and Vert.x's own HTTP server metrics are on
    assertThat(m.names()).anyMatch(n -> n.startsWith("vertx_http_server_"));
    // and the datagram domain is off: nothing runs per packet on the beacon socket
    assertThat(m.names()).noneMatch(n -> n.startsWith("vertx_datagram"));
    assertThat(m.text()).doesNotContain("vertx_datagram");
  }

  @Test
  @DisplayName("Verifies that keepalive, online-device and wake metrics move when a device sends keepalives and is woken")
  void keepalivesAndWakesMove(@TempDir Path own) throws Exception {
    // given a server of its own, so that no other device is online, and a device speaking UDP over a plain socket
    try (TestServer s = TestServer.start(own.resolve("data"))) {
      DeviceBundle bundle = s.enrollDevice("udp-1");
      Scrape before = scrape(s);
      assertThat(before.value("homeport_devices_online")).isZero();
      try (UdpDevice device = new UdpDevice(s, bundle)) {
        // when it sends its first keepalive (a new nonce is fetched first) and a datagram that is not STUN
        assertThat(device.keepalive()).isInstanceOf(KeepaliveSession.Accepted.class);
        device.send("garbage".getBytes(StandardCharsets.US_ASCII));

        // then the outcomes are counted and the device is online
        awaitValue(s, "the keepalive outcomes are counted", "homeport_keepalives_total",
            before.value("homeport_keepalives_total", "outcome", "accepted") + 1, "outcome", "accepted");
        Scrape online = awaitValue(s, "the garbage is counted", "homeport_keepalives_total",
            before.value("homeport_keepalives_total", "outcome", "malformed") + 1, "outcome", "malformed");
        assertThat(online.value("homeport_keepalives_total", "outcome", "stale-nonce"))
            .isEqualTo(before.value("homeport_keepalives_total", "outcome", "stale-nonce") + 1);
        assertThat(online.value("homeport_devices_online")).isEqualTo(1);

        // when a command for it is queued and the device never calls in
        String id = s.admin("POST", "/api/v1/devices/udp-1/commands", "{\"action\":\"ping\"}", 201).getString("id");

        // then a wake is sent once, and repeated
        Scrape woken = awaitAtLeast(s, "the wake is repeated", "homeport_wakes_retransmitted_total",
            before.value("homeport_wakes_retransmitted_total") + 1);
        assertThat(woken.value("homeport_wakes_sent_total")).isEqualTo(before.value("homeport_wakes_sent_total") + 1);
        assertThat(device.receivedAnything()).as("the wake reached the device's socket").isTrue();
        s.admin("DELETE", "/api/v1/commands/" + id, null, 200);
      }
      // when the device falls silent for longer than the grace period, then the gauge drops again
      awaitValue(s, "the device is offline", "homeport_devices_online", 0);
    }
  }

  @Test
  @DisplayName("Verifies that command counters, the wake-to-result latency histogram and TLS handshakes move "
      + "when the reference agent completes commands")
  void commandsAndLatencyMove() throws Exception {
    // given an online device run by the reference agent
    Vertx agents = Vertx.vertx();
    try {
      Scrape before = scrape();
      DeviceAgent agent = new DeviceAgent(server.enrollDevice("lamp-1"), Clock.systemUTC(), null, Duration.ZERO);
      agents.deployVerticle(agent).await(10, TimeUnit.SECONDS);
      TestServer.await("the agent is online", Duration.ofSeconds(5), () -> agent.state() == AgentState.ONLINE);

      // when a command succeeds and another fails
      JsonObject ok = server.admin("POST", "/api/v1/devices/lamp-1/commands?wait=10s",
          "{\"action\":\"switch\",\"params\":{\"on\":true}}", 200);
      JsonObject failed = server.admin("POST", "/api/v1/devices/lamp-1/commands?wait=10s",
          "{\"action\":\"switch\",\"params\":{\"fail\":true}}", 200);
      assertThat(ok.getString("state")).isEqualTo("succeeded");
      assertThat(failed.getString("state")).isEqualTo("failed");

      // then each transition is counted
      awaitValue("both results are timed", "homeport_command_result_latency_seconds_count",
          before.value("homeport_command_result_latency_seconds_count", "outcome", "failed") + 1, "outcome", "failed");
      Scrape after = awaitValue("the success is timed", "homeport_command_result_latency_seconds_count",
          before.value("homeport_command_result_latency_seconds_count", "outcome", "succeeded") + 1, "outcome", "succeeded");
      for (String state : List.of("queued", "delivered")) {
        assertThat(after.value("homeport_commands_total", "state", state)).as(state)
            .isEqualTo(before.value("homeport_commands_total", "state", state) + 2);
      }
      for (String state : List.of("succeeded", "failed")) {
        assertThat(after.value("homeport_commands_total", "state", state)).as(state)
            .isEqualTo(before.value("homeport_commands_total", "state", state) + 1);
      }
      assertThat(after.value("homeport_commands_total", "state", "expired"))
          .isEqualTo(before.value("homeport_commands_total", "state", "expired"));
      // and the latency histogram holds both, the quick one in a small bucket
      double sum = after.value("homeport_command_result_latency_seconds_sum", "outcome", "succeeded")
          - before.value("homeport_command_result_latency_seconds_sum", "outcome", "succeeded");
      assertThat(sum).isGreaterThan(0).isLessThan(10);
      assertThat(after.value("homeport_command_result_latency_seconds_bucket", "outcome", "succeeded", "le", "10.0"))
          .isEqualTo(before.value("homeport_command_result_latency_seconds_bucket", "outcome", "succeeded", "le", "10.0") + 1);
      // and the device was woken, and its TLS connections (enrollment, hellos, results) were counted
      assertThat(after.value("homeport_wakes_sent_total")).isGreaterThan(before.value("homeport_wakes_sent_total"));
      assertThat(after.value("homeport_device_channel_handshakes_total", "outcome", "success"))
          .isGreaterThan(before.value("homeport_device_channel_handshakes_total", "outcome", "success"));
    } finally {
      agents.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Verifies that failed TLS handshakes on the device channel are counted")
  void failedHandshakesMove() throws Exception {
    // given the failure count
    double before = scrape().value("homeport_device_channel_handshakes_total", "outcome", "failure");
    // when a client speaks plain HTTP to the TLS port
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.server().deviceChannelPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /device/v1/self HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // drain until the server closes the connection
      }
    } catch (SocketTimeoutException | java.net.SocketException ignored) {
      // a reset is fine too
    }
    // then one failed handshake is counted
    awaitValue("the failed handshake is counted", "homeport_device_channel_handshakes_total", before + 1,
        "outcome", "failure");
  }

  @Test
  @DisplayName("Verifies that the plugin gauges show loaded plugins and failed jars after a reload")
  void pluginGauges() throws Exception {
    // given no plugins
    Scrape before = scrape();
    Path plugins = dir.resolve("data/plugins");
    Files.createDirectories(plugins);
    // when a working and a broken jar are dropped in and the plugins reloaded
    PluginJars.working(plugins, "demo.jar", "metricsdemo", "metricsdemo");
    PluginJars.build(plugins.resolve("broken.jar"),
        Map.of("vendor.broken.Plugin", PluginJars.pluginSource("broken", "broken", "42", "")), "vendor.broken.Plugin\n");
    server.admin("POST", "/api/v1/plugins/reload", null, 200);
    // then the gauges follow
    Scrape after = scrape();
    assertThat(after.value("homeport_plugins_loaded")).isEqualTo(before.value("homeport_plugins_loaded") + 1);
    assertThat(after.value("homeport_plugin_jars_failed")).isEqualTo(before.value("homeport_plugin_jars_failed") + 1);
    // when both are removed again, then the gauges drop
    Files.delete(plugins.resolve("demo.jar"));
    Files.delete(plugins.resolve("broken.jar"));
    server.admin("POST", "/api/v1/plugins/reload", null, 200);
    assertThat(scrape().value("homeport_plugins_loaded")).isEqualTo(before.value("homeport_plugins_loaded"));
    assertThat(scrape().value("homeport_plugin_jars_failed")).isEqualTo(before.value("homeport_plugin_jars_failed"));
  }

  @Test
  @DisplayName("Verifies that the event-stream subscriber gauge reads what the event stream registers, and 0 without it")
  void subscriberGauge() throws Exception {
    HomeportMetrics metrics = server.server().metrics();
    try {
      // given nothing registered, then 0
      assertThat(scrape().value("homeport_event_stream_subscribers")).isZero();
      // when the stream registers its count, then the gauge follows it at each scrape
      AtomicInteger subscribers = new AtomicInteger(2);
      metrics.registerSubscriberGauge(subscribers::get);
      assertThat(scrape().value("homeport_event_stream_subscribers")).isEqualTo(2);
      subscribers.set(5);
      assertThat(scrape().value("homeport_event_stream_subscribers")).isEqualTo(5);
    } finally {
      metrics.registerSubscriberGauge(null);
    }
    assertThat(scrape().value("homeport_event_stream_subscribers")).isZero();
  }

  @Test
  @DisplayName("Verifies that with metrics.port set, /metrics is served open on a management listener and no longer on the API")
  void managementListener(@TempDir Path own) throws Exception {
    // given metrics.access open on a management listener
    int port = Ports.freeTcp();
    MetricsSettings settings = ConfigLoader.load(null, Map.of("HOMEPORT_METRICS_ACCESS", "open",
        "HOMEPORT_METRICS_BIND", "127.0.0.1", "HOMEPORT_METRICS_PORT", String.valueOf(port))).metrics();
    try (TestServer s = TestServer.start(TestServer.config(own.resolve("data"), Map.of()).withMetrics(settings))) {
      // when /metrics is read there without a token
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      // then it answers, and the API listener no longer serves it
      assertThat(s.server().metrics().managementPort()).isEqualTo(port);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(Scrape.parse(r.body()).has("homeport_devices_online")).isTrue();
      assertProblem(s.api("GET", "/metrics", s.adminToken(), null), 404, "not-found");
      HttpResponse<String> other = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/devices")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertProblem(other, 404, "not-found");
    }
  }

  @Test
  @DisplayName("Verifies that the metrics settings default to token access on the API listener, and are validated")
  void settings() {
    // given the defaults, then token access on the API listener
    assertThat(ConfigLoader.load(null, Map.of()).metrics()).isEqualTo(new MetricsSettings(MetricsSettings.Access.TOKEN,
        "127.0.0.1", 0));
    // when overridden, then taken as given
    assertThat(ConfigLoader.load(null, Map.of("HOMEPORT_METRICS_ACCESS", "open", "HOMEPORT_METRICS_BIND", "0.0.0.0",
        "HOMEPORT_METRICS_PORT", "9400")).metrics())
        .isEqualTo(new MetricsSettings(MetricsSettings.Access.OPEN, "0.0.0.0", 9400));
    // when invalid, then loading stops naming the setting
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_METRICS_ACCESS", "public")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.access");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_METRICS_BIND", "metrics-host")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.bind");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HOMEPORT_METRICS_PORT", "8080")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.port");
  }

  // --- helpers ---

  private static Scrape scrape() throws Exception {
    return scrape(server);
  }

  private static Scrape scrape(TestServer s) throws Exception {
    HttpResponse<String> r = s.api("GET", "/metrics", s.adminToken(), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Scrape.parse(r.body());
  }

  private static Scrape awaitValue(String what, String name, double expected, String... labels) throws Exception {
    return awaitValue(server, what, name, expected, labels);
  }

  /** Scrapes until the series has exactly this value; returns that scrape. */
  private static Scrape awaitValue(TestServer s, String what, String name, double expected, String... labels)
      throws Exception {
    Scrape[] last = new Scrape[1];
    TestServer.await(what + " (" + name + " = " + expected + ")", Duration.ofSeconds(10), () -> {
      try {
        last[0] = scrape(s);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return last[0].value(name, labels) == expected;
    });
    return last[0];
  }

  private static Scrape awaitAtLeast(TestServer s, String what, String name, double atLeast) throws Exception {
    Scrape[] last = new Scrape[1];
    TestServer.await(what + " (" + name + " >= " + atLeast + ")", Duration.ofSeconds(10), () -> {
      try {
        last[0] = scrape(s);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return last[0].value(name) >= atLeast;
    });
    return last[0];
  }

  /** One scrape in the Prometheus text format, parsed into series. */
  record Scrape(String text, List<Series> series) {
    record Series(String name, Map<String, String> labels, double value) {}

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+).*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Scrape parse(String text) {
      List<Series> series = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        Matcher m = LINE.matcher(line);
        assertThat(m.matches()).as("a Prometheus text line: " + line).isTrue();
        Map<String, String> labels = new HashMap<>();
        if (m.group(3) != null) {
          Matcher l = LABEL.matcher(m.group(3));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
        }
        series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
      }
      return new Scrape(text, series);
    }

    List<String> names() {
      return series.stream().map(Series::name).distinct().toList();
    }

    boolean has(String name, String... labels) {
      return series.stream().anyMatch(s -> matches(s, name, labels));
    }

    /** The one series with this name and (at least) these labels, given as name, value, name, value ... */
    double value(String name, String... labels) {
      List<Series> found = series.stream().filter(s -> matches(s, name, labels)).toList();
      assertThat(found).as("series " + name + " " + List.of(labels)).hasSize(1);
      return found.get(0).value();
    }

    private static boolean matches(Series s, String name, String... labels) {
      if (!s.name().equals(name)) {
        return false;
      }
      for (int i = 0; i < labels.length; i += 2) {
        if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
          return false;
        }
      }
      return true;
    }
  }

  /** A device speaking the keepalive protocol over a plain JDK socket. */
  private static final class UdpDevice implements AutoCloseable {
    final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    final KeepaliveSession session;
    final TestServer server;

    UdpDevice(TestServer server, DeviceBundle bundle) throws Exception {
      this.server = server;
      session = new KeepaliveSession(bundle.deviceId(), bundle.beaconKey(), System.currentTimeMillis());
      socket.setSoTimeout(1000);
    }

    void send(byte[] datagram) throws Exception {
      socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
          server.server().beaconPort()));
    }

    KeepaliveSession.Answer exchange(byte[] keepalive) throws Exception {
      send(keepalive);
      byte[] buf = new byte[1500];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      return session.onDatagram(java.util.Arrays.copyOf(buf, p.getLength()));
    }

    KeepaliveSession.Answer keepalive() throws Exception {
      KeepaliveSession.Answer a = exchange(session.nextKeepalive());
      return a instanceof KeepaliveSession.NonceRefreshed ? exchange(session.nextKeepalive()) : a;
    }

    /** True when a datagram (a wake) arrived within a second. */
    boolean receivedAnything() throws Exception {
      byte[] buf = new byte[1500];
      try {
        socket.receive(new DatagramPacket(buf, buf.length));
        return true;
      } catch (SocketTimeoutException e) {
        return false;
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
