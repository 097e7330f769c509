package io.homeport.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceChannelClient;
import io.homeport.agent.PeerSession;
import io.homeport.testing.DeviceHttp;
import io.homeport.testing.TestAgents;
import io.homeport.testing.TestServer;
import io.homeport.testing.WakeDroppingProxy;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peer sessions between reference agents in this JVM: consent, extension, ends, expiry. */
class PeerSessionsTest {
  private static final Duration SOON = Duration.ofSeconds(10);

  @Test
  @DisplayName("Verifies that in device mode the target's agent is asked with the requester's id and name, and its accept "
      + "establishes the session with the same id and key on both sides; a reject and no answer both refuse")
  void deviceModeConsent(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestServer.config(dir.resolve("data"),
            Map.of("HOMEPORT_SESSIONS_CONSENT_TIMEOUT", "2s")));
        TestAgents agents = new TestAgents(server)) {
      // given requester alpha, and three targets in device mode: one accepts, one rejects, one never answers
      List<String> asked = new CopyOnWriteArrayList<>();
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      DeviceAgent bravo = agents.start("b", "bravo", (id, name) -> {
        asked.add(id + "/" + name);
        return io.vertx.core.Future.succeededFuture(true);
      });
      agents.start("c", "charlie", ConsentPolicy.REJECT_ALL);
      agents.start("d", "delta", (id, name) -> Promise.<Boolean>promise().future());
      for (String target : List.of("b", "c", "d")) {
        agents.permit(target, "device");
      }

      // when alpha asks for each of them
      DeviceChannelClient.SessionAnswer accepted = alpha.requestSession("bravo", 0, 10).await(20, TimeUnit.SECONDS);
      DeviceChannelClient.SessionAnswer rejected = alpha.requestSession("charlie", 0, 10).await(20, TimeUnit.SECONDS);
      DeviceChannelClient.SessionAnswer unanswered = alpha.requestSession("delta", 0, 10).await(20, TimeUnit.SECONDS);

      // then bravo was asked with alpha's id and name, and both hold the session with one id, key and expiry
      assertThat(asked).containsExactly("a/alpha");
      PeerSession mine = accepted.offer();
      assertThat(mine).isNotNull();
      TestServer.await("bravo holds the session", SOON, () -> bravo.session(mine.id()).isPresent());
      PeerSession theirs = bravo.session(mine.id()).orElseThrow();
      assertThat(theirs.key()).isEqualTo(mine.key()).hasSize(32);
      assertThat(theirs.expiresAt()).isEqualTo(mine.expiresAt());
      assertThat(theirs.peerId()).isEqualTo("a");
      assertThat(theirs.peerName()).isEqualTo("alpha");
      assertThat(theirs.role()).isEqualTo("target");
      assertThat(mine.peerName()).isEqualTo("bravo");
      assertThat(agents.log(mine.id()).getString("state")).isEqualTo("established");
      assertThat(agents.log(mine.id()).getString("mode")).isEqualTo("device");

      // and the reject and the silence both refused, with the real reason in the log
      assertThat(rejected.refused()).isTrue();
      assertThat(unanswered.refused()).isTrue();
      JsonObject log = server.admin("GET", "/api/v1/sessions?device=a&state=rejected", null, 200);
      assertThat(log.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("reason")).toList())
          .containsExactlyInAnyOrder("consent-rejected", "consent-timeout");
    }
  }

  @Test
  @DisplayName("Verifies that extension before 70% of the period is refused, the agents extend after it and both see the "
      + "new expiry, and at the maximum the server ends the session at its expiry in both agents")
  void extensionAndExpiry(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestServer.config(dir.resolve("data"),
            Map.of("HOMEPORT_SESSIONS_DEFAULT_DURATION", "4s", "HOMEPORT_SESSIONS_MAX_DURATION", "7s")));
        TestAgents agents = new TestAgents(server)) {
      // given alpha permitted by bravo's list, and a session between them
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      DeviceAgent bravo = agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "alpha");
      PeerSession offer = alpha.requestSession("bravo", 0, 0).await(10, TimeUnit.SECONDS).offer();
      Instant first = offer.expiresAt();

      // when alpha asks for an extension at once
      HttpResponse<String> early = DeviceHttp.as(server, agents.bundle("a"))
          .send("POST", "/device/v1/sessions/" + offer.id() + "/extend", "{}");

      // then it is refused as too early and nothing changed
      assertThat(early.statusCode()).isEqualTo(409);
      assertThat(new JsonObject(early.body()).getString("type")).isEqualTo("urn:homeport:problem:extension-too-early");
      assertThat(agents.log(offer.id()).getInteger("extensions")).isZero();

      // and after 70% the agent (in use: no data path holds it) extends, both seeing the new expiry
      TestServer.await("both agents see a later expiry", SOON, () ->
          alpha.session(offer.id()).map(s -> s.expiresAt().isAfter(first)).orElse(false)
              && bravo.session(offer.id()).map(s -> s.expiresAt().isAfter(first)).orElse(false));
      assertThat(bravo.session(offer.id()).orElseThrow().expiresAt())
          .isEqualTo(alpha.session(offer.id()).orElseThrow().expiresAt());

      // and at the 7 s maximum the server ends it, both agents stop and report
      TestServer.await("the session expired and both reported", Duration.ofSeconds(15), () -> {
        JsonObject log = logOrNull(agents, offer.id());
        return log != null && "ended".equals(log.getString("state"))
            && log.getJsonObject("reports").getJsonObject("requester") != null
            && log.getJsonObject("reports").getJsonObject("target") != null;
      });
      JsonObject log = agents.log(offer.id());
      assertThat(log.getString("endedBy")).isEqualTo("server");
      assertThat(log.getString("reason")).isEqualTo("expired");
      assertThat(log.getInteger("extensions")).isGreaterThanOrEqualTo(1);
      assertThat(Duration.between(Instant.parse(log.getString("establishedAt")), Instant.parse(log.getString("endedAt"))))
          .isLessThan(Duration.ofSeconds(9));
      assertThat(alpha.session(offer.id())).isEmpty();
      assertThat(bravo.session(offer.id())).isEmpty();
    }
  }

  @Test
  @DisplayName("Verifies that a device ending its session tells the other, which stops and reports; an operator's end "
      + "reaches both agents, and the log holds both reports and who ended it")
  void endsByDeviceAndOperator(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server)) {
      // given two sessions between alpha and bravo
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      DeviceAgent bravo = agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");
      PeerSession first = alpha.requestSession("b", 0, 0).await(10, TimeUnit.SECONDS).offer();
      PeerSession second = alpha.requestSession("bravo", 0, 0).await(10, TimeUnit.SECONDS).offer();
      TestServer.await("bravo holds both", SOON, () -> bravo.session(first.id()).isPresent()
          && bravo.session(second.id()).isPresent());

      // when alpha ends the first, and an operator the second
      alpha.endSession(first.id(), "done").await(10, TimeUnit.SECONDS);
      long ordered = System.nanoTime();
      server.admin("DELETE", "/api/v1/sessions/" + second.id(), null, 200);

      // then bravo stops the first and reports it; both stop the second within a keepalive interval
      TestServer.await("bravo dropped the first", SOON, () -> bravo.session(first.id()).isEmpty());
      TestServer.await("both dropped the second", TestServer.INTERVAL.plusSeconds(2),
          () -> alpha.session(second.id()).isEmpty() && bravo.session(second.id()).isEmpty());
      System.out.printf("end order reached both agents in %d ms%n", (System.nanoTime() - ordered) / 1_000_000);
      TestServer.await("all four reports are in", SOON, () -> reported(agents, first.id()) && reported(agents, second.id()));
      JsonObject byDevice = agents.log(first.id());
      assertThat(byDevice.getString("endedBy")).isEqualTo("requester");
      assertThat(byDevice.getString("reason")).isEqualTo("done");
      assertThat(byDevice.getJsonObject("reports").getJsonObject("target").getString("path")).isEqualTo("none");
      JsonObject byOperator = agents.log(second.id());
      assertThat(byOperator.getString("endedBy")).isEqualTo("operator");
      assertThat(byOperator.getString("operator")).isEqualTo("admin");

      // and an operator cannot end it twice
      assertThat(server.api("DELETE", "/api/v1/sessions/" + second.id(), server.adminToken(), null).statusCode())
          .isEqualTo(409);
    }
  }

  @Test
  @DisplayName("Verifies that an operator's end order reaches an agent within one keepalive interval when every wake to it "
      + "is lost, by the pending flag of its keepalive answers")
  void endOrderWithoutWakes(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server);
        WakeDroppingProxy lossy = new WakeDroppingProxy(server.server().beaconPort())) {
      // given alpha behind a path that loses every wake, in a session with bravo
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL, lossy::route);
      DeviceAgent bravo = agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");
      PeerSession offer = alpha.requestSession("bravo", 0, 0).await(10, TimeUnit.SECONDS).offer();
      TestServer.await("bravo holds the session", SOON, () -> bravo.session(offer.id()).isPresent());
      int lostBefore = lossy.droppedWakes();

      // when an operator ends it
      long ordered = System.nanoTime();
      server.admin("DELETE", "/api/v1/sessions/" + offer.id(), null, 200);

      // then alpha's wake is lost, yet alpha stops within one keepalive interval (plus scheduling slack)
      TestServer.await("alpha dropped the session", TestServer.INTERVAL.plusMillis(1500),
          () -> alpha.session(offer.id()).isEmpty());
      System.out.printf("end order reached the agent without wakes in %d ms%n", (System.nanoTime() - ordered) / 1_000_000);
      assertThat(lossy.droppedWakes()).isGreaterThan(lostBefore);
      TestServer.await("alpha reported the end", SOON, () -> reported(agents, offer.id()));
    }
  }

  @Test
  @DisplayName("Verifies that revoking a device ends its sessions at once: the peer's agent is told and reports")
  void revocationEndsSessions(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server)) {
      // given a session between alpha and bravo
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      DeviceAgent bravo = agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");
      PeerSession offer = alpha.requestSession("bravo", 0, 0).await(10, TimeUnit.SECONDS).offer();
      TestServer.await("bravo holds the session", SOON, () -> bravo.session(offer.id()).isPresent());

      // when an operator revokes alpha
      server.admin("POST", "/api/v1/devices/a/revoke", null, 200);

      // then the session ends by the server for that reason, and bravo stops and reports
      TestServer.await("bravo dropped the session", SOON, () -> bravo.session(offer.id()).isEmpty());
      TestServer.await("bravo reported", SOON, () -> {
        JsonObject log = logOrNull(agents, offer.id());
        return log != null && log.getJsonObject("reports").getJsonObject("target") != null;
      });
      JsonObject log = agents.log(offer.id());
      assertThat(log.getString("state")).isEqualTo("ended");
      assertThat(log.getString("reason")).isEqualTo("device-revoked");
      assertThat(log.getString("endedBy")).isEqualTo("server");
    }
  }

  private static boolean reported(TestAgents agents, String id) {
    JsonObject log = logOrNull(agents, id);
    return log != null && log.getJsonObject("reports").getJsonObject("requester") != null
        && log.getJsonObject("reports").getJsonObject("target") != null;
  }

  private static JsonObject logOrNull(TestAgents agents, String id) {
    try {
      return agents.log(id);
    } catch (Exception e) {
      return null;
    }
  }
}
