package io.homeport.addresslist;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.AddressBook;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.appserver.ApplicationServer;
import io.homeport.event.StoredEvent;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application wakes end to end (DESIGN 4): the API's wake, the beacon's wake with the server's id, the
 * agent's address list, its mutual-TLS call to the reference application server, its report and the events.
 */
class ApplicationWakeTest {
  private static final String WRONG_PIN = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  /** Long, so that a device that calls within 2 s of a publication did not learn of it from a keepalive. */
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  @TempDir
  static Path dir;
  static TestServer homeport;
  static ApplicationServer acme;
  static String acmeToken;
  static final Vertx agents = Vertx.vertx();

  @BeforeAll
  static void start() throws Exception {
    homeport = TestServer.start(TestServer.config(dir.resolve("homeport"), Map.of())
        .withKeepalive(INTERVAL, INTERVAL.multipliedBy(3)));
    acmeToken = homeport.admin("POST", "/api/v1/tokens",
        "{\"role\":\"application\",\"subject\":\"acme\",\"applicationServers\":[\"acme\"]}", 201).getString("token");
    acme = new ApplicationServer(homeport.vertx(), new ApplicationServer.Settings(dir.resolve("acme"), "127.0.0.1", 0, 0,
        List.of("localhost"), URI.create("http://127.0.0.1:" + homeport.server().apiPort()), acmeToken,
        Duration.ofSeconds(60)), Clock.systemUTC());
    acme.start().await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    agents.close().await(10, TimeUnit.SECONDS);
    acme.stop().await(10, TimeUnit.SECONDS);
    homeport.close();
  }

  private static JsonObject entry(String pin) {
    return new JsonObject().put("url", "https://localhost:" + acme.port() + "/").put("pins", new JsonArray().add(pin));
  }

