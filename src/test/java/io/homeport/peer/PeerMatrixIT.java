package io.homeport.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.LabProcess;
import io.homeport.testing.LabProcess.Line;
import io.homeport.testing.NatLab;
import io.homeport.testing.ServerProcess;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer sessions between two agent processes, each behind a router namespace of its own with a real NAT
 * type (DESIGN 5.1, 10): a UDP echo at the target reached through {@code device connect --listen-udp} and
 * {@code device run --expose-udp}, for every pairing of NAT types, asserting the path. The number of
 * sessions per pairing is the system property {@code homeport.matrix.runs} (1 in CI; {@code
 * scripts/nat-matrix.sh} runs 20). The table goes to standard output and {@code target/nat-matrix/}.
 */
class PeerMatrixIT {
  private static final int RUNS = Integer.getInteger("homeport.matrix.runs", 1);
  private static final int ECHO_PORT = 7007;
  private static final int PINGS = 20;
  private static final Pattern PATH_LINE = Pattern.compile("session \\S+: path \\S+(?: \\S+)? -> (\\S+)");
  private static final Pattern SESSION_LINE = Pattern.compile("session (\\S+) established with");
  private static final Pattern PING_SUMMARY = Pattern.compile("sent (\\d+) received (\\d+) last (\\d+)");

  /** A pairing: the requester's NAT type (home 1), the target's (home 2), and the path it must take. */
  private record Pairing(String requester, String target, String expected) {}

  private static final List<Pairing> PAIRINGS = List.of(
      new Pairing("full-cone", "full-cone", "direct"),
      new Pairing("full-cone", "address-restricted", "direct"),
      new Pairing("full-cone", "port-restricted", "direct"),
      new Pairing("address-restricted", "address-restricted", "direct"),
      new Pairing("address-restricted", "port-restricted", "direct"),
      new Pairing("port-restricted", "port-restricted", "direct"),
      new Pairing("symmetric", "full-cone", "direct"),
      new Pairing("symmetric", "address-restricted", "direct"),
      new Pairing("double", "port-restricted", "direct"),
      new Pairing("symmetric", "port-restricted", "relay"),
      new Pairing("symmetric", "symmetric", "relay"));

  @TempDir
  Path dir;
  private NatLab lab;
  private final List<LabProcess> processes = new ArrayList<>();
  private LabProcess server;

  @BeforeEach
  void lab() {
    NatLab.assumeAvailable();
  }

  @AfterEach
  void teardown() throws Exception {
    for (LabProcess p : processes) {
      p.stop();
    }
    if (lab != null) {
      lab.close();
    }
    Path logs = Path.of(System.getProperty("homeport.basedir", ".")).resolve("target/nat-matrix");
    Files.createDirectories(logs);
    for (LabProcess p : processes) {
      Files.write(logs.resolve(p.name + ".log"), p.lines.stream().map(Line::text).toList());
    }
  }

