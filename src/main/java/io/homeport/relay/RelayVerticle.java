package io.homeport.relay;

import io.homeport.config.HomeportConfig;
import io.homeport.rendezvous.RendezvousProcessor;
import io.homeport.rendezvous.Session;
import io.homeport.rendezvous.SessionListener;
import io.homeport.rendezvous.SessionState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in relay's UDP port (DESIGN 5.1, default 7402): datagrams go through the {@link
 * RelayProcessor}; established sessions open an allocation (renewed with each extension) and every end
 * closes it at once, so forwarding stops with the end order.
 */
public final class RelayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RelayVerticle.class);

  private final HomeportConfig.Relay settings;
  private final RendezvousProcessor sessions;
  private final Clock clock;
  private final RelayProcessor relay = new RelayProcessor();
  private DatagramSocket socket;

  /** Opens an allocation for each established session (renewed with each extension), closes it with the end. */
  private final SessionListener allocations;

  public RelayVerticle(HomeportConfig.Relay settings, RendezvousProcessor sessions, Clock clock) {
    this.settings = settings;
    this.sessions = sessions;
    this.clock = clock;
    this.allocations = (previous, current) -> context.runOnContext(v -> {
      if (current.state() == SessionState.ESTABLISHED && current.key() != null) {
        allocate(current);
      } else if (current.state().isFinal()) {
        long bytes = relay.bytes(current.id());
        relay.release(current.id());
        if (bytes > 0) {
          sessions.relayed(current.id(), bytes).onFailure(e -> LOG.warn("session {}: relay bytes not recorded: {}",
              current.id(), e.getMessage()));
        }
      }
    });
  }

  @Override
  public Future<?> start() {
    socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(4 << 20));
    socket.handler(packet -> {
      byte[] datagram = packet.data().getBytes();
      InetSocketAddress from = new InetSocketAddress(packet.sender().hostAddress(), packet.sender().port());
      RelayProcessor.Forward forward = relay.process(from, datagram, 0, datagram.length, clock.millis());
      if (forward != null) {
        socket.send(Buffer.buffer(datagram), forward.to().getPort(), forward.to().getAddress().getHostAddress());
      }
    });
    sessions.addListener(allocations);
    // sessions established before a restart (picked up by the processor before the relay starts)
    sessions.established().forEach(this::allocate);
    return socket.listen(settings.endpoint().port(), settings.endpoint().bind())
        .onSuccess(s -> LOG.info("relay listening on udp {}:{}", settings.endpoint().bind(), s.localAddress().port()));
  }

  private void allocate(Session s) {
    relay.allocate(s.id(), s.key(), s.expiresAt().toEpochMilli(), settings.maxSessionBytes());
  }

  @Override
  public Future<?> stop() {
    sessions.removeListener(allocations);
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  /** The bound port. */
  public int actualPort() {
    return socket.localAddress().port();
  }

  /** The forwarding counters, for metrics and tests. */
  public RelayProcessor processor() {
    return relay;
  }
}
