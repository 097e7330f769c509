package io.homeport.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceBundle;
import io.homeport.agent.Enroller;
import io.homeport.testing.AgentProcess;
import io.homeport.testing.DeviceHttp;
import io.homeport.testing.ServerProcess;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peer sessions between two reference agents running as processes against the packaged server. */
class PeerSessionsIT {
  private static final Duration SOON = Duration.ofSeconds(20);

  @Test
  @DisplayName("Verifies that a permitted requester and its target, both agent processes, get offers with one id, key and "
      + "60-minute expiry and each other's observed endpoint; refused, unknown and offline peers get the same answer, "
      + "the log has the three reasons; an operator's end order reaches both agents, which report it")
  void serverModeBetweenProcesses(@TempDir Path dir) throws Exception {
    Map<String, String> settings = Map.of("HOMEPORT_BEACON_KEEPALIVE_INTERVAL", "2s", "HOMEPORT_BEACON_OFFLINE_GRACE", "6s");
    try (ServerProcess server = new ServerProcess(dir.resolve("data"), settings).start()) {
      // given alpha and bravo running as processes, charlie and delta enrolled (delta never comes online),
      // and bravo's list admitting alpha alone
      for (String[] d : List.of(new String[] {"a", "alpha"}, new String[] {"b", "bravo"}, new String[] {"c", "charlie"},
          new String[] {"d", "delta"})) {
        enroll(server, d[0], d[1], dir);
      }
      server.api("PUT", "/api/v1/devices/b/permissions", "{\"mode\":\"server\",\"allow\":[\"alpha\"]}");
      server.api("PUT", "/api/v1/devices/d/permissions", "{\"mode\":\"server\",\"allow\":[\"charlie\"]}");
      try (AgentProcess alpha = AgentProcess.run(dir.resolve("a"));
          AgentProcess bravo = AgentProcess.run(dir.resolve("b"))) {
        TestServer.await("alpha and bravo are online", SOON, () -> online(server, "a") && online(server, "b"));

        // when alpha asks for bravo by name
        Instant asked = Instant.now();
        AgentProcess.Result connect = AgentProcess.once(SOON, "device", "connect", "--bundle", dir.resolve("a").toString(),
            "--peer", "bravo");

        // then the request succeeds and both agents hold the session: one id, one key, one expiry 60 min ahead
        assertThat(connect.exitCode()).as(connect.output()).isZero();
        String offeredLine = "device %s: session ([0-9a-f-]{36}) offered: peer %s, role %s, key sha256:([0-9a-f]{16}), "
            + "expires (\\S+), candidates \\[public ([0-9.]+:[0-9]+)";
        Matcher mine = alpha.awaitLine(String.format(offeredLine, "a", "bravo \\(b\\)", "requester"), SOON);
        Matcher theirs = bravo.awaitLine(String.format(offeredLine, "b", "alpha \\(a\\)", "target"), SOON);
        assertThat(theirs.group(1)).isEqualTo(mine.group(1));
        assertThat(theirs.group(2)).isEqualTo(mine.group(2));
        assertThat(theirs.group(3)).isEqualTo(mine.group(3));
        assertThat(Duration.between(asked, Instant.parse(mine.group(3))))
            .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
        // each is offered the other's public endpoint as the beacon observed it
        assertThat(mine.group(4)).isEqualTo(publicAddress(server, "b"));
        assertThat(theirs.group(4)).isEqualTo(publicAddress(server, "a"));
        String sessionId = mine.group(1);

        // when charlie asks for bravo (not permitted), for a name nobody has, and for delta (offline)
        DeviceHttp charlie = DeviceHttp.as(server.deviceChannel(), DeviceBundle.load(dir.resolve("c")));
        List<HttpResponse<String>> refusals = List.of(
            charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"bravo\"}"),
            charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"nobody-by-this-name\"}"),
            charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"delta\"}"));

        // then all three get the same answer, byte for byte
        for (HttpResponse<String> r : refusals) {
          assertThat(r.statusCode()).isEqualTo(403);
          assertThat(r.body()).isEqualTo(refusals.get(0).body());
          assertThat(r.headers().firstValue("Content-Type")).isEqualTo(refusals.get(0).headers().firstValue("Content-Type"));
        }
        assertThat(new JsonObject(refusals.get(0).body()).getString("type")).isEqualTo("urn:homeport:problem:session-refused");
        // and the log tells the operator the three reasons
        JsonObject log = new JsonObject(server.api("GET", "/api/v1/sessions?device=c", null).body());
        assertThat(log.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("reason")).toList())
            .containsExactlyInAnyOrder("not-permitted", "unknown-peer", "peer-offline");

        // when an operator ends alpha and bravo's session
        assertThat(server.api("DELETE", "/api/v1/sessions/" + sessionId, null).statusCode()).isEqualTo(200);

        // then both agents obey within a keepalive interval (plus process scheduling) and report the end
        alpha.awaitLine("device a: session " + sessionId + " ended by operator", Duration.ofSeconds(5));
        bravo.awaitLine("device b: session " + sessionId + " ended by operator", Duration.ofSeconds(5));
        TestServer.await("both reports are in the log", SOON, () -> {
          JsonObject s = session(server, sessionId);
          return s.getJsonObject("reports").getJsonObject("requester") != null
              && s.getJsonObject("reports").getJsonObject("target") != null;
        });
        JsonObject ended = session(server, sessionId);
        assertThat(ended.getString("state")).isEqualTo("ended");
        assertThat(ended.getString("endedBy")).isEqualTo("operator");
        assertThat(ended.getString("operator")).isEqualTo("admin");
      }
    }
  }

  private static void enroll(ServerProcess server, String id, String name, Path dir) throws Exception {
    String token = new JsonObject(server.api("POST", "/api/v1/devices", "{\"id\":\"" + id + "\"}").body())
        .getJsonObject("enrollment").getString("token");
    Enroller.enroll(server.deviceChannel(), token).save(dir.resolve(id));
    server.api("PUT", "/api/v1/devices/" + id + "/name", "{\"name\":\"" + name + "\"}");
  }

  private static boolean online(ServerProcess server, String id) {
    try {
      return new JsonObject(server.api("GET", "/api/v1/devices/" + id, null).body()).getJsonObject("presence")
          .getBoolean("online", false);
    } catch (Exception e) {
      return false;
    }
  }

  private static String publicAddress(ServerProcess server, String id) throws Exception {
    return new JsonObject(server.api("GET", "/api/v1/devices/" + id, null).body()).getJsonObject("presence")
        .getString("publicAddress");
  }

  private static JsonObject session(ServerProcess server, String id) {
    try {
      return new JsonObject(server.api("GET", "/api/v1/sessions/" + id, null).body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
