package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.TestEvents;
import io.homeport.auth.ApiTokens;
import io.homeport.auth.Role;
import io.homeport.event.EventType;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/v1/events: authentication, roles, device scoping and filters, on a real server. */
class EventStreamTest {
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

  // -------------------------------------------------------------------------------- authentication

  @Test
  @DisplayName("Verifies that an upgrade without a token or with a bad one is answered with a 401 problem")
  void unauthenticated() throws Exception {
    String admin = server.adminToken();
    String tampered = admin.substring(0, admin.length() - 4) + (admin.endsWith("AAAA") ? "BBBB" : "AAAA");
    List<Map<String, String>> attempts = List.of(
        Map.of(),
        Map.of("Authorization", "Bearer not-a-jwt"),
        Map.of("Authorization", "Bearer " + tampered),
        Map.of("Authorization", "Basic YWRtaW46YWRtaW4="),
        Map.of("Sec-WebSocket-Protocol", "bearer, " + tampered),
        Map.of("Sec-WebSocket-Protocol", "bearer"));
    for (Map<String, String> headers : attempts) {
      // given an upgrade request with these credentials
      // when it is sent
      RawWebSocket.Response r = handshake("", headers);
      // then it is refused before the upgrade with a problem document
      assertProblem(r, 401, "unauthenticated");
      assertThat(r.headers().get("www-authenticate")).isEqualTo("Bearer");
    }
    // and a bad token in the query parameter fares no better
    assertProblem(handshake("?access_token=" + tampered, Map.of()), 401, "unauthenticated");
  }

  @Test
  @DisplayName("Verifies that a token works in the Authorization header, the access_token parameter and the subprotocols")
  void tokenPlaces() throws Exception {
    // given an integrator token and three subscribers carrying it in the three places
    String token = server.server().tokens().mint(Role.INTEGRATOR, "dashboard", 300);
    long after = latest();
    StreamClient header = StreamClient.connect(port(), "after=" + after, token);
    StreamClient query = StreamClient.connect(port(), "after=" + after + "&access_token=" + token, b -> {},
        Integer.MAX_VALUE);
    StreamClient subprotocol = StreamClient.connect(port(), "after=" + after, b -> b.subprotocols("bearer", token),
        Integer.MAX_VALUE);

    // when an event is published
    publish(EventType.DEVICE_ONLINE, "dev-places", "198.18.0.9:4000");

    // then each receives it, and the subprotocol subscriber was answered with the bearer subprotocol
    for (StreamClient c : List.of(header, query, subprotocol)) {
      TestServer.await("the event", Duration.ofSeconds(10), () -> c.count() == 1);
      JsonObject e = c.events.get(0);
      assertThat(e.fieldNames()).containsExactly("id", "type", "time", "deviceId", "data");
      assertThat(e.getString("type")).isEqualTo("device.online");
      assertThat(e.getString("deviceId")).isEqualTo("dev-places");
      assertThat(e.getJsonObject("data").getString("publicAddress")).isEqualTo("198.18.0.9:4000");
      assertThat(e.getLong("id")).isEqualTo(after + 1);
      c.close();
    }
    assertThat(subprotocol.socket().getSubprotocol()).isEqualTo("bearer");
    assertThat(header.socket().getSubprotocol()).isEmpty();
    // and a raw handshake sees the header in the 101 answer
    try (RawWebSocket raw = RawWebSocket.connect(port(), 0)) {
      RawWebSocket.Response r = raw.handshake(EventStreamRoutes.PATH, Map.of("Sec-WebSocket-Protocol", "bearer, " + token));
      assertThat(r.status()).isEqualTo(101);
      assertThat(r.headers().get("sec-websocket-protocol")).isEqualTo("bearer");
    }
  }

  @Test
  @DisplayName("Verifies that admin, operator and integrator may subscribe and application tokens and a token without a "
      + "known role may not")
  void roles() throws Exception {
    // given tokens of every role and one whose role claim is unknown
    ApiTokens tokens = server.server().tokens();
    String guest = tokens.provider().generateToken(new JsonObject().put("role", "guest"),
        new JWTOptions().setAlgorithm("ES256").setIssuer(ApiTokens.ISSUER).setSubject("guest").setExpiresInSeconds(300));

    // when each subscribes
    // then the three reading roles are upgraded, the application role and the unknown role are refused with 403
    for (Role role : Role.values()) {
      RawWebSocket.Response r = handshake("", Map.of("Authorization", "Bearer " + tokens.mint(role, "r", 300)));
      if (role.readsOperatorApi()) {
        assertThat(r.status()).as(role.claim()).isEqualTo(101);
      } else {
        assertProblem(r, 403, "forbidden");
      }
    }
    assertProblem(handshake("", Map.of("Authorization", "Bearer " + guest)), 403, "forbidden");
  }

