package io.homeport.wake;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.device.Device;
import io.homeport.device.DeviceKeyring;
import io.homeport.device.DeviceState;
import io.homeport.stun.StunAttributes;
import io.homeport.stun.StunCodec;
import io.homeport.stun.StunMessage;
import io.homeport.stun.StunParseException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The wake schedule under a virtual clock. */
class WakeDispatcherTest {
  private static final InetSocketAddress MAPPING = new InetSocketAddress("198.18.0.254", 40001);

  private long now;
  private long nextTimer;
  private final TreeMap<Long, Map.Entry<Long, Runnable>> timers = new TreeMap<>(); // due -> (id, action)
  private final List<Long> sentAt = new ArrayList<>();
  private final List<StunAttributes.WakeReason> reasons = new ArrayList<>();
  private final List<String> firstWakes = new ArrayList<>();
  private final Map<String, InetSocketAddress> online = new HashMap<>(Map.of("d", MAPPING));
  /** Devices with due commands, and with session news. */
  private final java.util.Set<String> due = new java.util.HashSet<>();
  private final java.util.Set<String> news = new java.util.HashSet<>();
  private final WaitingWork work = WaitingWork.of(due::contains, news::contains);
  private final DeviceKeyring keyring = new DeviceKeyring();
  private final WakeDispatcher dispatcher = new WakeDispatcher(keyring, online::get, work,
      (to, datagram) -> {
        sentAt.add(now);
        reasons.add(reasonOf(datagram));
      }, new WakeDispatcher.Timers() {
        @Override
        public long schedule(long delayMillis, Runnable action) {
          long id = nextTimer++;
          timers.put((now + delayMillis) * 1000 + id, Map.entry(id, action)); // unique keys, ordered by due time
          return id;
        }

        @Override
        public void cancel(long timerId) {
          timers.values().removeIf(e -> e.getKey() == timerId);
        }
      }, () -> now, 25_000, firstWakes::add);

  WakeDispatcherTest() {
    keyring.load(List.of(new Device("d", null, null, null, DeviceState.ENROLLED, Instant.EPOCH, Instant.EPOCH, null,
        "01", Instant.MAX, new byte[32])), List.of());
  }

  private static StunAttributes.WakeReason reasonOf(byte[] datagram) {
    try {
      StunMessage m = StunCodec.decode(datagram);
      return StunAttributes.readWake(m.attribute(StunAttributes.WAKE).orElseThrow()).reason();
    } catch (StunParseException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs the timers due up to {@code until} (millis). */
  private void advanceTo(long until) {
    while (!timers.isEmpty() && timers.firstKey() / 1000 <= until) {
      var next = timers.pollFirstEntry();
      now = next.getKey() / 1000;
      next.getValue().getValue().run();
    }
    now = until;
  }

  @Test
  @DisplayName("Verifies that a wake goes out at 0, 0.5, 1.5 and 3.5 s, then once per keepalive interval, while commands are due")
  void schedule() {
    due.add("d");
    dispatcher.request("d");
    advanceTo(60_000);
    assertThat(sentAt).containsExactly(0L, 500L, 1_500L, 3_500L, 28_500L, 53_500L);
    assertThat(dispatcher.wakesSent()).isEqualTo(1);
    assertThat(dispatcher.retransmissions()).isEqualTo(5);
    assertThat(firstWakes).containsExactly("d");
  }

  @Test
  @DisplayName("Verifies that many due commands and repeated requests cost one wake")
  void oneWakePerDevice() {
    due.add("d");
    for (int i = 0; i < 50; i++) {
      dispatcher.request("d");
    }
    advanceTo(1_000);
    assertThat(sentAt).containsExactly(0L, 500L);
    assertThat(firstWakes).hasSize(1);
  }

  @Test
  @DisplayName("Verifies that retransmission stops when the device calls in, acknowledges, goes offline or has nothing due")
  void stops() {
    due.add("d");
    dispatcher.request("d");
    dispatcher.stop("d");
    advanceTo(10_000);
    assertThat(sentAt).containsExactly(0L);

    sentAt.clear();
    dispatcher.request("d");
    advanceTo(10_600);
    online.remove("d"); // offline
    advanceTo(20_000);
    assertThat(sentAt).containsExactly(10_000L, 10_500L);
    assertThat(dispatcher.active()).isZero();

    online.put("d", MAPPING);
    sentAt.clear();
    dispatcher.request("d");
    due.remove("d"); // delivered, expired or cancelled meanwhile
    advanceTo(30_000);
    assertThat(sentAt).containsExactly(20_000L);
  }

  @Test
  @DisplayName("Verifies that only the acknowledgement of the current wake id stops it")
  void acknowledgement() {
    due.add("d");
    dispatcher.request("d");
    dispatcher.acknowledged("d", 12345L); // some other wake id
    advanceTo(600);
    assertThat(sentAt).hasSize(2);
    assertThat(dispatcher.active()).isEqualTo(1);
  }

  @Test
  @DisplayName("Verifies that an offline device or one with nothing due is not woken")
  void nothingToDo() {
    dispatcher.request("d"); // nothing due
    due.add("x"); // due, but offline and unknown
    dispatcher.request("x");
    advanceTo(10_000);
    assertThat(sentAt).isEmpty();
    assertThat(firstWakes).isEmpty();
  }

  @Test
  @DisplayName("Verifies that session news wakes with reason session, before commands, and keeps the wake going until fetched")
  void sessionNews() {
    // given a device with session news and due commands
    news.add("d");
    due.add("d");

    // when it is woken and the news is fetched after the second copy, commands still due
    dispatcher.request("d");
    advanceTo(600);
    news.remove("d");
    advanceTo(1_600);

    // then every copy says session (the reason of the wake when it began), and it goes on for the commands
    assertThat(reasons).containsOnly(StunAttributes.WakeReason.SESSION).hasSize(3);

    // and session news alone wakes too
    dispatcher.stop("d");
    due.clear();
    news.add("d");
    reasons.clear();
    dispatcher.request("d");
    assertThat(reasons).containsExactly(StunAttributes.WakeReason.SESSION);
  }
}
