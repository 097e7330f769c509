package io.homeport.api;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.auth.Role;
import io.homeport.testing.DeviceHttp;
import io.homeport.testing.TestAgents;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session log on the API, its scoping, events and metrics, and what the session routes refuse. */
class SessionsApiTest {

  @Test
  @DisplayName("Verifies that every session and refusal is in the log with times and reasons and on the event stream, "
      + "counted in the metrics, and that an integrator limited to other devices sees none of it")
  void logEventsMetricsAndScope(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server)) {
      // given alpha admitted by bravo's list, charlie not; and integrators limited to bravo, and to zulu
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.start("c", "charlie", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");
      String bravoOnly = server.server().tokens().mint(Role.INTEGRATOR, "bravo-app", 3600,
          new JsonObject().put("devices", new JsonArray().add("b")));
      String zuluOnly = server.server().tokens().mint(Role.INTEGRATOR, "zulu-app", 3600,
          new JsonObject().put("devices", new JsonArray().add("z")));
      StreamClient bravoStream = StreamClient.connect(server.server().apiPort(), "types=session.*", bravoOnly);
      StreamClient zuluStream = StreamClient.connect(server.server().apiPort(), "types=session.*,device.*", zuluOnly);

      // when alpha opens a session to bravo and charlie is refused
      String established = alpha.requestSession("bravo", 0, 0).await(10, TimeUnit.SECONDS).offer().id();
      HttpResponse<String> refused = DeviceHttp.as(server, agents.bundle("c")).send("POST", "/device/v1/sessions",
          "{\"peer\":\"bravo\"}");
      assertProblem(refused, 403, "session-refused");

      // then the log lists both, newest first, with times and reasons, filtered by device and state
      JsonArray ofBravo = server.admin("GET", "/api/v1/sessions?device=b", null, 200).getJsonArray("items");
      assertThat(ofBravo).hasSize(2);
      JsonObject rejected = ofBravo.getJsonObject(0);
      JsonObject session = ofBravo.getJsonObject(1);
      assertThat(session.getString("id")).isEqualTo(established);
      assertThat(session.getString("state")).isEqualTo("established");
      assertThat(session.getJsonObject("requester")).isEqualTo(new JsonObject().put("id", "a").put("name", "alpha"));
      assertThat(session.getString("requestedAt")).isNotNull();
      assertThat(session.getString("establishedAt")).isNotNull();
      assertThat(session.getLong("setupMillis")).isNotNegative();
      assertThat(rejected.getString("state")).isEqualTo("rejected");
      assertThat(rejected.getString("reason")).isEqualTo("not-permitted");
      assertThat(rejected.getString("endedAt")).isNotNull();
      assertThat(server.admin("GET", "/api/v1/sessions?state=rejected", null, 200).getJsonArray("items")).hasSize(1);
      assertProblem(server.api("GET", "/api/v1/sessions?state=open", server.adminToken(), null), 400, "invalid-field");

      // and bravo's integrator sees both on the stream (requested, established; requested, rejected) and in the log
      TestServer.await("bravo's integrator has four session events", Duration.ofSeconds(10),
          () -> bravoStream.count() >= 4);
      assertThat(bravoStream.snapshot().stream().map(e -> e.getString("type")).toList()).containsExactly(
          "session.requested", "session.established", "session.requested", "session.rejected");
      assertThat(bravoStream.snapshot().get(3).getJsonObject("data").getString("reason")).isEqualTo("not-permitted");
      assertThat(new JsonObject(server.api("GET", "/api/v1/sessions", bravoOnly, null).body()).getJsonArray("items"))
          .hasSize(2);

      // and zulu's integrator sees nothing of it: not in the log, not by id, not on the stream (its own device's
      // enrollment, which comes after the sessions, arrives; no session event before it)
      assertThat(new JsonObject(server.api("GET", "/api/v1/sessions", zuluOnly, null).body()).getJsonArray("items"))
          .isEmpty();
      assertProblem(server.api("GET", "/api/v1/sessions/" + established, zuluOnly, null), 404, "session-not-found");
      server.enrollDevice("z");
      TestServer.await("zulu's integrator sees its device enrolled", Duration.ofSeconds(10), () -> zuluStream.count() >= 1);
      assertThat(zuluStream.snapshot().stream().map(e -> e.getString("type")).toList()).containsExactly("device.enrolled");
      // and an integrator may not end a session
      assertProblem(server.api("DELETE", "/api/v1/sessions/" + established, bravoOnly, null), 403, "forbidden");

      // and the metrics count each session once by outcome, and the active ones
      String metrics = server.api("GET", "/metrics", server.adminToken(), null).body();
      assertThat(metrics).contains("homeport_sessions_total{endedBy=\"none\",outcome=\"established\",reason=\"none\"} 1.0")
          .contains("homeport_sessions_total{endedBy=\"none\",outcome=\"rejected\",reason=\"not-permitted\"} 1.0")
          .contains("homeport_sessions_active 1.0");
      // and an end joins the same metric, by who ended it
      server.admin("DELETE", "/api/v1/sessions/" + established, null, 200);
      TestServer.await("the end counted", Duration.ofSeconds(5), () -> {
        try {
          return server.api("GET", "/metrics", server.adminToken(), null).body()
              .contains("homeport_sessions_total{endedBy=\"operator\",outcome=\"ended\",reason=\"none\"} 1.0");
        } catch (Exception ex) {
          return false;
        }
      });
      bravoStream.close();
      zuluStream.close();
    }
  }

  @Test
  @DisplayName("Verifies that malformed session requests, oversized lists and a session id of another device get a "
      + "clear 4xx and change nothing, and that a requester asking too often gets 429 with Retry-After")
  void badInput(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestServer.config(dir.resolve("data"),
            Map.of("HOMEPORT_SESSIONS_REQUESTS_PER_MINUTE", "5")));
        TestAgents agents = new TestAgents(server)) {
      // given a session between alpha and bravo, and charlie outside it
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.start("c", "charlie", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");
      String id = alpha.requestSession("bravo", 0, 0).await(10, TimeUnit.SECONDS).offer().id();
      DeviceHttp charlie = DeviceHttp.as(server, agents.bundle("c"));
      DeviceHttp bravo = DeviceHttp.as(server, agents.bundle("b"));
      String before = agents.log(id).encode();

      // when malformed requests arrive
      assertThat(assertProblem(charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"bravo\",\"colour\":1}"), 400,
          "invalid-field").getString("field")).isEqualTo("colour");
      assertProblem(charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"\"}"), 400, "invalid-field");
      assertProblem(charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"bravo\",\"wait\":99}"), 400, "invalid-field");
      assertProblem(charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"bravo\",\"duration\":-5}"), 400,
          "invalid-field");
      assertProblem(charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"charlie\"}"), 400, "invalid-field");
      assertProblem(bravo.send("POST", "/device/v1/sessions/" + id + "/end",
          "{\"reason\":\"x\",\"bytesSent\":-1,\"bytesReceived\":0,\"path\":\"direct\"}"), 400, "invalid-field");
      assertProblem(bravo.send("POST", "/device/v1/sessions/" + id + "/end",
          "{\"reason\":\"x\",\"bytesSent\":1,\"bytesReceived\":0,\"path\":\"carrier-pigeon\"}"), 400, "invalid-field");
      // and charlie names a session it is not part of
      String report = "{\"reason\":\"x\",\"bytesSent\":0,\"bytesReceived\":0,\"path\":\"none\"}";
      assertProblem(charlie.send("POST", "/device/v1/sessions/" + id + "/end", report), 404, "session-not-found");
      assertProblem(charlie.send("POST", "/device/v1/sessions/" + id + "/extend", "{}"), 404, "session-not-found");
      assertProblem(charlie.send("POST", "/device/v1/sessions/" + id + "/consent", "{\"accept\":true}"), 404,
          "session-not-found");
      // and bravo answers a consent nobody asked for (its list is in server mode)
      assertProblem(bravo.send("POST", "/device/v1/sessions/" + id + "/consent", "{\"accept\":false}"), 409,
          "session-not-requested");
      // and lists too long, or with unknown fields, from the device and from the API
      String tooLong = new JsonObject().put("mode", "server").put("allow",
          new JsonArray(IntStream.range(0, 257).mapToObj(i -> "d" + i).toList())).encode();
      assertThat(assertProblem(bravo.send("PUT", "/device/v1/permissions", tooLong), 400, "invalid-field")
          .getString("field")).isEqualTo("allow");
      assertProblem(server.api("PUT", "/api/v1/devices/b/permissions", server.adminToken(), tooLong), 400,
          "invalid-field");
      assertProblem(bravo.send("PUT", "/device/v1/permissions", "{\"mode\":\"server\",\"allow\":[],\"owner\":\"c\"}"),
          400, "invalid-field");
      assertProblem(bravo.send("PUT", "/device/v1/permissions", "{\"mode\":\"server\",\"allow\":[],\"maxDuration\":0.5}"),
          400, "invalid-field");

      // then nothing changed: the session as it was, bravo's list as it was
      assertThat(agents.log(id).encode()).isEqualTo(before);
      assertThat(server.admin("GET", "/api/v1/devices/b/permissions", null, 200).getJsonArray("allow")).hasSize(1);

      // when charlie keeps asking (five per minute here; its self-request above counted as one)
      List<Integer> statuses = new java.util.ArrayList<>();
      HttpResponse<String> last = null;
      for (int i = 0; i < 5; i++) {
        last = charlie.send("POST", "/device/v1/sessions", "{\"peer\":\"bravo\"}");
        statuses.add(last.statusCode());
      }

      // then the fifth request of the minute is the last one judged, and the next gets 429 with Retry-After
      assertThat(statuses).containsExactly(403, 403, 403, 403, 429);
      assertProblem(last, 429, "too-many-session-requests");
      assertThat(last.headers().firstValue("Retry-After")).contains("60");
    }
  }
}
