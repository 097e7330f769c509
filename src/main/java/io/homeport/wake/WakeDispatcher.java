package io.homeport.wake;

import io.homeport.device.DeviceKeyring;
import io.homeport.stun.StunAttributes;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends wakes to online devices that have work waiting (due commands, session news), and retransmits
 * them with backoff (0, 0.5, 1.5, 3.5 s, then every keepalive interval) until the device calls in,
 * acknowledges the wake, goes offline, or has nothing waiting any more. One wake per device covers all
 * its work; its reason is what was waiting when it was first sent (session news before commands). Each
 * retransmission goes to the device's current mapping and carries the same wake id, so the device
 * acts on the first copy that arrives and ignores the others.
 *
 * <p>An application wake (DESIGN 4) names the application server to call and ends only when the device
 * acknowledges it (or cannot be woken any more): a device-channel call does not do its job. Whoever
 * keeps the waiting work hears every acknowledgement ({@link WaitingWork#acknowledged}), and a device with work
 * of another kind left is woken for it at once.
 *
 * <p>Plain Java driven through {@link Transport} and {@link Timers}; not thread-safe: the beacon
 * calls it from its event loop only.
 */
public final class WakeDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(WakeDispatcher.class);
  /** Gaps between the first transmissions; after them, one per keepalive interval. */
  private static final long[] BACKOFF_MILLIS = {500, 1000, 2000};

  /** Sends one datagram from the beacon socket. */
  @FunctionalInterface
  public interface Transport {
    void send(InetSocketAddress to, byte[] datagram);
  }

  /** One-shot timers on the caller's event loop. */
  public interface Timers {
    long schedule(long delayMillis, Runnable action);

    void cancel(long timerId);
  }

  /** The device's current NAT mapping, or null when it is offline. */
  @FunctionalInterface
  public interface Mappings {
    InetSocketAddress of(String deviceId);
  }

  private record Waking(long wakeId, StunAttributes.WakeReason reason, String applicationServer, int transmissions,
      long timerId) {}

  private final DeviceKeyring keyring;
  private final Mappings mappings;
  private final WaitingWork work;
  private final Transport transport;
  private final Timers timers;
  private final LongSupplier clock;
  private final long intervalMillis;
  private final Consumer<String> firstWakeSent;
  private final Map<String, Waking> waking = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private long sent;
  private long retransmitted;

  /**
   * @param firstWakeSent told once per wake, when its first copy is sent (commands become WOKEN)
   */
  public WakeDispatcher(DeviceKeyring keyring, Mappings mappings, WaitingWork work, Transport transport,
      Timers timers, LongSupplier clock, long intervalMillis, Consumer<String> firstWakeSent) {
    this.keyring = keyring;
    this.mappings = mappings;
    this.work = work;
    this.transport = transport;
    this.timers = timers;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
    this.firstWakeSent = firstWakeSent;
  }

  /** Starts waking the device if it is online, has work waiting and is not being woken already. */
  public void request(String deviceId) {
    StunAttributes.WakeReason reason = waking.containsKey(deviceId) ? null : work.wakeReason(deviceId);
    if (reason == null) {
      return;
    }
    long wakeId = random.nextLong() & Long.MAX_VALUE;
    String applicationServer = reason == StunAttributes.WakeReason.APPLICATION ? work.applicationServer(deviceId) : "";
    if (transmit(deviceId, wakeId, reason, applicationServer)) {
      sent++;
      firstWakeSent.accept(deviceId);
      schedule(deviceId, new Waking(wakeId, reason, applicationServer, 1, -1));
    }
  }

  /** The device called the device channel: its wake has done its job, unless it asks for an application server's call. */
  public void calledIn(String deviceId) {
    Waking w = waking.get(deviceId);
    if (w != null && w.reason() != StunAttributes.WakeReason.APPLICATION) {
      stop(deviceId);
    }
  }

  /** Stops waking the device (revoked, deleted). */
  public void stop(String deviceId) {
    Waking w = waking.remove(deviceId);
    if (w != null) {
      timers.cancel(w.timerId());
    }
  }

  /** A keepalive acknowledged this wake id: the wake is done, and work of another kind gets a wake of its own. */
  public void acknowledged(String deviceId, long wakeId) {
    Waking w = waking.get(deviceId);
    if (w != null && w.wakeId() == wakeId) {
      LOG.debug("device {} acknowledged wake {}", deviceId, Long.toUnsignedString(wakeId));
      stop(deviceId);
      work.acknowledged(deviceId, w.reason(), w.applicationServer());
      StunAttributes.WakeReason next = work.wakeReason(deviceId);
      if (next != null && next != w.reason()) {
        request(deviceId);
      }
    }
  }

  /** Wakes sent, counting each wake once. */
  public long wakesSent() {
    return sent;
  }

  /** Copies sent after the first. */
  public long retransmissions() {
    return retransmitted;
  }

  /** Devices being woken right now. */
  public int active() {
    return waking.size();
  }

  private void schedule(String deviceId, Waking w) {
    int transmissions = w.transmissions();
    long delay = transmissions <= BACKOFF_MILLIS.length ? BACKOFF_MILLIS[transmissions - 1] : intervalMillis;
    long timer = timers.schedule(delay, () -> retransmit(deviceId, w.wakeId()));
    waking.put(deviceId, new Waking(w.wakeId(), w.reason(), w.applicationServer(), transmissions, timer));
  }

  private void retransmit(String deviceId, long wakeId) {
    Waking w = waking.get(deviceId);
    if (w == null || w.wakeId() != wakeId) {
      return;
    }
    if (stillWanted(deviceId, w) == null || !transmit(deviceId, wakeId, w.reason(), w.applicationServer())) {
      waking.remove(deviceId);
      return;
    }
    retransmitted++;
    schedule(deviceId, new Waking(wakeId, w.reason(), w.applicationServer(), w.transmissions() + 1, -1));
  }

  /** Null when the work the wake is for is gone: an application wake for its server, any other for any work. */
  private StunAttributes.WakeReason stillWanted(String deviceId, Waking w) {
    if (w.reason() == StunAttributes.WakeReason.APPLICATION) {
      return w.applicationServer().equals(work.applicationServer(deviceId)) ? w.reason() : null;
    }
    return work.wakeReason(deviceId);
  }

  /** Sends one copy to the device's current mapping; false when it cannot be woken now. */
  private boolean transmit(String deviceId, long wakeId, StunAttributes.WakeReason reason, String applicationServer) {
    InetSocketAddress mapping = mappings.of(deviceId);
    byte[] key = keyring.beaconKey(deviceId);
    if (mapping == null || key == null) {
      return false;
    }
    transport.send(mapping,
        WakeMessages.encode(deviceId, key, wakeId, reason, applicationServer, clock.getAsLong()));
    return true;
  }
}