  @Test
  @DisplayName("Verifies that a request that is not an upgrade gets 426 and malformed parameters get 400")
  void refusals() throws Exception {
    String admin = server.adminToken();
    // given a plain GET with a valid token
    try (RawWebSocket raw = RawWebSocket.connect(port(), 0)) {
      // when it is sent
      RawWebSocket.Response r = raw.get(EventStreamRoutes.PATH, Map.of("Authorization", "Bearer " + admin));
      // then it is told to upgrade
      assertProblem(r, 426, "websocket-required");
      assertThat(r.headers().get("upgrade")).isEqualTo("websocket");
    }
    // and malformed parameters name the parameter
    Map<String, String> auth = Map.of("Authorization", "Bearer " + admin);
    assertThat(assertProblem(handshake("?types=Device.*", auth), 400, "invalid-field").getString("field"))
        .isEqualTo("types");
    assertThat(assertProblem(handshake("?types=dev*ice", auth), 400, "invalid-field").getString("field"))
        .isEqualTo("types");
    assertThat(assertProblem(handshake("?after=-1", auth), 400, "invalid-field").getString("field"))
        .isEqualTo("after");
    assertThat(assertProblem(handshake("?after=abc", auth), 400, "invalid-field").getString("field"))
        .isEqualTo("after");
    JsonObject beyond = assertProblem(handshake("?after=" + (latest() + 1_000), auth), 400, "invalid-field");
    assertThat(beyond.getString("field")).isEqualTo("after");
    assertThat(beyond.getString("detail")).contains("beyond the newest event id");
  }

  // ------------------------------------------------------------------------------ scoping, filters

  @Test
  @DisplayName("Verifies that an integrator limited to device a never sees events of b or events without a device")
  void deviceScope() throws Exception {
    // given devices a and b, an integrator limited to [a], the same with devices=a,b, and an admin
    server.createDevice("scope-a");
    server.createDevice("scope-b");
    String scoped = server.server().tokens().mint(Role.INTEGRATOR, "partner", 300,
        new JsonObject().put("devices", new JsonArray().add("scope-a")));
    long after = latest();
    StreamClient integrator = StreamClient.connect(port(), "after=" + after, scoped);
    StreamClient asksForBoth = StreamClient.connect(port(), "after=" + after + "&devices=scope-a,scope-b", scoped);
    StreamClient admin = StreamClient.connect(port(), "after=" + after, server.adminToken());

    // when commands are sent to both devices through the API, and device and plugin events happen
    String cmdA = server.admin("POST", "/api/v1/devices/scope-a/commands", "{\"action\":\"on\"}", 201).getString("id");
    server.admin("POST", "/api/v1/devices/scope-b/commands", "{\"action\":\"on\"}", 201);
    server.admin("DELETE", "/api/v1/commands/" + cmdA, null, 200);
    publish(EventType.DEVICE_ONLINE, "scope-b", "");
    publish(EventType.PLUGIN_LOADED, null, "echonet-lite.jar");
    publish(EventType.DEVICE_ONLINE, "scope-a", "last");

    // then the scoped subscribers see a's three events only, in order, also when they asked for b too
    for (StreamClient c : List.of(integrator, asksForBoth)) {
      TestServer.await("a's last event", Duration.ofSeconds(10), () -> lastIs(c, "scope-a"));
      assertThat(c.snapshot()).extracting(e -> e.getString("deviceId")).containsOnly("scope-a");
      assertThat(c.snapshot()).extracting(e -> e.getString("type"))
          .containsExactly("command.queued", "command.cancelled", "device.online");
      assertThat(c.events.get(0).getJsonObject("data").getString("commandId")).isEqualTo(cmdA);
    }
    // while the admin sees everything, including b and the plugin
    TestServer.await("a's last event", Duration.ofSeconds(10), () -> lastIs(admin, "scope-a"));
    assertThat(admin.snapshot()).extracting(e -> e.getString("type")).containsExactly("command.queued",
        "command.queued", "command.cancelled", "device.online", "plugin.loaded", "device.online");
    // and asking only for devices outside the scope is refused
    assertProblem(handshake("?devices=scope-b", Map.of("Authorization", "Bearer " + scoped)), 403, "forbidden");
    List.of(integrator, asksForBoth, admin).forEach(StreamClient::close);
  }

