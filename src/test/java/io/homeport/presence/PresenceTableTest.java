package io.homeport.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PresenceTableTest {
  private final List<String> changes = new ArrayList<>();
  private final PresenceTable table = new PresenceTable();
  private final PresenceListener recorder = new PresenceListener() {
    @Override
    public void online(Presence previous, Presence current) {
      changes.add("online " + current.deviceId() + " " + current.publicAddress().getPort()
          + (previous == null ? "" : " (was offline since " + previous.lastSeenMillis() + ")"));
    }

    @Override
    public void addressChanged(Presence previous, Presence current) {
      changes.add("moved " + current.deviceId() + " " + previous.publicAddress().getPort() + "->"
          + current.publicAddress().getPort());
    }

    @Override
    public void offline(Presence previous, Presence current) {
      assertThat(previous.online()).isTrue();
      assertThat(current.online()).isFalse();
      assertThat(current.publicAddress()).isEqualTo(previous.publicAddress());
      changes.add("offline " + current.deviceId());
    }
  };

  PresenceTableTest() {
    table.addListener(recorder);
  }

  private static InetSocketAddress at(int port) {
    return new InetSocketAddress("198.18.0.2", port);
  }

  @Test
  @DisplayName("Verifies that a device goes online, moves, goes offline after the grace and back online")
  void lifecycle() {
    table.accept("d", at(1000), 1, 0, 25);
    table.accept("d", at(1000), 2, 25_000, 25);
    table.accept("d", at(2000), 3, 50_000, 25);
    assertThat(table.sweep(100_000, 90_000, 200_000)).isZero();
    assertThat(table.sweep(141_000, 90_000, 200_000)).isEqualTo(1);
    assertThat(table.get("d")).get().extracting(Presence::online).isEqualTo(false);
    table.accept("d", at(3000), 4, 150_000, 25);
    assertThat(changes).containsExactly("online d 1000", "moved d 1000->2000", "offline d",
        "online d 3000 (was offline since 50000)");
    assertThat(table.onlineCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("Verifies that sequence numbers must grow, also while the device is offline, until the entry is forgotten")
  void replayWindow() {
    table.accept("d", at(1000), 10, 0, 25);
    assertThat(table.isFresh("d", 10)).isFalse();
    assertThat(table.isFresh("d", 9)).isFalse();
    assertThat(table.isFresh("d", 11)).isTrue();
    table.sweep(100_000, 90_000, 200_000); // offline, still remembered
    assertThat(table.isFresh("d", 10)).isFalse();
    table.sweep(300_000, 90_000, 200_000); // forgotten
    assertThat(table.get("d")).isEmpty();
    assertThat(table.isFresh("d", 1)).isTrue();
  }

  @Test
  @DisplayName("Verifies that removing an online device reports it offline")
  void remove() {
    table.accept("d", at(1000), 1, 0, 25);
    table.remove("d");
    assertThat(changes).containsExactly("online d 1000", "offline d");
    assertThat(table.get("d")).isEmpty();
  }

  @Test
  @DisplayName("Verifies that every listener hears each change, a removed one no more, and a failing one does not stop the others")
  void listenersAddedAndRemoved() {
    // given a second listener, and one that throws
    List<String> second = new ArrayList<>();
    PresenceListener secondListener = new PresenceListener() {
      @Override
      public void online(Presence previous, Presence current) {
        second.add("online " + current.deviceId());
      }
    };
    table.addListener(new PresenceListener() {
      @Override
      public void online(Presence previous, Presence current) {
        throw new IllegalStateException("broken listener");
      }
    });
    table.addListener(secondListener);

    // when one device comes online, the second listener is removed, and another device comes online
    table.accept("a", at(1000), 1, 0, 25);
    table.removeListener(secondListener);
    table.accept("b", at(2000), 1, 0, 25);

    // then the first listener heard both, the second only the first
    assertThat(changes).containsExactly("online a 1000", "online b 2000");
    assertThat(second).containsExactly("online a");
  }
}
