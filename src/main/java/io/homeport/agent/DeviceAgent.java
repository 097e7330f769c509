package io.homeport.agent;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference device agent's keepalive loop: sends a keepalive every interval the server suggests,
 * retries at once when the server asks for a fresh nonce, backs off (1 s, 2 s, 4 s ... capped at the
 * interval) when keepalives go unanswered, and so rides out a server restart without re-enrolling.
 * Answers from any address but the server's beacon endpoint are ignored.
 */
public final class DeviceAgent extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);
  /** Consecutive nonce refreshes tolerated before backing off (guards against a loop with a confused server). */
  private static final int MAX_IMMEDIATE_RETRIES = 3;

  private final DeviceBundle bundle;
  private final Clock clock;
  private KeepaliveSession session;
  private DatagramSocket socket;
  private InetSocketAddress server;
  private volatile AgentState state = AgentState.CONNECTING;
  private volatile InetSocketAddress mappedAddress;
  private int intervalSeconds;
  private int unanswered;
  private int immediateRetries;
  private long answerTimer = -1;
  private long nextTimer = -1;

  public DeviceAgent(DeviceBundle bundle, Clock clock) {
    this.bundle = bundle;
    this.clock = clock;
  }

  public AgentState state() {
    return state;
  }

  /** The public address the server last saw this device at, null before the first accepted keepalive. */
  public InetSocketAddress mappedAddress() {
    return mappedAddress;
  }

  @Override
  public Future<?> start() {
    session = new KeepaliveSession(bundle.deviceId(), bundle.beaconKey(), clock.millis());
    intervalSeconds = bundle.keepaliveIntervalSeconds();
    return vertx.executeBlocking(() -> new InetSocketAddress(InetAddress.getByName(bundle.beaconHost()), bundle.beaconPort()))
        .compose(address -> {
          server = address;
          socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(address.getAddress() instanceof java.net.Inet6Address));
          socket.handler(this::onDatagram);
          return socket.listen(0, address.getAddress() instanceof java.net.Inet6Address ? "::" : "0.0.0.0");
        })
        .onSuccess(s -> {
          LOG.info("device {}: sending keepalives to {}:{} from local port {}", bundle.deviceId(),
              server.getAddress().getHostAddress(), server.getPort(),
              s.localAddress().port());
          send();
        });
  }

  @Override
  public Future<?> stop() {
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  private void send() {
    cancelTimers();
    socket.send(Buffer.buffer(session.nextKeepalive()), server.getPort(), server.getAddress().getHostAddress());
    long timeout = Math.min(2000, intervalSeconds * 500L);
    answerTimer = vertx.setTimer(Math.max(200, timeout), id -> onUnanswered());
  }

  private void onUnanswered() {
    answerTimer = -1;
    unanswered++;
    immediateRetries = 0;
    long backoff = Math.min(intervalSeconds * 1000L, 1000L << Math.min(unanswered - 1, 20));
    if (state != AgentState.UNANSWERED) {
      LOG.warn("device {}: keepalive unanswered; retrying with backoff up to {}s", bundle.deviceId(), intervalSeconds);
      state = AgentState.UNANSWERED;
    }
    nextTimer = vertx.setTimer(backoff, id -> send());
  }

  private void onDatagram(DatagramPacket packet) {
    if (packet.sender().port() != server.getPort() || !packet.sender().hostAddress().equals(server.getAddress().getHostAddress())) {
      LOG.debug("device {}: ignored a datagram from {}", bundle.deviceId(), packet.sender());
      return;
    }
    KeepaliveSession.Answer answer = session.onDatagram(packet.data().getBytes());
    if (answer instanceof KeepaliveSession.Accepted accepted) {
      onAccepted(accepted);
    } else if (answer instanceof KeepaliveSession.NonceRefreshed) {
      if (++immediateRetries <= MAX_IMMEDIATE_RETRIES) {
        LOG.debug("device {}: server issued a fresh nonce; resending", bundle.deviceId());
        send();
      }
    } else if (answer instanceof KeepaliveSession.Ignored ignored) {
      LOG.debug("device {}: ignored a datagram: {}", bundle.deviceId(), ignored.reason());
    }
  }

  private void onAccepted(KeepaliveSession.Accepted accepted) {
    cancelTimers();
    unanswered = 0;
    immediateRetries = 0;
    intervalSeconds = Math.max(1, accepted.intervalSeconds());
    if (state != AgentState.ONLINE || !accepted.mappedAddress().equals(mappedAddress)) {
      LOG.info("device {}: online, public address {}:{}, keepalive every {}s", bundle.deviceId(),
          accepted.mappedAddress().getAddress().getHostAddress(), accepted.mappedAddress().getPort(), intervalSeconds);
    }
    mappedAddress = accepted.mappedAddress();
    state = AgentState.ONLINE;
    nextTimer = vertx.setTimer(intervalSeconds * 1000L, id -> send());
  }

  private void cancelTimers() {
    if (answerTimer >= 0) {
      vertx.cancelTimer(answerTimer);
      answerTimer = -1;
    }
    if (nextTimer >= 0) {
      vertx.cancelTimer(nextTimer);
      nextTimer = -1;
    }
  }
}
