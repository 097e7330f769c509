package io.homeport.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.NatLab;
import io.homeport.testing.ServerProcess;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server and reference agent through a real NAT (DESIGN.md 10): the server in one
 * network namespace, the agent in a home namespace behind an nftables masquerade router whose UDP
 * mappings die 20 s after their last packet: shorter than the server's 25 s keepalive interval, and
 * masquerade gives the expired mapping's port out again, so the server sees the same address before and
 * after and only the agent's lifetime probes can tell.
 */
class RealNatIT {
  private static final int UDP_TIMEOUT_SECONDS = 20;

  @TempDir
  Path dir;
  private NatLab lab;
  private final List<Process> processes = new ArrayList<>();
  private final List<String> serverLog = new CopyOnWriteArrayList<>();
  private final List<String> agentLog = new CopyOnWriteArrayList<>();

  @BeforeEach
  void lab() {
    NatLab.assumeAvailable();
    lab = NatLab.up(NatLab.uniquePrefix(), 1, UDP_TIMEOUT_SECONDS, 0);
  }

  @AfterEach
  void teardown() throws Exception {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (lab != null) {
      lab.close();
    }
    Path logs = Path.of(System.getProperty("homeport.basedir", ".")).resolve("target/real-nat");
    Files.createDirectories(logs);
    Files.write(logs.resolve("server.log"), serverLog);
    Files.write(logs.resolve("agent.log"), agentLog);
  }

  private Process start(String ns, List<String> command, Map<String, String> env, List<String> log) throws Exception {
    Process p = lab.start(ns, command, env);
    processes.add(p);
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          log.add(line);
        }
      } catch (Exception ignored) {
        // ended
      }
    });
    t.setDaemon(true);
    t.start();
    return p;
  }

  private NatLab.ApiCall api(String method, String path, String body) throws Exception {
    return lab.api(dir.resolve("data"), method, path, body);
  }

  private JsonObject presence() throws Exception {
    return new JsonObject(api("GET", "/api/v1/devices/nat-1", null).body()).getJsonObject("presence");
  }

  @Test
  @DisplayName("Verifies that through a NAT with a 20 s UDP timeout (below the server's 25 s interval) the agent learns "
      + "the mapping lifetime from delayed probes, keeps below it, a device idle for 3 minutes gets a command and its "
      + "result reaches a waiting caller in under 2 s, the API shows the NAT behaviour, and that with 30% loss on the "
      + "home link 50 commands in a row succeed")
  void throughRealNat() throws Exception {
    String jar = ServerProcess.JAR.toAbsolutePath().toString();
    // given the server in its namespace, on the production keepalive interval (25 s, above the 20 s NAT timeout)
    start(lab.serverNamespace(), List.of("java", "-jar", jar, "serve"), Map.of(
        "HOMEPORT_DATA_DIR", dir.resolve("data").toString(),
        "HOMEPORT_PUBLIC_HOSTS", lab.serverAddress()), serverLog);
    TestServer.await("the server is up", Duration.ofSeconds(60), () -> serverLog.stream().anyMatch(l -> l.contains("Homeport is up")));

    // and a device enrolled and running behind the NAT, with its own polling off: only wakes and pending flags bring it work
    String token = new JsonObject(api("POST", "/api/v1/devices", "{\"id\":\"nat-1\"}").body()).getJsonObject("enrollment").getString("token");
    Path bundle = dir.resolve("bundle");
    lab.run(lab.homeNamespace(1), List.of("java", "-jar", jar, "device", "enroll", "--server", "https://" + lab.serverAddress() + ":7443",
        "--token", token, "--out", bundle.toString()));
    start(lab.homeNamespace(1), List.of("java", "-jar", jar, "device", "run", "--bundle", bundle.toString(), "--poll", "0s"),
        Map.of(), agentLog);
    TestServer.await("the device is online", Duration.ofSeconds(30), () -> {
      try {
        return presence().getBoolean("online");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    String mapping = presence().getString("publicAddress");
    assertThat(mapping).as("the server sees the router's address, not the home's").startsWith(lab.routerWanAddress() + ":");

    // when the device has been idle for 3 minutes (nine NAT timeouts)
    Thread.sleep(Duration.ofMinutes(3).toMillis());

    // then a command reaches it and the result returns to the waiting caller in under 2 s
    NatLab.ApiCall r = api("POST", "/api/v1/devices/nat-1/commands?wait=10s", "{\"action\":\"wake-test\",\"params\":{\"n\":0}}");
    double seconds = r.seconds();
    System.out.printf("after 3 min idle behind the NAT: command result in %.3f s (mapping %s)%n", seconds, mapping);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("state")).isEqualTo("succeeded");
    assertThat(seconds).isLessThan(2.0);

    // and the agent found the lifetime (a 15 s probe answered, a 22 s one lost) and keeps alive below it
    JsonObject nat = presence().getJsonObject("nat");
    System.out.printf("NAT behaviour the API shows: %s%n", nat);
    assertThat(nat).as("the agent reported its NAT behaviour").isNotNull();
    assertThat(nat.getString("mapping")).isEqualTo("endpoint-independent");
    assertThat(nat.getJsonObject("mappingLifetime").getInteger("atLeast")).isEqualTo(15);
    assertThat(nat.getJsonObject("mappingLifetime").getInteger("below")).isEqualTo(22);
    assertThat(nat.getInteger("keepaliveInterval")).isLessThan(UDP_TIMEOUT_SECONDS);
    assertThat(agentLog).anyMatch(l -> l.contains("the NAT forgets an idle UDP mapping within 22 s"));

    // when 30% of the packets on the home link are dropped, both ways
    lab.setLoss(30);
    List<Double> times = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      NatLab.ApiCall c = api("POST", "/api/v1/devices/nat-1/commands?wait=60s", "{\"action\":\"lossy\",\"params\":{\"n\":" + i + "}}");
      // then every one of 50 commands in a row succeeds
      assertThat(c.status()).as("command %d: %s", i, c.body()).isEqualTo(200);
      assertThat(new JsonObject(c.body()).getString("state")).as("command %d", i).isEqualTo("succeeded");
      times.add(c.seconds());
    }
    times.sort(null);
    System.out.printf("50 commands at 30%% loss: median %.2f s, p90 %.2f s, max %.2f s%n", times.get(24), times.get(44),
        times.get(49));
  }
}
