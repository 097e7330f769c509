package io.homeport.rendezvous;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which devices have session news they have not fetched (an offer, a consent request, an extension, an
 * end order): the in-memory answer to the keepalive's PENDING session flag and to the wake reason, so
 * the keepalive path never asks anyone else. Marked and cleared by {@link RendezvousProcessor}.
 * Thread-safe.
 *
 * <p>Each mark carries a number that only grows, and a clear removes the marks up to the number current
 * when it was made: in a cluster the marks and clears of the node that brokers sessions reach the other
 * nodes ({@link Replica}) in whatever order the bus delivers them, and news marked after a hello fetched
 * the notices is never cleared by that hello.
 */
public final class PendingSessions {

  /** Hears this node's marks and clears, to copy them to the other nodes of a cluster. */
  public interface Replica {
    Replica NONE = new Replica() {
      @Override
      public void marked(String deviceId, long number) {}

      @Override
      public void cleared(String deviceId, long upTo) {}
    };

    void marked(String deviceId, long number);

    void cleared(String deviceId, long upTo);

    /** The device's last hello found notices ({@code any}) or none; told only when that changed. */
    default void held(String deviceId, boolean any) {}
  }

  private final Map<String, Long> devices = new ConcurrentHashMap<>();
  /** Devices whose last hello found notices (an established session's offer repeats in every hello). */
  private final java.util.Set<String> withNotices = ConcurrentHashMap.newKeySet();
  // microseconds of the clock at start: a node that takes over brokering numbers above what it inherits
  private final AtomicLong numbers = new AtomicLong(System.currentTimeMillis() * 1000);
  private volatile Replica replica = Replica.NONE;

  public void replica(Replica replica) {
    this.replica = replica;
  }

  public boolean hasNews(String deviceId) {
    return devices.containsKey(deviceId);
  }

  void mark(String deviceId) {
    long number = numbers.incrementAndGet();
    markedElsewhere(deviceId, number);
    replica.marked(deviceId, number);
  }

  void clear(String deviceId) {
    if (!devices.containsKey(deviceId)) {
      // every mark is made here (the broker) and copied to the others: with none here there is none anywhere, and a
      // hello without news (nearly every one) costs the cluster no message
      return;
    }
    long upTo = numbers.get();
    clearedElsewhere(deviceId, upTo);
    replica.cleared(deviceId, upTo);
  }

  /**
   * Whether a hello of the device may find notices: it has news, or its last hello found some. False for
   * a device in no session (nearly every one), so a cluster node need not ask the broker for its notices.
   */
  public boolean mayHaveNotices(String deviceId) {
    return devices.containsKey(deviceId) || withNotices.contains(deviceId);
  }

  /** A hello of the device found notices ({@code any}) or none. */
  void held(String deviceId, boolean any) {
    if (any ? withNotices.add(deviceId) : withNotices.remove(deviceId)) {
      replica.held(deviceId, any);
    }
  }

  /** Another node marked the device: its news number {@code number}. */
  public void markedElsewhere(String deviceId, long number) {
    numbers.accumulateAndGet(number, Math::max);
    devices.merge(deviceId, number, Math::max);
  }

  /** The broker found notices for the device ({@code any}) or none in its last hello. */
  public void heldElsewhere(String deviceId, boolean any) {
    if (any) {
      withNotices.add(deviceId);
    } else {
      withNotices.remove(deviceId);
    }
  }

  /** Another node cleared the device's news up to {@code upTo}. */
  public void clearedElsewhere(String deviceId, long upTo) {
    devices.computeIfPresent(deviceId, (id, number) -> number <= upTo ? null : number);
  }
}