  @Test
  @DisplayName("Verifies that an integrator limited to a group never sees events of devices outside it, and regrouping applies at once")
  void groupScope() throws Exception {
    // given device ga in group lab, gb in none, and an integrator limited to lab
    server.admin("POST", "/api/v1/devices", "{\"id\":\"group-a\",\"groups\":[\"lab\"]}", 201);
    server.createDevice("group-b");
    String scoped = server.admin("POST", "/api/v1/tokens",
        "{\"role\":\"integrator\",\"subject\":\"lab\",\"groups\":[\"lab\"]}", 201).getString("token");
    StreamClient c = StreamClient.connect(port(), "after=" + latest(), scoped);

    // when b, a plugin and a have events
    publish(EventType.DEVICE_ONLINE, "group-b", "");
    publish(EventType.PLUGIN_LOADED, null, "echonet-lite.jar");
    publish(EventType.DEVICE_ONLINE, "group-a", "last");
    // then only a's event arrives
    TestServer.await("a's event", Duration.ofSeconds(10), () -> lastIs(c, "group-a"));
    assertThat(c.snapshot()).extracting(e -> e.getString("deviceId")).containsExactly("group-a");
    // and asking only for b is refused
    assertProblem(handshake("?devices=group-b", Map.of("Authorization", "Bearer " + scoped)), 403, "forbidden");

    // when b is moved into lab and a out of it, and both have events
    server.admin("PUT", "/api/v1/devices/group-b/groups", "{\"groups\":[\"lab\"]}", 200);
    server.admin("PUT", "/api/v1/devices/group-a/groups", "{\"groups\":[]}", 200);
    publish(EventType.DEVICE_ONLINE, "group-a", "");
    publish(EventType.DEVICE_OFFLINE, "group-b", "last");

    // then the same subscription now gets b's event and not a's
    TestServer.await("b's event", Duration.ofSeconds(10), () -> lastIs(c, "group-b"));
    assertThat(c.snapshot()).extracting(e -> e.getString("deviceId")).containsExactly("group-a", "group-b");
    c.close();
  }

  @Test
  @DisplayName("Verifies that type patterns with wildcards and a devices filter select the events")
  void typeFilters() throws Exception {
    // given subscribers with different filters
    String token = server.server().tokens().mint(Role.OPERATOR, "ops", 300);
    long after = latest();
    StreamClient devices = StreamClient.connect(port(), "after=" + after + "&types=device.*", token);
    StreamClient outcomes = StreamClient.connect(port(), "after=" + after + "&types=command.succeeded,*.failed", token);
    StreamClient prefix = StreamClient.connect(port(), "after=" + after + "&types=command.time*&types=plugin.loaded",
        token);
    StreamClient oneDevice = StreamClient.connect(port(), "after=" + after + "&devices=f-2&types=*", token);

    // when one event of each kind is published, for two devices
    EventType[] kinds = {EventType.DEVICE_ONLINE, EventType.DEVICE_ADDRESS_CHANGED, EventType.COMMAND_QUEUED,
        EventType.COMMAND_SUCCEEDED, EventType.COMMAND_FAILED, EventType.COMMAND_TIMED_OUT, EventType.PLUGIN_LOADED,
        EventType.PLUGIN_FAILED};
    for (EventType kind : kinds) {
      publish(kind, kind.name().startsWith("PLUGIN") ? null : "f-1", "");
      publish(kind, kind.name().startsWith("PLUGIN") ? null : "f-2", "");
    }
    publish(EventType.DEVICE_OFFLINE, "f-2", "last");

    // then each saw exactly its kinds, in order
    TestServer.await("the last event", Duration.ofSeconds(10), () -> lastIs(devices, "f-2") && lastIs(oneDevice, "f-2"));
    TestServer.await("the filtered events", Duration.ofSeconds(10), () -> outcomes.count() == 6 && prefix.count() == 4);
    assertThat(types(devices)).containsExactly("device.online", "device.online", "device.address-changed",
        "device.address-changed", "device.offline");
    assertThat(types(outcomes)).containsExactly("command.succeeded", "command.succeeded", "command.failed",
        "command.failed", "plugin.failed", "plugin.failed");
    assertThat(types(prefix)).containsExactly("command.timed-out", "command.timed-out", "plugin.loaded",
        "plugin.loaded");
    assertThat(oneDevice.snapshot()).hasSize(7).extracting(e -> e.getString("deviceId")).containsOnly("f-2");
    List.of(devices, outcomes, prefix, oneDevice).forEach(StreamClient::close);
  }