  @Test
  @DisplayName("Verifies that for every pairing of NAT types a session carries a real UDP echo, directly for every "
      + "pairing of cone types, symmetric with full-cone and address-restricted and a double NAT, and relayed for "
      + "symmetric with port-restricted and symmetric; that an operator's end stops relayed traffic within 100 ms; and "
      + "that a direct path blocked mid-session moves to the relay with the echo answering, and back when unblocked")
  void matrix() throws Exception {
    // given the server on the lab's "Internet", and two devices, bravo letting alpha in
    lab = NatLab.withRouters(NatLab.uniquePrefix(), 30, List.of(PAIRINGS.get(0).requester(), PAIRINGS.get(0).target()));
    String jar = ServerProcess.JAR.toAbsolutePath().toString();
    server = start("server", lab.serverNamespace(), List.of("java", "-jar", jar, "serve"), Map.of(
        "HOMEPORT_DATA_DIR", dir.resolve("data").toString(), "HOMEPORT_PUBLIC_HOSTS", lab.serverAddress()));
    server.await("Homeport is up", Duration.ofSeconds(60), l -> l.contains("Homeport is up"));
    for (String[] device : List.of(new String[] {"a", "alpha", "1"}, new String[] {"b", "bravo", "2"})) {
      String token = new JsonObject(api("POST", "/api/v1/devices", "{\"id\":\"" + device[0] + "\"}").body())
          .getJsonObject("enrollment").getString("token");
      api("PUT", "/api/v1/devices/" + device[0] + "/name", "{\"name\":\"" + device[1] + "\"}");
      lab.run(lab.homeNamespace(Integer.parseInt(device[2])), List.of("java", "-jar", jar, "device", "enroll", "--server",
          "https://" + lab.serverAddress() + ":7443", "--token", token, "--out", dir.resolve(device[0]).toString()));
    }
    api("PUT", "/api/v1/devices/b/permissions", "{\"mode\":\"server\",\"allow\":[\"a\"]}");

    Map<Pairing, int[]> table = new LinkedHashMap<>(); // direct, relay, failed
    List<String> failures = new ArrayList<>();
    for (Pairing pairing : PAIRINGS) {
      // when the homes have these NAT types, and bravo exposes an echo service
      lab.reshape(List.of(pairing.requester(), pairing.target()));
      LabProcess echo = start("echo-" + pairing.requester() + "-" + pairing.target(), lab.homeNamespace(2),
          List.of("java", udpTool(), "echo", String.valueOf(ECHO_PORT)), Map.of());
      echo.await("the echo service", Duration.ofSeconds(30), l -> l.contains("echo ready"));
      LabProcess bravo = start("bravo-" + pairing.requester() + "-" + pairing.target(), lab.homeNamespace(2), List.of("java", "-jar", jar, "device",
          "run", "--bundle", dir.resolve("b").toString(), "--poll", "0s", "--expose-udp", "echo=127.0.0.1:" + ECHO_PORT),
          Map.of());
      bravo.await("bravo online", Duration.ofSeconds(30), l -> l.contains("online, public address"));
      // and bravo learned its NAT's mapping behaviour through the beacon's alternate port, as the API shows
      String mapping = pairing.target().equals("symmetric") ? "endpoint-dependent" : "endpoint-independent";
      bravo.await("bravo's NAT mapping", Duration.ofSeconds(10), l -> l.contains("NAT mapping is " + mapping));
      TestServer.await("the API shows bravo's NAT mapping", Duration.ofSeconds(10), () -> mapping.equals(natMapping("b")));
      int[] counts = new int[3];
      table.put(pairing, counts);
      for (int run = 1; run <= RUNS; run++) {
        // and alpha connects and pings through the session
        String outcome = session(pairing, run, jar);
        counts[outcome.equals("direct") ? 0 : outcome.equals("relay") ? 1 : 2]++;
        if (!outcome.equals(pairing.expected())) {
          failures.add(pairing + " run " + run + ": " + outcome);
        }
      }
      bravo.stop();
      echo.stop();
    }

    String printed = table(table);
    System.out.println(printed);
    Path out = Path.of(System.getProperty("homeport.basedir", ".")).resolve("target/nat-matrix");
    Files.createDirectories(out);
    Files.writeString(out.resolve("matrix.txt"), printed);
    // then every pairing took the expected path in every run, with the echo answering
    assertThat(failures).as(printed).isEmpty();
  }

