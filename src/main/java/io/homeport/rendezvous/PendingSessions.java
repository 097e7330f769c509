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
  }

  private final Map<String, Long> devices = new ConcurrentHashMap<>();
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
    long upTo = numbers.get();
    clearedElsewhere(deviceId, upTo);
    replica.cleared(deviceId, upTo);
  }

  /** Another node marked the device: its news number {@code number}. */
  public void markedElsewhere(String deviceId, long number) {
    numbers.accumulateAndGet(number, Math::max);
    devices.merge(deviceId, number, Math::max);
  }

  /** Another node cleared the device's news up to {@code upTo}. */
  public void clearedElsewhere(String deviceId, long upTo) {
    devices.computeIfPresent(deviceId, (id, number) -> number <= upTo ? null : number);
  }
}
