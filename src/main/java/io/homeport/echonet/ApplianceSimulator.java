package io.homeport.echonet;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ECHONET Lite appliance on UDP (port 3610 by default): one object of a supported class plus the
 * node profile, answering requests as {@link ApplianceNode} decides, with every request and answer
 * logged in readable form.
 *
 * <p>Garbage never stops it: datagrams that are not ECHONET Lite frames, frames for other objects,
 * responses and notifications are counted by reason ({@link #ignored()}) and dropped.
 *
 * <p>It does not send the instance list notification a real node multicasts at start-up, nor
 * status change announcements.
 */
public final class ApplianceSimulator extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApplianceSimulator.class);

  /** The ECHONET Lite UDP port. */
  public static final int DEFAULT_PORT = 3610;

  /**
   * What to simulate and where.
   *
   * @param eojClass a supported class, e.g. 0x0130 (see {@link EchonetClasses})
   * @param bindAddress the address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
   * @param port the UDP port, 0 for an ephemeral one
   */
  public record Options(int eojClass, String bindAddress, int port) {
    public Options {
      Objects.requireNonNull(bindAddress, "bindAddress");
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException("port must be 0..65535: " + port);
      }
      if (EchonetClasses.byClass(eojClass).isEmpty()) {
        throw new IllegalArgumentException(String.format("unsupported class 0x%04X; supported: %s", eojClass,
            EchonetClasses.all()));
      }
    }
  }

  private final Options options;
  private final ApplianceNode node;
  private final LongAdder received = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final Map<String, AtomicLong> ignored = new ConcurrentHashMap<>();
  private DatagramSocket socket;

  public ApplianceSimulator(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.node = new ApplianceNode(EchonetClasses.byClass(options.eojClass()).orElseThrow());
  }

  /** The simulated node (its state can be read from any thread). */
  public ApplianceNode node() {
    return node;
  }

  /** The UDP port actually bound (useful with port 0). */
  public int actualPort() {
    return socket.localAddress().port();
  }

  /** Datagrams received. */
  public long received() {
    return received.sum();
  }

  /** Answers sent. */
  public long answered() {
    return answered.sum();
  }

  /** Datagrams dropped, by reason: a {@link EchonetParseException.Reason} or an {@link ApplianceNode.Outcome} reason. */
  public Map<String, Long> ignored() {
    Map<String, Long> out = new TreeMap<>();
    ignored.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public Future<?> start() {
    socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(options.bindAddress().contains(":")));
    socket.handler(this::onDatagram);
    socket.exceptionHandler(e -> LOG.warn("socket error: {}", e.getMessage()));
    return socket.listen(options.port(), options.bindAddress())
        .onSuccess(s -> LOG.info("simulating {} as {} (and node profile {}) on udp {}:{}", node.classSpec(),
            node.deviceObject(), EchonetObject.NODE_PROFILE, options.bindAddress(), s.localAddress().port()));
  }

  @Override
  public Future<?> stop() {
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  private void onDatagram(DatagramPacket packet) {
    received.increment();
    String host = packet.sender().hostAddress();
    int port = packet.sender().port();
    String from = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    try {
      EchonetFrame request;
      try {
        request = EchonetCodec.decode(packet.data().getBytes());
      } catch (EchonetParseException e) {
        drop(e.reason().name().toLowerCase(Locale.ROOT));
        LOG.info("<- {} not an ECHONET Lite frame ({} bytes): {}", from, packet.data().length(), e.getMessage());
        return;
      }
      LOG.info("<- {} {}", from, EchonetFormat.describe(request));
      ApplianceNode.Outcome outcome = node.handle(request);
      if (outcome.ignored().isPresent()) {
        drop(outcome.ignored().get());
        LOG.info("   ignored: {}", outcome.ignored().get());
        return;
      }
      if (outcome.answer().isEmpty()) {
        LOG.info("   accepted, no answer ({})", request.esv());
        return;
      }
      EchonetFrame answer = outcome.answer().get();
      if (answer.encodedLength() > EchonetCodec.MAX_FRAME_BYTES) {
        drop("answer_too_large");
        LOG.info("   ignored: the answer would take {} bytes", answer.encodedLength());
        return;
      }
      socket.send(Buffer.buffer(EchonetCodec.encode(answer)), port, host);
      answered.increment();
      LOG.info("-> {} {}", from, EchonetFormat.describe(answer));
    } catch (RuntimeException e) {
      drop("internal_error");
      LOG.warn("failed to process a datagram from {}: {}", from, e.toString(), e);
    }
  }

  private void drop(String reason) {
    ignored.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }
}
