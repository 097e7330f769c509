package io.homeport.relay;

import io.homeport.config.HomeportConfig;
import io.homeport.rendezvous.RendezvousProcessor;
import io.homeport.rendezvous.Session;
import io.homeport.rendezvous.SessionListener;
import io.homeport.rendezvous.SessionState;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in relay's UDP port (DESIGN 5.1, default 7402): datagrams go through the {@link
 * RelayProcessor}; established sessions open an allocation (renewed with each extension, and at start
 * for the sessions picked up after a restart) and every end closes it at once, so forwarding stops with
 * the end order, and records the relay's byte count in the session log.
 *
 * <p>Netty rather than Vert.x's {@code DatagramSocket}, as for the beacon ({@code BeaconSockets}): a
 * forwarded frame leaves as the same buffer, to the peer's {@link InetSocketAddress}, without a copy or a
 * name resolution per datagram, and writes are flushed once per read burst. The processor lives on the
 * socket's one thread; allocations are handed to it there.
 */
public final class RelayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RelayVerticle.class);
  private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
  /** Largest datagram read whole; longer ones are truncated by the kernel and dropped as malformed frames. */
  private static final int MAX_DATAGRAM = 2048;

  private final HomeportConfig.Relay settings;
  private final RendezvousProcessor sessions;
  private final Clock clock;
  private final RelayProcessor relay = new RelayProcessor();
  private EventLoopGroup group;
  private volatile Channel channel;

  /** Opens an allocation for each established session (renewed with each extension), closes it with the end. */
  private final SessionListener allocations;

  public RelayVerticle(HomeportConfig.Relay settings, RendezvousProcessor sessions, Clock clock) {
    this.settings = settings;
    this.sessions = sessions;
    this.clock = clock;
    this.allocations = (previous, current) -> onRelayThread(() -> {
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
    boolean epoll = Epoll.isAvailable();
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("homeport-relay", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    InetSocketAddress at;
    try {
      at = new InetSocketAddress(InetAddress.getByName(settings.endpoint().bind()), settings.endpoint().port());
    } catch (java.net.UnknownHostException e) {
      return Future.failedFuture(e);
    }
    Promise<Void> bound = Promise.promise();
    ChannelFuture f = new Bootstrap().group(group)
        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
        .handler(new Forwarder())
        .bind(at);
    f.addListener(x -> {
      if (f.isSuccess()) {
        channel = f.channel();
        bound.complete();
      } else {
        bound.fail(f.cause());
      }
    });
    return bound.future().onSuccess(v -> {
      sessions.addListener(allocations);
      // sessions established before a restart (picked up by the processor before the relay starts)
      onRelayThread(() -> sessions.established().forEach(this::allocate));
      LOG.info("relay listening on udp {}:{}", settings.endpoint().bind(), actualPort());
    });
  }

  @Override
  public Future<?> stop() {
    sessions.removeListener(allocations);
    if (group == null) {
      return Future.succeededFuture();
    }
    Promise<Void> closed = Promise.promise();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(x -> closed.complete());
    return closed.future();
  }

  /** The bound port. */
  public int actualPort() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The forwarding counters, for metrics and tests. */
  public RelayProcessor processor() {
    return relay;
  }

  private void allocate(Session s) {
    relay.allocate(s.id(), s.key(), s.expiresAt().toEpochMilli(), settings.maxSessionBytes());
  }

  private void onRelayThread(Runnable task) {
    Channel c = channel;
    if (c != null) {
      c.eventLoop().execute(task);
    }
  }

  /** Copies each datagram's header into a reused array for the processor and forwards the buffer itself. */
  private final class Forwarder extends SimpleChannelInboundHandler<DatagramPacket> {
    private final byte[] in = new byte[MAX_DATAGRAM];

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf content = packet.content();
      int length = content.readableBytes();
      content.getBytes(content.readerIndex(), in, 0, length);
      RelayProcessor.Forward forward = relay.process(packet.sender(), in, 0, length, clock.millis());
      if (forward != null) {
        ctx.write(new DatagramPacket(content.retainedDuplicate(), forward.to()), ctx.voidPromise());
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("relay socket error: {}", cause.toString());
    }
  }
}