  /** One session from alpha to bravo's echo: the path it ended up on, or what failed. */
  private String session(Pairing pairing, int run, String jar) throws Exception {
    int listenPort = 6000 + run % 1000;
    LabProcess alpha = start("alpha-" + pairing.requester() + "-" + pairing.target() + "-" + run, lab.homeNamespace(1),
        List.of("java", "-jar", jar, "device", "connect", "--bundle", dir.resolve("a").toString(), "--peer", "bravo",
            "--service", "echo", "--listen-udp", "127.0.0.1:" + listenPort, "--duration", "10m"), Map.of());
    try {
      alpha.await("alpha forwarding", Duration.ofSeconds(60), l -> l.startsWith("forwarding udp"));
    } catch (AssertionError e) {
      return "failed: no session (" + e.getMessage() + ")";
    }
    String sessionId = alpha.find(SESSION_LINE).orElseThrow();
    // the expected kind of path within 5 s (punching gives up after 1 s; a late peer is met within 2 s more)
    Predicate<String> expectedPath = l -> {
      Matcher m = PATH_LINE.matcher(l);
      return m.find() && kind(m.group(1)).equals(pairing.expected());
    };
    try {
      alpha.await("a " + pairing.expected() + " path", Duration.ofSeconds(5), expectedPath);
    } catch (AssertionError e) {
      // the outcome below says which path it took instead
    }
    boolean special = run == 1 && (pairing.equals(PAIRINGS.get(5)) || pairing.equals(PAIRINGS.get(10)));
    if (special && pairing.expected().equals("direct")) {
      blockedMidSession(alpha, listenPort);
    }
    Ping ping = ping(listenPort, PINGS, 20);
    String path = currentPath(alpha);
    if (special && pairing.expected().equals("relay")) {
      forcedEndStopsRelay(alpha, listenPort, sessionId);
      return ping.received() >= PINGS * 3 / 4 ? path : "failed: " + ping.received() + "/" + PINGS + " echoes";
    }
    alpha.stop(); // SIGTERM: it ends the session and reports it
    if (run == 1) {
      JsonObject log = new JsonObject(api("GET", "/api/v1/sessions/" + sessionId, null).body());
      TestServer.await("alpha's end report", Duration.ofSeconds(10), () -> {
        try {
          return new JsonObject(api("GET", "/api/v1/sessions/" + sessionId, null).body()).getJsonObject("reports")
              .getJsonObject("requester") != null;
        } catch (Exception e) {
          return false;
        }
      });
      log = new JsonObject(api("GET", "/api/v1/sessions/" + sessionId, null).body());
      JsonObject report = log.getJsonObject("reports").getJsonObject("requester");
      assertThat(report.getString("path")).as("the end report's path, %s", pairing).isEqualTo(path);
      assertThat(report.getLong("bytesSent")).as("the end report's bytes, %s", pairing).isPositive();
    }
    return ping.received() >= PINGS * 3 / 4 ? path : "failed: " + ping.received() + "/" + PINGS + " echoes";
  }

