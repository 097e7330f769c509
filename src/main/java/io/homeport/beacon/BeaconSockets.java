package io.homeport.beacon;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beacon's UDP port: one datagram socket per intake thread, all bound to the same port with
 * {@code SO_REUSEPORT} so the kernel spreads senders over them (a sender's datagrams always reach the same
 * socket), each with its own {@link KeepaliveProcessor}. Falls back to a single socket where the native
 * transport is unavailable.
 *
 * <p>Netty rather than Vert.x's {@code DatagramSocket} because the hot path needs what that API does not
 * offer: a receive buffer sized for one datagram whatever the socket's kernel buffer (Vert.x sizes every
 * read buffer from {@code SO_RCVBUF}, which zeroed a 4 MiB buffer per keepalive), replies sent to the
 * sender's {@link InetSocketAddress} without a name resolution round trip, and several sockets on one port.
 * The threads are the beacon's own; what the processors call (presence, counters, pending commands) is
 * thread-safe, and wake acknowledgements are handed to the caller's callback.
 */
final class BeaconSockets {
  private static final Logger LOG = LoggerFactory.getLogger(BeaconSockets.class);
  /** The kernel's queue per socket: absorbs bursts of keepalives from many devices at once. */
  private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
  /**
   * Largest datagram read whole. A keepalive is a few hundred bytes; longer datagrams are truncated by
   * the kernel and then fail STUN's length check, so they are dropped and counted as malformed.
   */
  static final int MAX_DATAGRAM = 2048;
  /** Datagrams read with one {@code recvmmsg} call (native transport), into slices of one pooled buffer. */
  private static final int DATAGRAMS_PER_READ = 16;

  /** What a keepalive that acknowledges a wake reports. */
  interface WakeAcknowledgements {
    void acknowledged(String deviceId, long wakeId);
  }

  private final int threads;
  private final Supplier<KeepaliveProcessor> processors;
  private final LongSupplier clock;
  private final WakeAcknowledgements acks;
  private final LifetimeProbes lifetimeProbes;
  private final List<Channel> channels = new ArrayList<>();
  private final List<Intake> intakes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger nextSender = new AtomicInteger();
  private EventLoopGroup group;

  /**
   * @param threads intake threads (and sockets); 1 where {@code SO_REUSEPORT} is unavailable
   * @param processors makes one processor per socket (processors are not thread-safe)
   * @param lifetimeProbes where a delayed answer's place is given back once it is sent
   */
  BeaconSockets(int threads, Supplier<KeepaliveProcessor> processors, LongSupplier clock, WakeAcknowledgements acks,
      LifetimeProbes lifetimeProbes) {
    this.lifetimeProbes = lifetimeProbes;
    this.threads = Epoll.isAvailable() ? Math.max(1, threads) : 1;
    this.processors = processors;
    this.clock = clock;
    this.acks = acks;
  }

  /** Binds every socket to {@code host:port} (port 0: the first socket picks one, the others join it). */
  Future<Integer> bind(String host, int port) {
    boolean epoll = Epoll.isAvailable();
    group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("homeport-beacon", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    InetAddress address;
    try {
      address = InetAddress.getByName(host); // configuration: an IP literal or a name, resolved once
    } catch (java.net.UnknownHostException e) {
      return Future.failedFuture(e);
    }
    Future<Integer> bound = bindOne(epoll, new InetSocketAddress(address, port));
    for (int i = 1; i < threads; i++) {
      bound = bound.compose(actual -> bindOne(epoll, new InetSocketAddress(address, actual)));
    }
    return bound.onSuccess(actual -> LOG.info("beacon: {} socket(s) on udp {}:{}{}", threads, host, actual,
        epoll ? "" : " (no native transport: one socket)"));
  }

  private Future<Integer> bindOne(boolean epoll, InetSocketAddress at) {
    Bootstrap b = new Bootstrap().group(group)
        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
        .handler(intake());
    if (epoll) {
      b.option(UnixChannelOption.SO_REUSEPORT, true)
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * DATAGRAMS_PER_READ));
    } else {
      b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    }
    Promise<Integer> promise = Promise.promise();
    ChannelFuture f = b.bind(at);
    f.addListener(x -> {
      if (f.isSuccess()) {
        synchronized (channels) {
          channels.add(f.channel());
        }
        promise.complete(((InetSocketAddress) f.channel().localAddress()).getPort());
      } else {
        promise.fail(f.cause());
      }
    });
    return promise.future();
  }

  /** Sends a datagram from the beacon port, from any thread. */
  void send(InetSocketAddress to, byte[] datagram) {
    Channel c;
    synchronized (channels) {
      if (channels.isEmpty()) {
        return;
      }
      c = channels.get(Math.floorMod(nextSender.getAndIncrement(), channels.size()));
    }
    c.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to));
  }

  private Intake intake() {
    Intake intake = new Intake(processors.get());
    intakes.add(intake);
    return intake;
  }

  /** Datagrams read by each socket so far: how evenly the kernel spreads senders. */
  long[] datagramsPerSocket() {
    return intakes.stream().mapToLong(i -> i.datagrams).toArray();
  }

  int port() {
    synchronized (channels) {
      return ((InetSocketAddress) channels.get(0).localAddress()).getPort();
    }
  }

  Future<Void> close() {
    if (group == null) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> promise.complete());
    return promise.future();
  }

  /** One socket's handler: copies each datagram into a reused array, processes it, queues the answer. */
  private final class Intake extends SimpleChannelInboundHandler<DatagramPacket> {
    private final KeepaliveProcessor processor;
    private final byte[] in = new byte[MAX_DATAGRAM];
    /** Written by this socket's thread only. */
    private volatile long datagrams;

    Intake(KeepaliveProcessor processor) {
      this.processor = processor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      datagrams++; // one writer: this socket's thread
      ByteBuf content = packet.content();
      int length = content.readableBytes();
      content.getBytes(content.readerIndex(), in, 0, length);
      InetSocketAddress sender = packet.sender();
      KeepaliveProcessor.Result result = processor.process(in, 0, length, sender, clock.getAsLong());
      if (result.delayMillis() > 0) {
        answerLater(ctx, result, sender);
      } else if (result.answer() != null) {
        ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(result.answer()), sender), ctx.voidPromise());
      }
      if (result.acknowledgedWake() != null) {
        acks.acknowledged(result.deviceId(), result.acknowledgedWake());
      }
    }

    /** A lifetime probe's answer, sent from this socket's thread once the probe's idle time is over. */
    private void answerLater(ChannelHandlerContext ctx, KeepaliveProcessor.Result result, InetSocketAddress to) {
      ctx.executor().schedule(() -> {
        lifetimeProbes.release(result.deviceId());
        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(result.answer()), to), ctx.voidPromise());
      }, result.delayMillis(), TimeUnit.MILLISECONDS);
    }

    /** Answers leave together at the end of a read burst (one flush, fewer system calls). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("beacon socket error: {}", cause.toString());
    }
  }
}
