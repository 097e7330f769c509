package io.homeport.peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * A small deterministic model of the Internet for peer-channel tests: hosts behind NATs of the common
 * types (RFC 4787 mapping and filtering), a relay that forwards by token, latency, loss and reordering,
 * and a virtual clock. Datagrams are delivered in time order when the test advances the clock.
 */
final class SimulatedInternet {
  /** How a NAT maps and filters (RFC 4787 terms). */
  enum NatType {
    /** Endpoint-independent mapping and filtering. */
    FULL_CONE,
    /** Endpoint-independent mapping, address-dependent filtering. */
    ADDRESS_RESTRICTED,
    /** Endpoint-independent mapping, address-and-port-dependent filtering. */
    PORT_RESTRICTED,
    /** Address-and-port-dependent mapping and filtering. */
    SYMMETRIC
  }

  /** A receiver of datagrams: a host's socket or the relay. */
  interface Receiver {
    void receive(InetSocketAddress from, byte[] datagram);
  }

  /** A router with a public address in front of private hosts. */
  final class Nat {
    final NatType type;
    final String publicIp;
    private final Map<String, Integer> mappings = new HashMap<>(); // inside + destination (or "*") -> public port
    private final Map<Integer, InetSocketAddress> owners = new HashMap<>(); // public port -> inside host
    private final Map<Integer, Set<String>> allowed = new HashMap<>(); // public port -> remotes it sent to
    private int nextPort = 40000;

    Nat(NatType type, String publicIp) {
      this.type = type;
      this.publicIp = publicIp;
    }

    /** The public source of a datagram from {@code inside} to {@code to}; opens the filter for the answer. */
    InetSocketAddress outbound(InetSocketAddress inside, InetSocketAddress to) {
      String mappingKey = key(inside) + ">" + (type == NatType.SYMMETRIC ? key(to) : "*");
      int port = mappings.computeIfAbsent(mappingKey, k -> nextPort++);
      owners.put(port, inside);
      allowed.computeIfAbsent(port, p -> new HashSet<>()).add(type == NatType.ADDRESS_RESTRICTED
          ? to.getAddress().getHostAddress() : key(to));
      return new InetSocketAddress(publicIp, port);
    }

    /** The inside host a datagram from {@code from} to public port {@code port} reaches; null when filtered. */
    InetSocketAddress inbound(InetSocketAddress from, int port) {
      Set<String> sentTo = allowed.get(port);
      if (sentTo == null) {
        return null;
      }
      boolean in = switch (type) {
        case FULL_CONE -> true;
        case ADDRESS_RESTRICTED -> sentTo.contains(from.getAddress().getHostAddress());
        case PORT_RESTRICTED, SYMMETRIC -> sentTo.contains(key(from));
      };
      return in ? owners.get(port) : null;
    }
  }

  private record InFlight(long at, long seq, InetSocketAddress from, InetSocketAddress to, byte[] datagram) {}

  private final Random random = new Random(42);
  private final PriorityQueue<InFlight> queue =
      new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Map<InetSocketAddress, Receiver> hosts = new HashMap<>();
  private final Map<String, Nat> natsByPublicIp = new HashMap<>();
  private final Map<InetSocketAddress, Nat> natsByInside = new HashMap<>();
  private final List<Runnable> tickers = new ArrayList<>();
  private long now;
  private long seq;
  private long latencyMillis = 10;
  private long jitterMillis;
  private double loss;
  private BiPredicate<InetSocketAddress, InetSocketAddress> blocked = (from, to) -> false;
  private int delivered;

  long now() {
    return now;
  }

  /** A router of this type with this public IP. */
  Nat router(NatType type, String publicIp) {
    Nat n = new Nat(type, publicIp);
    natsByPublicIp.put(publicIp, n);
    return n;
  }

  /** A host at {@code inside} behind {@code nat} (null: on the open Internet). */
  void attach(InetSocketAddress inside, Nat nat, Receiver receiver) {
    hosts.put(inside, receiver);
    if (nat != null) {
      natsByInside.put(inside, nat);
    }
  }

  /** Called at every step of the clock (agents tick their channels). */
  void onTick(Runnable ticker) {
    tickers.add(ticker);
  }

  void latency(long millis, long jitter) {
    this.latencyMillis = millis;
    this.jitterMillis = jitter;
  }

  void loss(double probability) {
    this.loss = probability;
  }

  /** Datagrams matching this (outer source, outer destination) are lost, as behind a firewall rule. */
  void block(BiPredicate<InetSocketAddress, InetSocketAddress> rule) {
    this.blocked = rule;
  }

  int delivered() {
    return delivered;
  }

  /** A transport for the host at {@code inside}: its datagrams leave through its NAT. */
  PeerChannel.Transport transport(InetSocketAddress inside) {
    return (to, datagram) -> send(inside, to, datagram);
  }

  /** A datagram from the host at {@code inside}: private destinations only within its LAN, public ones through its NAT. */
  void send(InetSocketAddress inside, InetSocketAddress to, byte[] datagram) {
    Nat nat = natsByInside.get(inside);
    InetSocketAddress from;
    if (to.getAddress().isSiteLocalAddress()) {
      if (nat == null || natsByInside.get(to) != nat) {
        return; // private addresses are not routed between LANs
      }
      from = inside;
    } else {
      from = nat == null ? inside : nat.outbound(inside, to);
    }
    if (random.nextDouble() < loss || blocked.test(from, to)) {
      return;
    }
    long jitter = jitterMillis == 0 ? 0 : (long) (random.nextDouble() * jitterMillis);
    queue.add(new InFlight(now + latencyMillis + jitter, seq++, from, to, datagram.clone()));
  }

  /** Moves the clock on by {@code millis} in 10 ms steps, delivering and ticking on the way. */
  void run(long millis) {
    long end = now + millis;
    while (now < end) {
      now += 10;
      while (!queue.isEmpty() && queue.peek().at <= now) {
        deliver(queue.poll());
      }
      tickers.forEach(Runnable::run);
    }
  }

  private void deliver(InFlight d) {
    Receiver direct = hosts.get(d.to);
    if (direct != null && (d.to.getAddress().isSiteLocalAddress() || natsByInside.get(d.to) == null)) {
      delivered++;
      direct.receive(d.from, d.datagram);
      return;
    }
    Nat nat = natsByPublicIp.get(d.to.getAddress().getHostAddress());
    InetSocketAddress inside = nat == null ? null : nat.inbound(d.from, d.to.getPort());
    if (inside != null) {
      delivered++;
      hosts.get(inside).receive(d.from, d.datagram);
    }
  }

  private static String key(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