  /** A direct path blocked at alpha's router moves to the relay, the echo answering; unblocked, it returns. */
  private void blockedMidSession(LabProcess alpha, int listenPort) throws Exception {
    assertThat(currentPath(alpha)).as("direct before the block").isEqualTo("direct");
    // a ping running through the whole block and unblock, 50 ms apart
    Process longPing = lab.start(lab.homeNamespace(1), List.of("java", udpTool(), "ping", "127.0.0.1:" + listenPort,
        "700", "50", "1000"), Map.of());
    LabProcess pinger = LabProcess.reading("ping-blocked", longPing);
    processes.add(pinger);
    pinger.await("the first echo", Duration.ofSeconds(20), l -> l.startsWith("echo "));
    int before = alpha.lines.size();
    long blockedAt = System.currentTimeMillis();
    lab.block(1);
    Line relay = alpha.awaitAfter(before, "the relay after the block", Duration.ofSeconds(20),
        l -> l.contains("-> relay"));
    long toRelay = relay.at() - blockedAt;
    long heartbeat = PeerChannel.Settings.DEFAULTS.heartbeatMillis();
    System.out.printf("blocked direct path: on the relay after %d ms (heartbeat %d ms)%n", toRelay, heartbeat);
    assertThat(toRelay).as("moved to the relay within two heartbeats, their round trip and a tick")
        .isLessThanOrEqualTo(2 * heartbeat + heartbeat / 2);
    // echoes keep coming on the relay
    int echoesAtSwitch = pinger.count(l -> l.startsWith("echo "));
    TestServer.await("echoes through the relay", Duration.ofSeconds(5),
        () -> pinger.count(l -> l.startsWith("echo ")) >= echoesAtSwitch + 20);
    int beforeUnblock = alpha.lines.size();
    long unblockedAt = System.currentTimeMillis();
    lab.unblock(1);
    Line back = alpha.awaitAfter(beforeUnblock, "direct again after the unblock", Duration.ofSeconds(15), l -> {
      Matcher m = PATH_LINE.matcher(l);
      return m.find() && kind(m.group(1)).equals("direct");
    });
    System.out.printf("unblocked: direct again after %d ms%n", back.at() - unblockedAt);
    assertThat(longPing.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Matcher summary = PING_SUMMARY.matcher(pinger.lines.get(pinger.lines.size() - 1).text());
    assertThat(summary.find()).isTrue();
    int received = Integer.parseInt(summary.group(2));
    System.out.printf("echo through block and unblock: %d of 700 answered%n", received);
    // lost: at most what was in flight between the block and the switch to the relay, plus a second
    assertThat(received).isGreaterThanOrEqualTo(700 - (int) ((toRelay + 1000) / 50));
  }

  /** An operator's end: relayed echoes stop within 100 ms of the server's end time. */
  private void forcedEndStopsRelay(LabProcess alpha, int listenPort, String sessionId) throws Exception {
    Process longPing = lab.start(lab.homeNamespace(1), List.of("java", udpTool(), "ping", "127.0.0.1:" + listenPort,
        "400", "10", "500"), Map.of());
    LabProcess pinger = LabProcess.reading("ping-forced-end", longPing);
    processes.add(pinger);
    pinger.await("the first echo", Duration.ofSeconds(20), l -> l.startsWith("echo "));
    TestServer.await("echoes flowing", Duration.ofSeconds(5), () -> pinger.count(l -> l.startsWith("echo ")) >= 30);
    NatLab.ApiCall deleted = api("DELETE", "/api/v1/sessions/" + sessionId, null);
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(longPing.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long endedAt = java.time.Instant.parse(new JsonObject(api("GET", "/api/v1/sessions/" + sessionId, null).body())
        .getString("endedAt")).toEpochMilli();
    Matcher summary = PING_SUMMARY.matcher(pinger.lines.get(pinger.lines.size() - 1).text());
    assertThat(summary.find()).isTrue();
    long lastEcho = Long.parseLong(summary.group(3));
    System.out.printf("operator's end of a relayed session: last echo %d ms after the end%n", lastEcho - endedAt);
    assertThat(lastEcho - endedAt).as("relayed traffic stops within 100 ms of the end").isLessThan(100);
    alpha.await("alpha told of the end", Duration.ofSeconds(10), l -> l.contains("session " + sessionId + " ended"));
  }

  private record Ping(int sent, int received, long lastEchoMillis) {}

  private Ping ping(int port, int count, long intervalMillis) throws Exception {
    Process p = lab.start(lab.homeNamespace(1), List.of("java", udpTool(), "ping", "127.0.0.1:" + port,
        String.valueOf(count), String.valueOf(intervalMillis), "1000"), Map.of());
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Matcher m = PING_SUMMARY.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return new Ping(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
  }

  private static String currentPath(LabProcess alpha) {
    String last = "none";
    for (Line l : alpha.lines) {
      Matcher m = PATH_LINE.matcher(l.text());
      if (m.find()) {
        last = kind(m.group(1));
      }
    }
    return last;
  }

  private static String kind(String logged) {
    return switch (logged) {
      case "relay" -> "relay";
      case "none" -> "none";
      default -> "direct"; // lan, public, reflexive
    };
  }

  private static String table(Map<Pairing, int[]> table) {
    StringBuilder b = new StringBuilder(String.format("%-20s %-20s %-8s %7s %7s %7s%n", "requester", "target",
        "expected", "direct", "relay", "failed"));
    table.forEach((p, c) -> b.append(String.format("%-20s %-20s %-8s %7d %7d %7d%n", p.requester(), p.target(),
        p.expected(), c[0], c[1], c[2])));
    return b.toString();
  }

  private static String udpTool() {
    return Path.of(System.getProperty("homeport.basedir", ".")).resolve("src/test/resources/nat-tools/UdpTool.java")
        .toAbsolutePath().toString();
  }

  /** The NAT mapping behaviour the API shows for the device, null while none is reported. */
  private String natMapping(String deviceId) {
    try {
      return new JsonObject(api("GET", "/api/v1/devices/" + deviceId, null).body()).getJsonObject("presence")
          .getJsonObject("nat", new JsonObject()).getString("mapping");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private NatLab.ApiCall api(String method, String path, String body) throws Exception {
    return lab.api(dir.resolve("data"), method, path, body);
  }

  private LabProcess start(String name, String ns, List<String> command, Map<String, String> env) throws Exception {
    LabProcess p = LabProcess.reading(name, lab.start(ns, command, env));
    processes.add(p);
    return p;
  }

}