  @Test
  @DisplayName("Verifies that without after= a subscriber gets the events after it subscribed, and none before")
  void liveOnly() throws Exception {
    // given an event stored before subscribing
    publish(EventType.DEVICE_ONLINE, "live-1", "before");
    long before = latest();
    StreamClient c = StreamClient.connect(port(), "devices=live-1", server.adminToken());

    // when events are published after it subscribed (until the first arrives: the subscription is
    // registered right after the upgrade)
    for (int i = 0; c.count() == 0 && i < 100; i++) {
      publish(EventType.DEVICE_ONLINE, "live-1", "after " + i);
      Thread.sleep(100);
    }
    server.server().events().flush().await(10, TimeUnit.SECONDS);
    Thread.sleep(200);

    // then it received events after the one before, in order and without a gap from the first on
    List<JsonObject> got = c.snapshot();
    assertThat(got).isNotEmpty();
    assertThat(got).noneMatch(e -> "before".equals(TestEvents.marker(e)));
    assertThat(got.get(0).getLong("id")).isGreaterThan(before);
    for (int i = 1; i < got.size(); i++) {
      assertThat(got.get(i).getLong("id")).isEqualTo(got.get(i - 1).getLong("id") + 1);
    }
    c.close();
  }

  @Test
  @DisplayName("Verifies that the stream is closed with 4001 when the subscriber's token expires")
  void tokenExpiry() throws Exception {
    // given a subscriber whose token expires in 2 s
    String shortLived = server.server().tokens().mint(Role.INTEGRATOR, "short", 2);
    StreamClient c = StreamClient.connect(port(), "after=" + latest(), shortLived);

    // when the token expires
    StreamClient.Closed closed = c.closed.get(10, TimeUnit.SECONDS);

    // then the server closes the stream with 4001 and says where to resume
    assertThat(closed.code()).isEqualTo(4001);
    assertThat(closed.reason()).matches("token expired; resume with after=\\d+");
  }

  @Test
  @DisplayName("Verifies that a revoked token is refused before the upgrade and closes a stream it had opened with 4001")
  void revokedToken() throws Exception {
    // given an integrator token minted through the API and a subscriber using it
    JsonObject minted = server.admin("POST", "/api/v1/tokens",
        "{\"role\":\"integrator\",\"subject\":\"revoked-later\",\"expiresIn\":\"1h\"}", 201);
    String token = minted.getString("token");
    StreamClient c = StreamClient.connect(port(), "after=" + latest(), token);

    // when an admin revokes the token
    server.admin("DELETE", "/api/v1/tokens/" + minted.getString("id"), null, 200);

    // then the open stream is closed with 4001 within the check period, and a new subscription is refused
    StreamClient.Closed closed = c.closed.get(10, TimeUnit.SECONDS);
    assertThat(closed.code()).isEqualTo(4001);
    assertThat(closed.reason()).matches("token revoked; resume with after=\\d+");
    assertProblem(handshake("", Map.of("Authorization", "Bearer " + token)), 401, "token-revoked");
  }

  // --------------------------------------------------------------------------------------- helpers

  static boolean lastIs(StreamClient c, String deviceId) {
    List<JsonObject> events = c.snapshot();
    return !events.isEmpty() && deviceId.equals(events.get(events.size() - 1).getString("deviceId"))
        && "last".equals(TestEvents.marker(events.get(events.size() - 1)));
  }

  static List<String> types(StreamClient c) {
    return c.snapshot().stream().map(e -> e.getString("type")).toList();
  }

  static int port() {
    return server.server().apiPort();
  }

  static long latest() throws Exception {
    server.server().events().flush().await(10, TimeUnit.SECONDS);
    return server.server().events().latestId().await(10, TimeUnit.SECONDS);
  }

  /** Publishes an event of this type with the marker in a field (see {@link TestEvents#marked}). */
  static void publish(EventType type, String deviceId, String marker) {
    server.server().events().publish(TestEvents.marked(type, deviceId, marker));
  }

  static RawWebSocket.Response handshake(String query, Map<String, String> headers) throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(port(), 0)) {
      return raw.handshake(EventStreamRoutes.PATH + query, headers);
    }
  }

  static JsonObject assertProblem(RawWebSocket.Response r, int status, String slug) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().get("content-type")).isEqualTo("application/problem+json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("type")).isEqualTo("urn:homeport:problem:" + slug);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("detail")).isNotBlank();
    return p;
  }
}