  /** Publishes the global list with these entries and runs an agent that holds it. */
  private static DeviceAgent onlineHolding(String deviceId, JsonObject entries) throws Exception {
    long version = homeport.admin("PUT", "/api/v1/address-lists/global",
        new JsonObject().put("entries", entries).encode(), 200).getLong("version");
    DeviceBundle bundle = homeport.enrollDevice(deviceId);
    DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO)
        .withAddressBook(AddressBook.load(dir.resolve(deviceId)));
    agents.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    homeport.awaitOnline(deviceId, Duration.ofSeconds(10));
    TestServer.await(deviceId + " holds list version " + version, Duration.ofSeconds(5),
        () -> agent.addressBook().version() >= version);
    return agent;
  }

  private static HttpResponse<String> wake(String deviceId, String server, String token) throws Exception {
    return homeport.api("POST", "/api/v1/devices/" + deviceId + "/wake", token,
        new JsonObject().put("applicationServer", server).encode());
  }

  private static Optional<JsonObject> event(String type, String deviceId) throws Exception {
    List<StoredEvent> all = homeport.server().events().readAfter(0, 10_000).await(10, TimeUnit.SECONDS);
    return all.stream().filter(e -> e.type().equals(type) && deviceId.equals(e.deviceId()))
        .map(e -> new JsonObject(e.data())).findFirst();
  }

  private static void awaitEvent(String type, String deviceId) throws InterruptedException {
    TestServer.await(type + " of " + deviceId, Duration.ofSeconds(5), () -> {
      try {
        return event(type, deviceId).isPresent();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  private static boolean resultRecorded(String requestId) {
    return acme.results().stream().anyMatch(r -> r.requestId().equals(requestId));
  }

  @Test
  @DisplayName("Verifies that an application token's wake makes the device call the reference application server "
      + "over mutual TLS within 2 s, run the request waiting there and report it (device.application-woken)")
  void wakeReachesTheApplicationServer() throws Exception {
    // given a device online holding a list that names acme by its pin, and a request waiting for it at acme
    onlineHolding("kettle-1", new JsonObject().put("acme", entry(acme.spkiPin())));
    String requestId = acme.queue("kettle-1", "boil", new JsonObject().put("litres", 1)).id();

    // when acme's application token wakes the device for acme
    long started = System.nanoTime();
    HttpResponse<String> accepted = wake("kettle-1", "acme", acmeToken);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(new JsonObject(accepted.body()).getBoolean("online")).isTrue();

    // then acme records the device's call and the request's result within 2 s
    TestServer.await("acme has the result", Duration.ofSeconds(2), () -> resultRecorded(requestId));
    System.out.printf("application server reached %d ms after the wake request%n", (System.nanoTime() - started) / 1_000_000);
    assertThat(acme.calls()).anyMatch(c -> c.deviceId().equals("kettle-1"));
    // and the device's report is an event
    awaitEvent("device.application-woken", "kettle-1");
    assertThat(event("device.application-woken", "kettle-1").orElseThrow().getString("applicationServer"))
        .isEqualTo("acme");
  }

  @Test
  @DisplayName("Verifies that a device whose list lacks the woken server's id fetches the list at once and then calls")
  void unknownIdFetchesTheListFirst() throws Exception {
    // given a device online holding a list without acme
    DeviceAgent agent = onlineHolding("kettle-2", new JsonObject().put("other", entry(acme.spkiPin())));
    assertThat(agent.addressBook().entry("acme")).isEmpty();
    String requestId = acme.queue("kettle-2", "boil", null).id();

    // when acme is published (not urgent: the device would learn of it only with its next keepalive, 10 s away) and
    // the device is woken for it at once
    homeport.admin("PUT", "/api/v1/address-lists/global", new JsonObject().put("entries",
        new JsonObject().put("other", entry(acme.spkiPin())).put("acme", entry(acme.spkiPin()))).encode(), 200);
    assertThat(wake("kettle-2", "acme", homeport.adminToken()).statusCode()).isEqualTo(202);

    // then it fetches the list, finds acme and calls it within 2 s
    TestServer.await("acme has the result", Duration.ofSeconds(2), () -> resultRecorded(requestId));
    assertThat(agent.addressBook().entry("acme")).isPresent();
  }

  @Test
  @DisplayName("Verifies that an entry with a wrong pin is refused by the device, which reports it "
      + "(device.application-failed, tls-pin-mismatch), and that acme never sees the call")
  void wrongPinIsRefusedAndReported() throws Exception {
    // given a device whose list names acme with a pin of another key
    onlineHolding("kettle-3", new JsonObject().put("acme", entry(WRONG_PIN)));
    int callsBefore = acme.calls().size();

    // when it is woken for acme
    assertThat(wake("kettle-3", "acme", acmeToken).statusCode()).isEqualTo(202);

    // then it reports the refusal, and acme saw nothing
    awaitEvent("device.application-failed", "kettle-3");
    assertThat(event("device.application-failed", "kettle-3").orElseThrow().getString("reason"))
        .isEqualTo("tls-pin-mismatch");
    assertThat(acme.calls().stream().filter(c -> c.deviceId().equals("kettle-3"))).isEmpty();
    assertThat(acme.calls()).hasSize(callsBefore);
  }

  @Test
  @DisplayName("Verifies that an application token for acme cannot wake a device for another server (403), that an "
      + "unknown device is 404 and a malformed server id 400, none of them sending a wake")
  void applicationTokenIsLimitedToItsServers() throws Exception {
    // given an enrolled device
    homeport.enrollDevice("kettle-4");
    long wakes = homeport.server().beacon().wakesSent();
    // when acme's token asks for another server, then 403
    HttpResponse<String> other = wake("kettle-4", "globex", acmeToken);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(other.body()).getString("type")).isEqualTo("urn:homeport:problem:forbidden");
    // and an unknown device, a malformed id
    assertThat(wake("no-such-device", "acme", acmeToken).statusCode()).isEqualTo(404);
    HttpResponse<String> bad = wake("kettle-4", "acme server!", homeport.adminToken());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getString("type")).isEqualTo("urn:homeport:problem:invalid-field");
    assertThat(homeport.server().beacon().wakesSent()).isEqualTo(wakes);
  }

  @Test
  @DisplayName("Verifies that a device's malformed call report (unknown outcome, a failure without a reason, a bad "
      + "server id) is refused with 400 naming the field and becomes no event")
  void malformedCallReportsAreRefused() throws Exception {
    // given an enrolled device speaking on its device channel
    io.homeport.testing.DeviceHttp device = io.homeport.testing.DeviceHttp.as(homeport, homeport.enrollDevice("kettle-5"));
    // when it reports calls in forms the route does not take
    Map<String, String> bad = Map.of(
        "{\"applicationServer\":\"acme\",\"outcome\":\"maybe\"}", "outcome",
        "{\"applicationServer\":\"acme\",\"outcome\":\"failed\"}", "reason",
        "{\"applicationServer\":\"acme server!\",\"outcome\":\"succeeded\"}", "applicationServer");
    for (Map.Entry<String, String> report : bad.entrySet()) {
      HttpResponse<String> r = device.send("POST", "/device/v1/application-calls", report.getKey());
      // then each is a 400 naming the field
      assertThat(r.statusCode()).as(report.getKey()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("field")).as(report.getKey()).isEqualTo(report.getValue());
    }
    // and no event was made of them, while a well-formed report is
    assertThat(device.send("POST", "/device/v1/application-calls",
        "{\"applicationServer\":\"acme\",\"outcome\":\"succeeded\"}").statusCode()).isEqualTo(204);
    awaitEvent("device.application-woken", "kettle-5");
    assertThat(event("device.application-failed", "kettle-5")).isEmpty();
    List<StoredEvent> all = homeport.server().events().readAfter(0, 10_000).await(10, TimeUnit.SECONDS);
    assertThat(all.stream().filter(e -> "kettle-5".equals(e.deviceId()) && e.type().startsWith("device.application")))
        .hasSize(1);
  }
}
