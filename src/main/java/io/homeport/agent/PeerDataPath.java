package io.homeport.agent;

import io.homeport.peer.ForwardedDatagram;
import io.homeport.peer.PeerChannel;
import io.homeport.peer.PeerKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's data path for peer sessions (DESIGN 5.1): one {@link PeerChannel} per session, punching
 * from the keepalive socket and falling back to the relay, and UDP forwarding through it. A side that
 * <em>exposes</em> {@code NAME=HOST:PORT} forwards datagrams naming NAME to HOST:PORT, from one local
 * socket per flow, and sends the answers back; a side that <em>listens</em> on a local port forwards
 * what local clients send there to a service of the peer, and hands the answers to the client that
 * asked. Datagrams while the session has no path yet are dropped, as UDP may.
 *
 * <p>Runs on the agent's event loop (every method but the read-only views).
 */
public final class PeerDataPath implements SessionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PeerDataPath.class);
  private static final long TICK_MILLIS = 20;
  /** A forwarded flow unused this long is closed (its local socket released). */
  private static final long FLOW_IDLE_MILLIS = 120_000;

  /** A service this side exposes to its peers: datagrams naming {@code name} go to {@code host:port}. */
  public record Exposed(String name, InetSocketAddress target) {
    public Exposed {
      ForwardedDatagram.requireServiceName(name);
      Objects.requireNonNull(target, "target");
    }

    /** {@code NAME=HOST:PORT}, as {@code device run --expose-udp} takes it. */
    public static Exposed parse(String spec) {
      int eq = spec.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("'" + spec + "' is not NAME=HOST:PORT");
      }
      return new Exposed(spec.substring(0, eq), hostPort(spec.substring(eq + 1)));
    }
  }

  /** A local UDP port of this side whose datagrams go to service {@code service} of {@code peer} (an id or a name). */
  public record Listened(String peer, String service, InetSocketAddress local) {
    public Listened {
      Objects.requireNonNull(peer, "peer");
      ForwardedDatagram.requireServiceName(service);
      Objects.requireNonNull(local, "local");
    }
  }

  /** {@code HOST:PORT} or {@code [IPv6]:PORT}; the host is resolved now. */
  public static InetSocketAddress hostPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 1 || colon == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': the port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': the port must be 0-65535");
    }
    InetSocketAddress a = new InetSocketAddress(text.substring(0, colon).replace("[", "").replace("]", ""), port);
    if (a.isUnresolved()) {
      throw new IllegalArgumentException("'" + text + "': unknown host");
    }
    return a;
  }

  private final Map<String, Exposed> exposed = new HashMap<>();
  private final List<Listened> listened;
  private final PeerChannel.Settings settings;
  private final Clock clock;
  private final boolean relayOnly;
  private final Map<String, Link> links = new LinkedHashMap<>();
  /** The path of each session, readable from any thread (for tests and status). */
  private final Map<String, PeerChannel.Path> paths = new ConcurrentHashMap<>();
  private final List<LocalPort> ports = new ArrayList<>();
  /** Flows this side started (clients of its listening ports), by number. */
  private final Map<Integer, Client> clients = new HashMap<>();
  private final AtomicLong unclaimedFrames = new AtomicLong();
  private final AtomicLong droppedDatagrams = new AtomicLong();
  private Vertx vertx;
  private PeerChannel.Transport keepaliveSocket;
  private long ticker = -1;
  private long lastSweep;
  private int nextFlow;

  public PeerDataPath(List<Exposed> exposed, List<Listened> listened, PeerChannel.Settings settings, Clock clock) {
    this(exposed, listened, settings, clock, false);
  }

  /**
   * A data path that never punches: every session goes through the relay at once. For measuring the relay
   * ({@code homeport bench sessions}) and for troubleshooting a path.
   */
  public static PeerDataPath throughRelayOnly(List<Exposed> exposed, List<Listened> listened,
      PeerChannel.Settings settings, Clock clock) {
    return new PeerDataPath(exposed, listened, settings, clock, true);
  }

  private PeerDataPath(List<Exposed> exposed, List<Listened> listened, PeerChannel.Settings settings, Clock clock,
      boolean relayOnly) {
    this.relayOnly = relayOnly;
    exposed.forEach(e -> {
      if (this.exposed.put(e.name(), e) != null) {
        throw new IllegalArgumentException("service '" + e.name() + "' exposed twice");
      }
    });
    this.listened = List.copyOf(listened);
    this.settings = settings;
    this.clock = clock;
  }

  /** One session's channel, its flows towards exposed services, and what it carried on which kind of path. */
  private final class Link implements PeerChannel.Listener {
    final PeerSession session;
    final PeerChannel channel;
    final Map<Integer, Flow> flows = new HashMap<>();
    long directBytes;
    long relayBytes;

    Link(PeerSession session) {
      this.session = session;
      Map<InetSocketAddress, PeerChannel.Kind> candidates = new LinkedHashMap<>();
      for (PeerSession.Candidate c : relayOnly ? List.<PeerSession.Candidate>of() : session.candidates()) {
        candidates.putIfAbsent(c.address(), "lan".equals(c.type()) ? PeerChannel.Kind.LAN : PeerChannel.Kind.PUBLIC);
      }
      InetSocketAddress relay = relayOf(session.relay());
      this.channel = new PeerChannel(PeerKeys.derive(session.id(), session.key(), "requester".equals(session.role())),
          candidates, relay, settings, keepaliveSocket, this, clock.millis());
    }

    @Override
    public void received(byte[] payload) {
      count(payload.length);
      ForwardedDatagram d = ForwardedDatagram.decode(payload);
      if (d == null) {
        droppedDatagrams.incrementAndGet();
        return;
      }
      if (d.answer()) {
        Client c = clients.get(d.flow());
        if (c == null || !c.port.spec.service().equals(d.service())) {
          droppedDatagrams.incrementAndGet();
          return;
        }
        c.lastUsed = clock.millis();
        c.port.socket.send(Buffer.buffer(d.data()), c.address.getPort(), c.address.getAddress().getHostAddress());
      } else {
        toService(this, d);
      }
    }

    @Override
    public void pathChanged(PeerChannel.Path previous, PeerChannel.Path current) {
      if (current == null) {
        paths.remove(session.id());
      } else {
        paths.put(session.id(), current);
      }
      LOG.info("session {}: path {} -> {}", session.id(), describe(previous), describe(current));
    }

    boolean send(ForwardedDatagram d) {
      byte[] payload = d.encode();
      if (!channel.send(payload)) {
        return false;
      }
      count(payload.length);
      return true;
    }

    private void count(int bytes) {
      if (channel.path() != null && channel.path().kind() == PeerChannel.Kind.RELAY) {
        relayBytes += bytes;
      } else {
        directBytes += bytes;
      }
    }

    void close() {
      channel.close();
      flows.values().forEach(f -> f.socket.close());
      flows.clear();
      paths.remove(session.id());
    }
  }

  /** A flow of the peer's towards one of our exposed services: its own local socket, so answers find their way back. */
  private static final class Flow {
    final DatagramSocket socket;
    final InetSocketAddress target;
    final List<byte[]> waiting = new ArrayList<>();
    boolean bound;
    long lastUsed;

    Flow(DatagramSocket socket, InetSocketAddress target, long now) {
      this.socket = socket;
      this.target = target;
      this.lastUsed = now;
    }

    void send(byte[] data) {
      if (bound) {
        socket.send(Buffer.buffer(data), target.getPort(), target.getAddress().getHostAddress());
      } else if (waiting.size() < 64) {
        waiting.add(data);
      }
    }
  }

  /** One listening port and its socket. */
  private record LocalPort(Listened spec, DatagramSocket socket) {}

  /** A local client of a listening port: where its answers go. */
  private static final class Client {
    final LocalPort port;
    final InetSocketAddress address;
    long lastUsed;

    Client(LocalPort port, InetSocketAddress address, long now) {
      this.port = port;
      this.address = address;
      this.lastUsed = now;
    }
  }

  @Override
  public Future<Void> attach(Vertx vertx, PeerChannel.Transport keepaliveSocket) {
    this.vertx = vertx;
    this.keepaliveSocket = keepaliveSocket;
    Future<Void> all = Future.succeededFuture();
    for (Listened l : listened) {
      all = all.compose(v -> {
        DatagramSocket socket = vertx.createDatagramSocket();
        LocalPort port = new LocalPort(l, socket);
        Map<InetSocketAddress, Integer> flowOf = new HashMap<>();
        socket.handler(packet -> fromLocalClient(port, flowOf,
            new InetSocketAddress(packet.sender().hostAddress(), packet.sender().port()), packet.data().getBytes()));
        return socket.listen(l.local().getPort(), l.local().getAddress().getHostAddress())
            .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on udp "
                + l.local().getAddress().getHostAddress() + ":" + l.local().getPort() + ": " + e.getMessage(), e)))
            .onSuccess(s -> {
              ports.add(port);
              LOG.info("forwarding udp {}:{} to service '{}' of {}", l.local().getAddress().getHostAddress(),
                  s.localAddress().port(), l.service(), l.peer());
            }).mapEmpty();
      });
    }
    exposed.values().forEach(e -> LOG.info("exposing service '{}' ({}:{}) to peers", e.name(),
        e.target().getAddress().getHostAddress(), e.target().getPort()));
    return all;
  }

  @Override
  public boolean onPeerDatagram(InetSocketAddress from, byte[] datagram) {
    long now = clock.millis();
    for (Link link : links.values()) {
      if (link.channel.onDatagram(from, datagram, 0, datagram.length, now)) {
        return true;
      }
    }
    unclaimedFrames.incrementAndGet(); // forged, another session's, or a session already ended
    return false;
  }

  @Override
  public void offered(PeerSession session) {
    Link held = links.get(session.id());
    if (held != null) {
      return; // an extension: the channel goes on
    }
    links.put(session.id(), new Link(session));
    if (ticker < 0) {
      ticker = vertx.setPeriodic(TICK_MILLIS, id -> tick());
    }
  }

  @Override
  public boolean inUse(String sessionId) {
    return links.containsKey(sessionId);
  }

  @Override
  public Usage ended(String sessionId, String reason) {
    Link link = links.remove(sessionId);
    if (link == null) {
      return Usage.NONE;
    }
    link.close();
    if (links.isEmpty() && ticker >= 0) {
      vertx.cancelTimer(ticker);
      ticker = -1;
    }
    // the kind of path that carried most; without traffic, the one held at the end
    PeerChannel.Path last = link.channel.path();
    String path = link.relayBytes > link.directBytes ? "relay" : link.directBytes > 0 ? "direct"
        : last == null ? "none" : last.kind() == PeerChannel.Kind.RELAY ? "relay" : "direct";
    return new Usage(link.channel.bytesSent(), link.channel.bytesReceived(), path);
  }

  /** The path of a held session now (empty while punching, or when not held). Any thread. */
  public Optional<PeerChannel.Path> path(String sessionId) {
    return Optional.ofNullable(paths.get(sessionId));
  }

  /** Peer frames no held session took: forged, replayed from an ended session, another device's. Any thread. */
  public long unclaimedFrames() {
    return unclaimedFrames.get();
  }

  /** Forwarded datagrams dropped: no path yet, unknown service or flow, malformed. Any thread. */
  public long droppedDatagrams() {
    return droppedDatagrams.get();
  }

  private void tick() {
    long now = clock.millis();
    for (Link link : links.values()) {
      link.channel.tick(now);
    }
    if (now - lastSweep > 10_000) {
      lastSweep = now;
      clients.values().removeIf(c -> now - c.lastUsed > FLOW_IDLE_MILLIS);
      for (Link link : links.values()) {
        link.flows.values().removeIf(f -> {
          boolean idle = now - f.lastUsed > FLOW_IDLE_MILLIS;
          if (idle) {
            f.socket.close();
          }
          return idle;
        });
      }
    }
  }

  private void fromLocalClient(LocalPort port, Map<InetSocketAddress, Integer> flowOf, InetSocketAddress client,
      byte[] data) {
    Link link = linkWith(port.spec().peer());
    long now = clock.millis();
    Integer flow = flowOf.get(client);
    if (flow == null || !clients.containsKey(flow)) {
      flow = nextFlow++ & Integer.MAX_VALUE;
      flowOf.put(client, flow);
      clients.put(flow, new Client(port, client, now));
    }
    clients.get(flow).lastUsed = now;
    if (link == null || !link.send(new ForwardedDatagram(flow, false, port.spec().service(), data))) {
      droppedDatagrams.incrementAndGet();
    }
  }

  private void toService(Link link, ForwardedDatagram d) {
    Exposed service = exposed.get(d.service());
    if (service == null) {
      droppedDatagrams.incrementAndGet();
      LOG.debug("session {}: dropped a datagram for service '{}', which this device does not expose",
          link.session.id(), d.service());
      return;
    }
    long now = clock.millis();
    Flow flow = link.flows.get(d.flow());
    if (flow == null) {
      DatagramSocket socket = vertx.createDatagramSocket();
      Flow created = new Flow(socket, service.target(), now);
      flow = created;
      link.flows.put(d.flow(), created);
      String targetHost = service.target().getAddress().getHostAddress();
      socket.handler(packet -> {
        // only the service's own answers go back to the peer
        if (packet.sender().port() == service.target().getPort() && packet.sender().hostAddress().equals(targetHost)) {
          created.lastUsed = clock.millis();
          link.send(new ForwardedDatagram(d.flow(), true, service.name(), packet.data().getBytes()));
        }
      });
      boolean v6 = service.target().getAddress() instanceof java.net.Inet6Address;
      socket.listen(0, v6 ? "::" : "0.0.0.0").onSuccess(s -> {
        created.bound = true;
        created.waiting.forEach(created::send);
        created.waiting.clear();
      }).onFailure(e -> LOG.warn("session {}: cannot open a socket towards service '{}': {}", link.session.id(),
          service.name(), e.getMessage()));
    }
    flow.lastUsed = now;
    flow.send(d.data());
  }

  private Link linkWith(String peer) {
    Link found = null;
    for (Link link : links.values()) {
      if (peer.equals(link.session.peerId()) || peer.equals(link.session.peerName())) {
        found = link; // the newest session with the peer wins
      }
    }
    return found;
  }

  private static InetSocketAddress relayOf(JsonObject grant) {
    if (grant == null || grant.getString("address") == null) {
      return null;
    }
    return PeerSession.address(grant.getString("address"));
  }

  private static String describe(PeerChannel.Path p) {
    return p == null ? "none" : p.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
        + p.address().getAddress().getHostAddress() + ":" + p.address().getPort();
  }
}
