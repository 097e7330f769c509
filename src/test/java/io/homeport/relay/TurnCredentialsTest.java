package io.homeport.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.PeerSession;
import io.homeport.config.HomeportConfig;
import io.homeport.testing.Ports;
import io.homeport.testing.TestAgents;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TURN credentials in offers, checked by a real coturn ({@code use-auth-secret}) and its own client. */
class TurnCredentialsTest {

  @Test
  @DisplayName("Verifies that the TURN credentials of an offer let coturn's turnutils_uclient allocate and relay, with a "
      + "TTL no longer than the session's remaining time, and that coturn refuses them once the session's time is up")
  void coturnAcceptsOfferCredentialsAndRefusesExpiredOnes(@TempDir Path dir) throws Exception {
    requireCoturn();
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    int turnPort = Ports.freeUdp();
    Process coturn = new ProcessBuilder("turnserver", "-n", "--use-auth-secret", "--static-auth-secret=" + secret,
        "--realm=homeport.test", "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1", "--listening-port",
        String.valueOf(turnPort), "--no-cli", "--no-tls", "--no-dtls", "--allow-loopback-peers", "--min-port", "49200",
        "--max-port", "49400", "--log-file", "stdout", "--simple-log").redirectErrorStream(true)
        .redirectOutput(dir.resolve("coturn.log").toFile()).start();
    try (TestServer server = TestServer.start(TestServer.config(dir.resolve("data"), Map.of(
            "HOMEPORT_RELAY_TURN_URLS", "turn:127.0.0.1:" + turnPort + "?transport=udp",
            "HOMEPORT_RELAY_TURN_SECRET", secret)));
        TestAgents agents = new TestAgents(server)) {
      // given a server configured with the TURN service, and two devices
      assertThat(server.server().config().relay().turn().toString()).doesNotContain(secret);
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");

      // when alpha gets a session of the default length
      PeerSession session = agents.session(alpha, "bravo");
      JsonObject turn = session.turn();

      // then the offer names the service, with a username expiring with the session and a TTL within it
      assertThat(turn.getJsonArray("urls").getList()).containsExactly("turn:127.0.0.1:" + turnPort + "?transport=udp");
      assertThat(turn.getString("username")).isEqualTo(session.expiresAt().getEpochSecond() + ":" + session.id());
      long remaining = Duration.between(Instant.now(), session.expiresAt()).toSeconds() + 1;
      assertThat(turn.getLong("ttl")).isPositive().isLessThanOrEqualTo(remaining);
      // and coturn's own client allocates with them and relays its test traffic
      Result accepted = uclient(turnPort, turn.getString("username"), turn.getString("password"));
      assertThat(accepted.exitCode()).as(accepted.output()).isZero();
      assertThat(accepted.output()).contains("Total lost packets 0");

      // when a session of one second has run out
      PeerSession brief = alpha.requestSession("bravo", 1, 10).await(20, TimeUnit.SECONDS).offer();
      long expiry = Long.parseLong(brief.turn().getString("username").split(":")[0]);
      TestServer.await("the brief session's time is up", Duration.ofSeconds(10),
          () -> Instant.now().getEpochSecond() > expiry);

      // then coturn refuses its credentials
      Result refused = uclient(turnPort, brief.turn().getString("username"), brief.turn().getString("password"));
      assertThat(refused.exitCode()).as(refused.output()).isNotZero();
      assertThat(refused.output()).contains("Cannot complete Allocation");
    } finally {
      coturn.destroy();
      coturn.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private record Result(int exitCode, String output) {}

  /** turnutils_uclient: allocate with the credentials, send 5 messages between two of its clients through coturn. */
  private static Result uclient(int port, String username, String password) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("turnutils_uclient", "-u", username, "-w", password, "-p",
        String.valueOf(port), "-n", "5", "-m", "1", "-y", "127.0.0.1"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(ended ? p.exitValue() : -1, out);
  }

  /** coturn is installed by scripts/ensure-tools.sh test; in CI its absence is an error. */
  private static void requireCoturn() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/turnserver"))
        && Files.isExecutable(Path.of("/usr/bin/turnutils_uclient"));
    if (!present && "true".equals(System.getenv("CI"))) {
      Assertions.fail("coturn must be installed in CI (scripts/ensure-tools.sh test installs it)");
    }
    Assumptions.assumeTrue(present, "coturn is not installed (scripts/ensure-tools.sh test installs it); skipped");
  }
}
