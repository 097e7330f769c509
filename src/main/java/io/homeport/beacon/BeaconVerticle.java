package io.homeport.beacon;

import io.homeport.command.PendingCommands;
import io.homeport.config.HomeportConfig;
import io.homeport.device.DeviceKeyring;
import io.homeport.event.DeviceEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.presence.Presence;
import io.homeport.presence.PresenceDirectory;
import io.homeport.presence.PresenceListener;
import io.homeport.wake.WakeDispatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beacon (DESIGN.md 2.1): the UDP socket keepalives arrive on, the wakes that leave from it, and
 * the presence sweep. The protocol itself is {@link KeepaliveProcessor}; this class only moves
 * datagrams. It writes the {@link PresenceDirectory} it is given; presence events come from the
 * directory's listeners.
 */
public final class BeaconVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BeaconVerticle.class);
  /** Large enough to absorb bursts of keepalives from many devices at once. */
  private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

  private final HomeportConfig config;
  private final DeviceKeyring keyring;
  private final BeaconCounters counters;
  private final Clock clock;
  private final PresenceDirectory presence;
  private final NonceService nonces;
  private final PendingCommands pending;
  private KeepaliveProcessor processor;
  private WakeDispatcher wakes;
  private DatagramSocket socket;

  /** A device that comes online with due commands is woken at once (after this keepalive's answer). */
  private final PresenceListener wakeOnOnline = new PresenceListener() {
    @Override
    public void online(Presence previous, Presence current) {
      context.runOnContext(v -> wakes.request(current.deviceId()));
    }
  };

  public BeaconVerticle(HomeportConfig config, DeviceKeyring keyring, BeaconCounters counters,
      PresenceDirectory presence, Clock clock, PendingCommands pending) {
    this.pending = pending;
    this.config = config;
    this.keyring = keyring;
    this.counters = counters;
    this.presence = presence;
    this.clock = clock;
    // a nonce must outlive at least two keepalive intervals, so a device holding the latest one never needs a retry
    this.nonces = new NonceService(Math.max(60_000, 2 * config.keepaliveInterval().toMillis()));
  }

  @Override
  public Future<?> start() {
    processor = new KeepaliveProcessor(keyring, nonces, presence, counters, (int) config.keepaliveInterval().toSeconds(),
        pending::hasDue);
    wakes = new WakeDispatcher(keyring,
        deviceId -> presence.get(deviceId).filter(Presence::online).map(Presence::publicAddress).orElse(null), pending,
        (to, datagram) -> socket.send(Buffer.buffer(datagram), to.getPort(), to.getAddress().getHostAddress()),
        new WakeDispatcher.Timers() {
          @Override
          public long schedule(long delayMillis, Runnable action) {
            return vertx.setTimer(delayMillis, id -> action.run());
          }

          @Override
          public void cancel(long timerId) {
            vertx.cancelTimer(timerId);
          }
        },
        clock::millis, config.keepaliveInterval().toMillis(),
        deviceId -> vertx.eventBus().publish(EventAddresses.WAKE_SENT, deviceId));
    vertx.eventBus().<String>consumer(EventAddresses.WAKE_REQUEST, msg -> wakes.request(msg.body()));
    vertx.eventBus().<String>consumer(EventAddresses.WAKE_STOP, msg -> wakes.stop(msg.body()));
    long grace = config.offlineGrace().toMillis();
    long forget = Math.max(grace, nonces.maxLifetimeMillis());
    vertx.setPeriodic(Math.max(100, Math.min(1000, grace / 4)), id -> presence.sweep(clock.millis(), grace, forget));
    presence.addListener(wakeOnOnline);
    vertx.eventBus().<LoggedEvent>consumer(EventAddresses.EVENTS, msg -> {
      if (msg.body().event() instanceof DeviceEvent.Revoked revoked) {
        wakes.stop(revoked.deviceId());
        presence.remove(revoked.deviceId());
      }
    });
    socket = vertx.createDatagramSocket(new DatagramSocketOptions()
        .setReceiveBufferSize(SOCKET_BUFFER_BYTES)
        .setSendBufferSize(SOCKET_BUFFER_BYTES)
        .setIpV6(config.beacon().bind().contains(":")));
    socket.handler(this::onDatagram);
    socket.exceptionHandler(e -> LOG.warn("beacon socket error: {}", e.getMessage()));
    return socket.listen(config.beacon().port(), config.beacon().bind())
        .onSuccess(s -> LOG.info("beacon listening on udp {}:{} (keepalive interval {}s, offline after {}s)",
            config.beacon().bind(), s.localAddress().port(), config.keepaliveInterval().toSeconds(),
            config.offlineGrace().toSeconds()));
  }

  @Override
  public Future<?> stop() {
    presence.removeListener(wakeOnOnline);
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  /** The wake dispatcher's counters; read from any thread (values may lag by a moment). */
  public long wakesSent() {
    return wakes.wakesSent();
  }

  public long wakeRetransmissions() {
    return wakes.retransmissions();
  }

  public int actualPort() {
    return socket.localAddress().port();
  }

  private void onDatagram(DatagramPacket packet) {
    String host = packet.sender().hostAddress();
    int port = packet.sender().port();
    InetSocketAddress source;
    try {
      source = new InetSocketAddress(InetAddress.getByName(host), port); // an IP literal: parsed, never resolved
    } catch (UnknownHostException e) {
      return;
    }
    KeepaliveProcessor.Result result = processor.process(packet.data().getBytes(), source, clock.millis());
    if (result.answer() != null) {
      socket.send(Buffer.buffer(result.answer()), port, host);
    }
    if (result.acknowledgedWake() != null) {
      wakes.acknowledged(result.deviceId(), result.acknowledgedWake());
    }
  }
}
