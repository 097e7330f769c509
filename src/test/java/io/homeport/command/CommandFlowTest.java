package io.homeport.command;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.AgentState;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.pki.TlsContexts;
import io.homeport.stun.StunAttributes;
import io.homeport.testing.TestServer;
import io.homeport.wake.WakeMessages;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands end to end in one JVM: API, store, wake over loopback UDP, device channel, reference
 * agent. The server suggests the production keepalive interval (25 s), so a command that completes
 * within two seconds was carried by a wake, not by the pending flag of a keepalive answer.
 */
class CommandFlowTest {
  @TempDir
  static Path dir;
  static TestServer server;
  private final Vertx agents = Vertx.vertx();

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(TestServer.config(dir.resolve("data"), Map.of())
        .withKeepalive(Duration.ofSeconds(25), Duration.ofSeconds(90)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @AfterEach
  void stopAgents() {
    agents.close().await();
  }

  private DeviceAgent runAgent(DeviceBundle bundle) throws Exception {
    DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO);
    agents.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    TestServer.await("the agent is online", Duration.ofSeconds(5), () -> agent.state() == AgentState.ONLINE);
    return agent;
  }

  private static JsonObject post(String deviceId, String query, String body, int status) throws Exception {
    return server.admin("POST", "/api/v1/devices/" + deviceId + "/commands" + query, body, status);
  }

  private static JsonObject command(String id) throws Exception {
    return server.admin("GET", "/api/v1/commands/" + id, null, 200);
  }

  private static void awaitState(String id, String state, Duration timeout) throws InterruptedException {
    TestServer.await("command " + id + " is " + state, timeout, () -> {
      try {
        return command(id).getString("state").equals(state);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  @DisplayName("Verifies that a command for an online device is woken, run and its result returned to a waiting caller within 2 s")
  void waitForResult() throws Exception {
    // given an online device whose keepalive interval is 25 s
    DeviceAgent agent = runAgent(server.enrollDevice("lamp-1"));
    long wakesBefore = server.server().beacon().wakesSent();
    // when a caller sends a command and waits for it
    long start = System.nanoTime();
    JsonObject c = post("lamp-1", "?wait=10s", "{\"action\":\"switch\",\"params\":{\"on\":true}}", 200);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("command result after %d ms%n", millis);
    // then the result comes back at once, carried by a wake
    assertThat(c.getString("state")).isEqualTo("succeeded");
    assertThat(c.getJsonObject("result").getString("status")).isEqualTo("ok");
    assertThat(c.getJsonObject("result").getJsonObject("data").getJsonObject("params").getBoolean("on")).isTrue();
    assertThat(c.getInteger("deliveries")).isEqualTo(1);
    assertThat(millis).isLessThan(2000);
    assertThat(server.server().beacon().wakesSent()).isGreaterThan(wakesBefore);
    assertThat(agent.wakesAccepted()).isGreaterThanOrEqualTo(1);
    assertThat(agent.commandsHandled()).isEqualTo(1);
  }

  @Test
  @DisplayName("Verifies that a failing command ends failed with the device's code, and a wait that ends early answers 202")
  void failureAndEarlyWaitEnd() throws Exception {
    runAgent(server.enrollDevice("lamp-2"));
    JsonObject failed = post("lamp-2", "?wait=10s", "{\"action\":\"switch\",\"params\":{\"fail\":true}}", 200);
    assertThat(failed.getString("state")).isEqualTo("failed");
    assertThat(failed.getJsonObject("result").getString("code")).isEqualTo("requested-failure");
    HttpResponse<String> slow = server.api("POST", "/api/v1/devices/lamp-2/commands?wait=1s", server.adminToken(),
        "{\"action\":\"slow\",\"params\":{\"delayMs\":3000}}");
    assertThat(slow.statusCode()).isEqualTo(202);
    String id = new JsonObject(slow.body()).getString("id");
    assertThat(slow.headers().firstValue("Location")).hasValue("/api/v1/commands/" + id);
    awaitState(id, "succeeded", Duration.ofSeconds(6));
  }

  @Test
  @DisplayName("Verifies that a command for an offline device stays queued and is delivered once the device comes online")
  void offlineDevice() throws Exception {
    DeviceBundle bundle = server.enrollDevice("heater-1");
    String id = post("heater-1", "", "{\"action\":\"heat\"}", 201).getString("id");
    Thread.sleep(1500);
    assertThat(command(id).getString("state")).isEqualTo("queued");
    long start = System.nanoTime();
    runAgent(bundle);
    awaitState(id, "succeeded", Duration.ofSeconds(5));
    System.out.printf("queued command done %d ms after the agent started%n", (System.nanoTime() - start) / 1_000_000);
    assertThat(command(id).getInteger("deliveries")).isEqualTo(1);
  }

  @Test
  @DisplayName("Verifies that a command whose TTL passes before its device comes online expires and is never delivered")
  void expiry() throws Exception {
    DeviceBundle bundle = server.enrollDevice("heater-2");
    String id = post("heater-2", "", "{\"action\":\"heat\",\"ttl\":\"1s\"}", 201).getString("id");
    awaitState(id, "expired", Duration.ofSeconds(3));
    DeviceAgent agent = runAgent(bundle);
    Thread.sleep(2000);
    JsonObject c = command(id);
    assertThat(c.getString("state")).isEqualTo("expired");
    assertThat(c.getString("deliveredAt")).isNull();
    assertThat(agent.commandsHandled()).isZero();
  }

  @Test
  @DisplayName("Verifies that a command with notBefore in the future is not delivered before it, and is delivered after it")
  void notBefore() throws Exception {
    runAgent(server.enrollDevice("cooker-1"));
    Instant at = Instant.now().plusSeconds(3);
    String id = post("cooker-1", "", "{\"action\":\"cook\",\"notBefore\":\"" + at + "\"}", 201).getString("id");
    Thread.sleep(1500);
    assertThat(command(id).getString("state")).isEqualTo("queued");
    awaitState(id, "succeeded", Duration.ofSeconds(5));
    assertThat(Instant.parse(command(id).getString("deliveredAt"))).isAfterOrEqualTo(at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  @Test
  @DisplayName("Verifies that a repeated idempotency key returns the original command and stores nothing new")
  void idempotency() throws Exception {
    server.enrollDevice("idem-1");
    JsonObject first = post("idem-1", "", "{\"action\":\"a\",\"idempotencyKey\":\"k-1\"}", 201);
    JsonObject again = post("idem-1", "", "{\"action\":\"other\",\"idempotencyKey\":\"k-1\"}", 200);
    assertThat(again.getString("id")).isEqualTo(first.getString("id"));
    assertThat(again.getString("action")).isEqualTo("a");
    assertThat(server.admin("GET", "/api/v1/devices/idem-1/commands", null, 200).getJsonArray("items")).hasSize(1);
  }

  @Test
  @DisplayName("Verifies that a command can be cancelled until it is delivered, and a cancelled one is never delivered")
  void cancel() throws Exception {
    DeviceBundle bundle = server.enrollDevice("cancel-1");
    String id = post("cancel-1", "", "{\"action\":\"a\"}", 201).getString("id");
    assertThat(server.admin("DELETE", "/api/v1/commands/" + id, null, 200).getString("state")).isEqualTo("cancelled");
    assertProblem(server.api("DELETE", "/api/v1/commands/" + id, server.adminToken(), null), 409, "command-not-cancellable");
    DeviceAgent agent = runAgent(bundle);
    String done = post("cancel-1", "?wait=10s", "{\"action\":\"b\"}", 200).getString("id");
    assertThat(agent.commandsHandled()).isEqualTo(1);
    assertThat(command(id).getString("state")).isEqualTo("cancelled");
    assertProblem(server.api("DELETE", "/api/v1/commands/" + done, server.adminToken(), null), 409, "command-not-cancellable");
    assertProblem(server.api("DELETE", "/api/v1/commands/nope", server.adminToken(), null), 404, "command-not-found");
  }

  @Test
  @DisplayName("Verifies that invalid command requests get 4xx problems naming the problem, and store nothing")
  void invalidInput() throws Exception {
    server.enrollDevice("strict-1");
    String admin = server.adminToken();
    String path = "/api/v1/devices/strict-1/commands";
    assertProblem(server.api("POST", "/api/v1/devices/nobody/commands", admin, "{\"action\":\"a\"}"), 404, "device-not-found");
    assertThat(assertProblem(server.api("POST", path, admin, "{\"action\":\"a\",\"ttl\":\"forever\"}"), 400, "invalid-field")
        .getString("field")).isEqualTo("ttl");
    assertProblem(server.api("POST", path, admin, "{\"action\":\"a\",\"ttl\":0}"), 400, "invalid-field");
    assertProblem(server.api("POST", path, admin, "{\"action\":\"a\",\"ttl\":\"31d\"}"), 400, "invalid-field");
    assertThat(assertProblem(server.api("POST", path, admin,
        "{\"action\":\"a\",\"params\":{\"blob\":\"" + "x".repeat(20_000) + "\"}}"), 413, "params-too-large")
        .getString("field")).isEqualTo("params");
    assertProblem(server.api("POST", path, admin, "{\"action\":"), 400, "malformed-json");
    assertProblem(server.api("POST", path, admin, "{\"params\":{}}"), 400, "invalid-field");
    assertProblem(server.api("POST", path, admin, "{\"action\":\"a\",\"notBefore\":\"tomorrow\"}"), 400, "invalid-field");
    assertProblem(server.api("POST", path, admin, "{\"action\":\"a\",\"ttl\":\"10s\",\"notBefore\":\""
        + Instant.now().plusSeconds(60) + "\"}"), 400, "invalid-field");
    assertProblem(server.api("POST", path + "?wait=10m", admin, "{\"action\":\"a\"}"), 400, "invalid-field");
    assertProblem(server.api("POST", path, admin, "{\"action\":\"a\",\"retryable\":\"yes\"}"), 400, "invalid-field");
    assertProblem(server.api("GET", path + "?state=bogus", admin, null), 400, "invalid-field");
    assertThat(server.admin("GET", path, null, 200).getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("Verifies that a device fetches and answers only its own commands, and a result is recorded once")
  void deviceIsolation() throws Exception {
    DeviceBundle a = server.enrollDevice("iso-a");
    DeviceBundle b = server.enrollDevice("iso-b");
    String id = post("iso-a", "", "{\"action\":\"secret\"}", 201).getString("id");
    HttpClient asA = client(a);
    HttpClient asB = client(b);
    assertThat(new JsonObject(send(asB, "/device/v1/hello", "{}").body()).getJsonArray("commands")).isEmpty();
    JsonObject hello = new JsonObject(send(asA, "/device/v1/hello", "{}").body());
    assertThat(hello.getJsonArray("commands")).hasSize(1);
    assertThat(hello.getJsonArray("commands").getJsonObject(0).getString("id")).isEqualTo(id);
    assertProblem(send(asB, "/device/v1/commands/" + id + "/result", "{\"status\":\"ok\"}"), 404, "command-not-found");
    assertThat(send(asA, "/device/v1/commands/" + id + "/result", "{\"status\":\"ok\",\"data\":{\"v\":1}}").statusCode())
        .isEqualTo(200);
    assertProblem(send(asA, "/device/v1/commands/" + id + "/result", "{\"status\":\"error\"}"), 409, "result-already-recorded");
    assertProblem(send(asA, "/device/v1/commands/" + id + "/result", "{\"status\":\"maybe\"}"), 400, "invalid-field");
    JsonObject c = command(id);
    assertThat(c.getString("state")).isEqualTo("succeeded");
    assertThat(c.getJsonObject("result").getJsonObject("data").getInteger("v")).isEqualTo(1);

    // and without a client certificate no device route answers
    String other = post("iso-a", "", "{\"action\":\"secret-2\"}", 201).getString("id");
    HttpClient anonymous = HttpClient.newBuilder().sslContext(TlsContexts.pinnedContext(
        io.homeport.pki.Fingerprints.sha256(a.caCertificate()))).build();
    assertProblem(send(anonymous, "/device/v1/hello", "{}"), 401, "client-certificate-required");
    assertProblem(send(anonymous, "/device/v1/commands/" + other + "/result", "{\"status\":\"ok\"}"), 401,
        "client-certificate-required");
    assertThat(command(other).getString("state")).isEqualTo("queued");
  }

  @Test
  @DisplayName("Verifies that a hello hands out at most 20 commands, oldest first, and says more are due until the last batch")
  void helloBatchesAndSaysMore() throws Exception {
    // given 45 commands queued for one device
    DeviceBundle bundle = server.enrollDevice("batch-1");
    HttpClient client = client(bundle);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 45; i++) {
      ids.add(post("batch-1", "", "{\"action\":\"a" + i + "\"}", 201).getString("id"));
    }
    // when the device calls hello three times
    List<JsonObject> answers = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(new JsonObject(send(client, "/device/v1/hello", "{}").body()));
    }
    // then it gets 20, 20 and 5 commands in the order they were created, and "more" until the last batch
    assertThat(answers).extracting(a -> a.getJsonArray("commands").size()).containsExactly(
        CommandService.DELIVERY_BATCH, CommandService.DELIVERY_BATCH, 45 - 2 * CommandService.DELIVERY_BATCH);
    assertThat(answers).extracting(a -> a.getBoolean("more")).containsExactly(true, true, false);
    assertThat(answers.stream().flatMap(a -> a.getJsonArray("commands").stream())
        .map(c -> ((JsonObject) c).getString("id")).toList()).isEqualTo(ids);
  }

  @Test
  @DisplayName("Verifies that a delivered command whose answer was lost is offered again after 10 s, "
      + "keeps its id and delivery count, and completes once")
  void reofferAfterLostAnswer() throws Exception {
    // given a device that received a command in a hello but, as after a lost answer, never ran it
    DeviceBundle bundle = server.enrollDevice("lossy-1");
    HttpClient client = client(bundle);
    String id = post("lossy-1", "", "{\"action\":\"a\"}", 201).getString("id");
    assertThat(new JsonObject(send(client, "/device/v1/hello", "{}").body()).getJsonArray("commands")).hasSize(1);
    assertThat(new JsonObject(send(client, "/device/v1/hello", "{}").body()).getJsonArray("commands")).isEmpty();
    // when the re-offer time has passed
    Thread.sleep(CommandService.REOFFER_AFTER.toMillis() + 1000);
    // then the server offers the same command again
    JsonObject again = new JsonObject(send(client, "/device/v1/hello", "{}").body());
    assertThat(again.getJsonArray("commands")).hasSize(1);
    assertThat(again.getJsonArray("commands").getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(command(id).getInteger("deliveries")).isEqualTo(1);
    // and its one result completes it
    assertThat(send(client, "/device/v1/commands/" + id + "/result", "{\"status\":\"ok\"}").statusCode()).isEqualTo(200);
    assertThat(command(id).getString("state")).isEqualTo("succeeded");
    assertThat(new JsonObject(send(client, "/device/v1/hello", "{}").body()).getJsonArray("commands")).isEmpty();
  }

  @Test
  @DisplayName("Verifies that a held hello returns as soon as a command arrives")
  void longPoll() throws Exception {
    DeviceBundle bundle = server.enrollDevice("poll-1");
    HttpClient client = client(bundle);
    var response = client.sendAsync(HttpRequest.newBuilder(server.deviceChannel().resolve("/device/v1/hello?wait=20"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    Thread.sleep(500);
    assertThat(response).isNotDone();
    long start = System.nanoTime();
    String id = post("poll-1", "", "{\"action\":\"a\"}", 201).getString("id");
    JsonObject hello = new JsonObject(response.get(5, TimeUnit.SECONDS).body());
    System.out.printf("held hello answered %d ms after the command%n", (System.nanoTime() - start) / 1_000_000);
    assertThat(hello.getJsonArray("commands").getJsonObject(0).getString("id")).isEqualTo(id);
  }

  @Test
  @DisplayName("Verifies that a wake from anywhere but the server's beacon endpoint is dropped by the agent")
  void forgedWakeSource() throws Exception {
    DeviceBundle bundle = server.enrollDevice("forge-1");
    DeviceAgent agent = runAgent(bundle);
    byte[] forged = WakeMessages.encode("forge-1", bundle.beaconKey(), 4242, StunAttributes.WakeReason.COMMAND, "",
        System.currentTimeMillis());
    try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      attacker.send(new DatagramPacket(forged, forged.length, InetAddress.getLoopbackAddress(), agent.localPort()));
    }
    TestServer.await("the agent dropped the forged wake", Duration.ofSeconds(2), () -> agent.wakesDropped() == 1);
    assertThat(agent.wakesAccepted()).isZero();
  }

  private static HttpClient client(DeviceBundle bundle) {
    return HttpClient.newBuilder().sslContext(TlsContexts.clientContext(bundle.privateKey(), bundle.certificateChain(),
        bundle.caCertificate())).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> send(HttpClient client, String path, String body) throws Exception {
    URI uri = server.deviceChannel().resolve(path);
    return client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }
}
