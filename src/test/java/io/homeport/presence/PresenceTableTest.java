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
    assertThat(table.accept("d", at(1000), 10, 0, 25)).isNotNull();
    assertThat(table.accept("d", at(1000), 10, 1, 25)).isNull();
    assertThat(table.accept("d", at(2000), 9, 1, 25)).isNull();
    assertThat(table.get("d")).get().extracting(Presence::lastSequence, Presence::lastSeenMillis).containsExactly(10L, 0L);
    assertThat(table.accept("d", at(1000), 11, 2, 25)).extracting(Presence::lastSequence).isEqualTo(11L);
    table.sweep(100_000, 90_000, 200_000); // offline, still remembered
    assertThat(table.accept("d", at(1000), 11, 100_000, 25)).isNull();
    assertThat(table.get("d")).get().extracting(Presence::online).isEqualTo(false);
    table.sweep(300_000, 90_000, 200_000); // forgotten
    assertThat(table.get("d")).isEmpty();
    assertThat(table.accept("d", at(1000), 1, 300_000, 25)).isNotNull();
    assertThat(changes).containsExactly("online d 1000", "offline d", "online d 1000");
  }

  @Test
  @DisplayName("Verifies that an entry reads back as written, IPv4 and IPv6 mappings alike, and a move between them "
      + "is an address change")
  void entriesReadBack() throws Exception {
    // given a device at an IPv6 mapping and one at an IPv4 mapping
    InetSocketAddress v6 = new InetSocketAddress(java.net.InetAddress.getByName("2001:db8::7"), 40000);
    InetSocketAddress v4 = new InetSocketAddress("198.18.0.9", 65535);
    Presence six = table.accept("six", v6, 5, 1_000, 20);
    table.accept("four", v4, -2, 2_000, 30); // unsigned: the largest sequences but one

    // then each reads back with every field, equal to what accept returned
    assertThat(table.get("six")).contains(six);
    assertThat(six).isEqualTo(new Presence("six", true, v6, 1_000, 1_000, 5, 20));
    assertThat(table.get("four")).contains(new Presence("four", true, v4, 2_000, 2_000, -2, 30));
    assertThat(table.get("four").get().publicAddressText()).isEqualTo("198.18.0.9:65535");
    assertThat(table.accept("four", v4, 7, 3_000, 30)).as("7 is below 2^64-2").isNull();

    // when the IPv6 device moves to IPv4 and back, then both are address changes and the times are kept
    table.accept("six", at(1000), 6, 3_000, 20);
    Presence back = table.accept("six", v6, 7, 4_000, 20);
    assertThat(back).isEqualTo(new Presence("six", true, v6, 1_000, 4_000, 7, 20));
    assertThat(table.get("six")).contains(back);
    assertThat(changes).containsExactly("online six 40000", "online four 65535", "moved six 40000->1000",
        "moved six 1000->40000");
    assertThat(table.onlineCount()).isEqualTo(2);
  }

  @Test
  @DisplayName("Verifies that several threads offering the same sequence numbers for one device get each accepted "
      + "exactly once, and listeners hear each transition once, in order; concurrent sweeps report it offline once")
  void concurrentWriters() throws Exception {
    // given four threads that race to offer sequence numbers 1..N for one device, each from its own port
    int threads = 4;
    long n = 20_000;
    java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(1);
    java.util.concurrent.ConcurrentHashMap<Long, Integer> acceptedBy = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
    List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
    table.addListener(new PresenceListener() {
      @Override
      public void online(Presence previous, Presence current) {
        heard.add("online " + current.publicAddress().getPort());
      }

      @Override
      public void addressChanged(Presence previous, Presence current) {
        heard.add("moved " + previous.publicAddress().getPort() + "->" + current.publicAddress().getPort());
      }

      @Override
      public void offline(Presence previous, Presence current) {
        heard.add("offline");
      }
    });
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int port = 1000 + t;
      writers.add(new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (long seq = next.get(); seq <= n; seq = next.get()) {
          Presence accepted = table.accept("d", at(port), seq, seq, 25);
          if (accepted != null && acceptedBy.put(seq, port) != null) {
            duplicates.incrementAndGet();
          }
          next.compareAndSet(seq, seq + 1);
        }
      }));
    }

    // when they run to the end
    writers.forEach(Thread::start);
    for (Thread w : writers) {
      w.join();
    }

    // then every sequence number was accepted once, by one thread
    assertThat(duplicates).hasValue(0);
    assertThat(acceptedBy).hasSize((int) n);
    // and the listener heard one online, then one move for each change of port between consecutive sequences
    List<String> expected = new ArrayList<>();
    expected.add("online " + acceptedBy.get(1L));
    for (long seq = 2; seq <= n; seq++) {
      int before = acceptedBy.get(seq - 1);
      int after = acceptedBy.get(seq);
      if (before != after) {
        expected.add("moved " + before + "->" + after);
      }
    }
    assertThat(heard).containsExactlyElementsOf(expected);
    assertThat(table.get("d")).get().extracting(Presence::lastSequence).isEqualTo(n);

    // when two threads sweep at once after the grace, then the device went offline once
    heard.clear();
    java.util.concurrent.atomic.AtomicInteger wentOffline = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CyclicBarrier sweepStart = new java.util.concurrent.CyclicBarrier(2);
    List<Thread> sweepers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      sweepers.add(new Thread(() -> {
        try {
          sweepStart.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        wentOffline.addAndGet(table.sweep(n + 100_000, 90_000, 1_000_000));
      }));
    }
    sweepers.forEach(Thread::start);
    for (Thread s : sweepers) {
      s.join();
    }
    assertThat(wentOffline).hasValue(1);
    assertThat(heard).containsExactly("offline");
    assertThat(table.onlineCount()).isZero();
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
