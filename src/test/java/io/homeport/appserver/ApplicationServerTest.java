package io.homeport.appserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.AddressBook;
import io.homeport.agent.ApplicationCaller;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.EchoHandler;
import io.homeport.pki.SecretFiles;
import io.homeport.pki.SelfSignedIdentity;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference application server and the device's {@link ApplicationCaller} against a real Homeport
 * server: mutual TLS both ways, the server verified by its pin (never by the device CA), the device by the
 * device CA and its CRL.
 */
class ApplicationServerTest {
  @TempDir
  static Path dir;
  static TestServer homeport;
  static ApplicationServer appServer;
  static Path appData;

  @BeforeAll
  static void start() throws Exception {
    homeport = TestServer.start(dir.resolve("homeport"));
    String token = homeport.admin("POST", "/api/v1/tokens",
        "{\"role\":\"application\",\"subject\":\"acme\",\"applicationServers\":[\"acme\"]}", 201).getString("token");
    appData = dir.resolve("appserver");
    appServer = new ApplicationServer(homeport.vertx(), new ApplicationServer.Settings(appData, "127.0.0.1", 0, 0,
        List.of("localhost", "127.0.0.1"), URI.create("http://127.0.0.1:" + homeport.server().apiPort()), token,
        Duration.ofSeconds(60)), Clock.systemUTC());
    appServer.start().await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    appServer.stop().await(10, TimeUnit.SECONDS);
    homeport.close();
  }

  private static AddressBook.Entry pinned(String pin) {
    return new AddressBook.Entry("https://localhost:" + appServer.port() + "/", List.of(pin), false);
  }

  private static ApplicationCaller.Outcome call(DeviceBundle device, AddressBook.Entry entry) throws Exception {
    return new ApplicationCaller(homeport.vertx(), device, new EchoHandler(homeport.vertx()), Duration.ofSeconds(10))
        .call("acme", entry).await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("Verifies that the server keeps its key in its data directory (0600) and answers with the pin it prints")
  void identity() throws Exception {
    // given the started server, then its key is private and the stored identity is the one it pins
    Path key = appData.resolve(SelfSignedIdentity.KEY_FILE);
    assertThat(Files.exists(key)).isTrue();
    assertThat(SecretFiles.isAccessibleByOthers(key)).isFalse();
    assertThat(SelfSignedIdentity.loadOrCreate(appData, List.of("localhost"), Clock.systemUTC()).spkiPin())
        .isEqualTo(appServer.spkiPin());
  }

  @Test
  @DisplayName("Verifies that an enrolled device calls the pinned server with its certificate, gets the request queued "
      + "on the admin port, runs it and the server records the call and the result under the device's id")
  void pinnedCallRunsTheQueuedRequest() throws Exception {
    // given an enrolled device and a request queued for it by an operator on the admin port
    DeviceBundle device = homeport.enrollDevice("app-ok");
    HttpResponse<String> queued = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + appServer.adminPort() + "/requests/app-ok"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"switch-on\",\"params\":{\"level\":3}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(201);
    String requestId = new JsonObject(queued.body()).getString("id");

    // when the device calls the server by its pin
    ApplicationCaller.Outcome outcome = call(device, pinned(appServer.spkiPin()));

    // then the call succeeds, the server handed out the request and recorded the echoed result
    assertThat(outcome.success()).as(outcome.detail()).isTrue();
    assertThat(outcome.requests()).isEqualTo(1);
    assertThat(appServer.calls()).anyMatch(c -> c.deviceId().equals("app-ok") && c.requestIds().equals(List.of(requestId)));
    ApplicationServer.Result result = appServer.results().stream().filter(r -> r.requestId().equals(requestId))
        .findFirst().orElseThrow();
    assertThat(result.deviceId()).isEqualTo("app-ok");
    assertThat(result.result().getString("status")).isEqualTo("ok");
    assertThat(result.result().getJsonObject("data").getString("action")).isEqualTo("switch-on");
    assertThat(result.result().getJsonObject("data").getJsonObject("params").getInteger("level")).isEqualTo(3);
  }

  @Test
  @DisplayName("Verifies that an entry with a wrong pin or WebPKI trust is refused by the device before any request, "
      + "with the reasons tls-pin-mismatch and tls-untrusted")
  void wrongPinAndWebPkiAreRefusedByTheDevice() throws Exception {
    // given an enrolled device with a request waiting for it
    DeviceBundle device = homeport.enrollDevice("app-wrong");
    appServer.queue("app-wrong", "ping", null);
    int callsBefore = appServer.calls().size();

    // when it calls the server with a pin of another key, and with WebPKI trust (the server is self-signed)
    ApplicationCaller.Outcome wrongPin = call(device, pinned("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
    ApplicationCaller.Outcome webPki = call(device,
        new AddressBook.Entry("https://localhost:" + appServer.port(), List.of(), true));

    // then both fail for their reason and the server never saw a request
    assertThat(wrongPin.success()).isFalse();
    assertThat(wrongPin.reason()).as(wrongPin.detail()).isEqualTo("tls-pin-mismatch");
    assertThat(webPki.success()).isFalse();
    assertThat(webPki.reason()).as(webPki.detail()).isEqualTo("tls-untrusted");
    assertThat(appServer.calls()).hasSize(callsBefore);
  }

  @Test
  @DisplayName("Verifies that a call to a closed port fails as connect-failed and an unknown host as dns-failed")
  void unreachableServers() throws Exception {
    // given an enrolled device and a port nobody listens on
    DeviceBundle device = homeport.enrollDevice("app-nowhere");
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    // when it calls there, and a host name that does not resolve
    ApplicationCaller.Outcome refused = call(device,
        new AddressBook.Entry("https://127.0.0.1:" + closed, List.of(appServer.spkiPin()), false));
    ApplicationCaller.Outcome unknown = call(device,
        new AddressBook.Entry("https://no-such-host.invalid", List.of(appServer.spkiPin()), false));
    // then each fails with its reason
    assertThat(refused.reason()).as(refused.detail()).isEqualTo("connect-failed");
    assertThat(unknown.reason()).as(unknown.detail()).isEqualTo("dns-failed");
  }

  @Test
  @DisplayName("Verifies that after the device is revoked through the API and the server refreshes the CRL, the "
      + "server refuses the device's call and hands it nothing")
  void revokedDeviceIsRefused() throws Exception {
    // given an enrolled device whose call works
    DeviceBundle device = homeport.enrollDevice("app-revoked");
    assertThat(call(device, pinned(appServer.spkiPin())).success()).isTrue();

    // when it is revoked through the Homeport API and the server fetches the CRL anew
    homeport.admin("POST", "/api/v1/devices/app-revoked/revoke", null, 200);
    appServer.refreshRevocations().await(10, TimeUnit.SECONDS);
    appServer.queue("app-revoked", "ping", null);
    int callsBefore = appServer.calls().size();
    ApplicationCaller.Outcome outcome = call(device, pinned(appServer.spkiPin()));

    // then the server refuses it: no call recorded, the request stays queued
    assertThat(outcome.success()).as(outcome.detail()).isFalse();
    assertThat(outcome.reason()).isIn("tls-failed", "connect-failed", "http-403");
    assertThat(appServer.calls()).hasSize(callsBefore);
  }
}
