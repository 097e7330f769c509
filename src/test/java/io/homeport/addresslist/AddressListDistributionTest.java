package io.homeport.addresslist;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.AddressBook;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.testing.Ports;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Address lists reaching reference agents (DESIGN 4): pending flag, urgent wakes, storage, fleet moves. */
class AddressListDistributionTest {
  private static final String PIN = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  /** Long enough that "within one interval" and "within 2 s" differ. */
  private static final Duration INTERVAL = Duration.ofSeconds(6);
  private static final Duration SLACK = Duration.ofMillis(1500);

  @TempDir
  Path dir;
  private final Vertx agents = Vertx.vertx();

  @AfterEach
  void stopAgents() throws Exception {
    agents.close().await(10, TimeUnit.SECONDS);
  }

  private DeviceAgent run(DeviceBundle bundle, Path bookDir) throws Exception {
    DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO)
        .withAddressBook(AddressBook.load(bookDir));
    agents.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    return agent;
  }

  private static String entries(String... idsAndUrls) {
    JsonObject entries = new JsonObject();
    for (int i = 0; i < idsAndUrls.length; i += 2) {
      entries.put(idsAndUrls[i], new JsonObject().put("url", idsAndUrls[i + 1]).put("pins", new io.vertx.core.json.JsonArray().add(PIN)));
    }
    return entries.encode();
  }

  private static long publish(TestServer server, String scope, String entriesJson, boolean urgent) throws Exception {
    return server.admin("PUT", "/api/v1/address-lists/" + scope,
        "{\"entries\":" + entriesJson + ",\"urgent\":" + urgent + "}", 200).getLong("version");
  }

  @Test
  @DisplayName("Verifies that a list published for group kitchen reaches an online agent in the group within one "
      + "keepalive interval without a wake and within 2 s when urgent, never an agent outside the group, and that "
      + "the agent's stored list survives its restart")
  void reachesTheGroup() throws Exception {
    try (TestServer server = TestServer.start(TestServer.config(dir.resolve("data"), Map.of())
        .withKeepalive(INTERVAL, INTERVAL.multipliedBy(3)))) {
      // given an agent in group kitchen and one outside it, both online
      DeviceBundle kitchen = server.enrollDevice("kitchen-1");
      server.admin("PUT", "/api/v1/devices/kitchen-1/groups", "{\"groups\":[\"kitchen\"]}", 200);
      DeviceBundle hall = server.enrollDevice("hall-1");
      DeviceAgent inKitchen = run(kitchen, dir.resolve("kitchen-book"));
      DeviceAgent inHall = run(hall, dir.resolve("hall-book"));
      server.awaitOnline("kitchen-1", Duration.ofSeconds(10));
      server.awaitOnline("hall-1", Duration.ofSeconds(10));
      // and both hold their current (empty) lists: fetched at once, as a new agent holds version 0
      long kitchenStart = server.admin("GET", "/api/v1/devices/kitchen-1/address-list", null, 200).getLong("version");
      TestServer.await("the kitchen agent holds its list", Duration.ofSeconds(5),
          () -> inKitchen.addressBook().version() == kitchenStart);
      long hallVersion = inHall.addressBook().version();

      // when a list is published for the group, not urgent
      long wakes = server.server().beacon().wakesSent();
      long started = System.nanoTime();
      long first = publish(server, "group:kitchen", entries("vendor", "https://vendor.example/api"), false);
      // then the kitchen agent holds it within one keepalive interval (the answer's pending flag), without a wake
      TestServer.await("the kitchen agent holds version " + first, INTERVAL.plus(SLACK),
          () -> inKitchen.addressBook().version() == first);
      System.out.printf("non-urgent list held after %d ms%n", (System.nanoTime() - started) / 1_000_000);
      assertThat(server.server().beacon().wakesSent()).as("wakes sent").isEqualTo(wakes);
      assertThat(inKitchen.addressBook().entry("vendor")).get().extracting(AddressBook.Entry::url)
          .isEqualTo("https://vendor.example/api");

      // when the next publication is urgent
      started = System.nanoTime();
      long second = publish(server, "group:kitchen",
          entries("vendor", "https://vendor.example/api", "cloud", "https://cloud.example:8443"), true);
      // then the kitchen agent is woken and holds it within 2 s (a delta from the first)
      TestServer.await("the kitchen agent holds version " + second, Duration.ofSeconds(2),
          () -> inKitchen.addressBook().version() == second);
      System.out.printf("urgent list held after %d ms%n", (System.nanoTime() - started) / 1_000_000);
      assertThat(inKitchen.addressBook().entries()).containsOnlyKeys("vendor", "cloud");
      // and the metrics count the fetch that was answered with the changes
      String metrics = server.api("GET", "/metrics", server.adminToken(), null).body();
      assertThat(metrics).containsPattern("homeport_address_list_fetches_total\\{answer=\"delta\"[^}]*} [1-9]")
          .contains("homeport_address_list_version " + (double) second);

      // and the agent outside the group never gets the group's entries, nor a new version
      Thread.sleep(INTERVAL.plus(SLACK).toMillis()); // one more keepalive round: a wrong pending flag would show
      assertThat(inHall.addressBook().version()).isEqualTo(hallVersion);
      assertThat(inHall.addressBook().entries()).isEmpty();

      // when the kitchen agent restarts
      agents.undeploy(inKitchen.deploymentID()).await(10, TimeUnit.SECONDS);
      AddressBook stored = AddressBook.load(dir.resolve("kitchen-book"));
      // then its stored list is the one it held
      assertThat(stored.version()).isEqualTo(second);
      assertThat(stored.entries()).containsOnlyKeys("vendor", "cloud");
    }
  }

  @Test
  @DisplayName("Verifies that `device enroll` stores the list the enrollment answer carries, so a new device knows its "
      + "application servers before its first keepalive")
  void enrollmentStoresTheInitialList() throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // given a published global list
      long version = publish(server, "global", entries("vendor", "https://vendor.example/api"), false);
      // when a device enrolls into a bundle directory
      io.homeport.agent.Enroller.enrollInto(server.deviceChannel(), server.createDevice("new-1"), dir.resolve("new-1"));
      // then the directory holds the list at its version
      AddressBook stored = AddressBook.load(dir.resolve("new-1"));
      assertThat(stored.version()).isEqualTo(version);
      assertThat(stored.entry("vendor")).isPresent();
    }
  }

  @Test
  @DisplayName("Verifies that a list naming new Homeport endpoints moves online agents there: unreachable, they "
      + "return to the old ones and a command reaches them there; once the server runs on the new ports, they move "
      + "and a command reaches them at the new beacon")
  void movesTheFleet() throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // given an agent online at the enrolled endpoints
      DeviceBundle bundle = server.enrollDevice("mover-1");
      DeviceAgent agent = run(bundle, dir.resolve("mover-book"));
      server.awaitOnline("mover-1", Duration.ofSeconds(10));
      int oldBeacon = server.server().beaconPort();

      // when a list names endpoints where nothing answers yet
      int newBeacon = Ports.freeUdp();
      int newChannel = Ports.freeTcp();
      publish(server, "global", new JsonObject()
          .put(AddressBook.BEACON, new JsonObject().put("url", "udp://127.0.0.1:" + newBeacon))
          .put(AddressBook.DEVICE_CHANNEL, new JsonObject().put("url", "https://localhost:" + newChannel)).encode(), true);
      // then the agent tries them, and returns to the old endpoints when they do not answer
      TestServer.await("the agent tried the new beacon", Duration.ofSeconds(5),
          () -> agent.endpoints().beaconPort() == newBeacon);
      TestServer.await("the agent is back at the old beacon", Duration.ofSeconds(15),
          () -> agent.endpoints().beaconPort() == oldBeacon);
      // and a command reaches it there
      JsonObject done = server.admin("POST", "/api/v1/devices/mover-1/commands?wait=15s",
          "{\"action\":\"at-old\",\"params\":{}}", 200);
      assertThat(done.getString("state")).isEqualTo("succeeded");

      // when the server comes back on the new ports (same data directory: same CA, same devices)
      server.restartOn(newBeacon, newChannel);
      // then the agent moves there, keeping its identity
      TestServer.await("the agent uses the new beacon", Duration.ofSeconds(20),
          () -> agent.endpoints().beaconPort() == newBeacon);
      server.awaitOnline("mover-1", Duration.ofSeconds(10));
      // and a command reaches it, woken from the new beacon port
      long wakesBefore = server.server().beacon().wakesSent();
      JsonObject moved = server.admin("POST", "/api/v1/devices/mover-1/commands?wait=15s",
          "{\"action\":\"at-new\",\"params\":{}}", 200);
      assertThat(moved.getString("state")).isEqualTo("succeeded");
      assertThat(server.server().beaconPort()).isEqualTo(newBeacon);
      assertThat(server.server().beacon().wakesSent()).isGreaterThan(wakesBefore);
    }
  }
}
