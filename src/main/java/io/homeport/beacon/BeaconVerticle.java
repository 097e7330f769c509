package io.homeport.beacon;

import io.homeport.config.HomeportConfig;
import io.homeport.device.DeviceKeyring;
import io.homeport.event.DeviceEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.presence.LanEndpoints;
import io.homeport.presence.NatBehaviours;
import io.homeport.presence.Presence;
import io.homeport.presence.PresenceDirectory;
import io.homeport.presence.PresenceListener;
import io.homeport.wake.WaitingWork;
import io.homeport.wake.WakeDispatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beacon (DESIGN.md 2.1): the UDP port keepalives arrive on ({@link BeaconSockets}: one socket and
 * {@link KeepaliveProcessor} per intake thread), the wakes that leave from it, and the presence sweep.
 * The processors write the {@link PresenceDirectory} it is given from the intake threads; presence
 * events come from the directory's listeners. Wakes are scheduled on this verticle's context.
 */
public final class BeaconVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BeaconVerticle.class);
  private final HomeportConfig config;
  private final DeviceKeyring keyring;
  private final BeaconCounters counters;
  private final Clock clock;
  private final PresenceDirectory presence;
  private final NonceService nonces;
  private final WaitingWork work;
  private final LanEndpoints lanEndpoints;
  private final NatBehaviours natBehaviours;
  private final LifetimeProbes lifetimeProbes = new LifetimeProbes();
  private final int intakeThreads;
  private WakeDispatcher wakes;
  private BeaconSockets sockets;
  /** The alternate port, where devices ask where they are seen from to learn their NAT's mapping behaviour. */
  private BeaconSockets altSockets;

  /** A device that comes online with work waiting is woken at once (after this keepalive's answer). */
  private final PresenceListener wakeOnOnline = new PresenceListener() {
    @Override
    public void online(Presence previous, Presence current) {
      context.runOnContext(v -> wakes.request(current.deviceId()));
    }
  };

  /**
   * @param work what waits for each device: the PENDING flags of answers, the reasons of wakes
   * @param lanEndpoints where the LAN endpoints reported in keepalives are kept
   * @param natBehaviours where what devices report of their NATs is kept
   * @param intakeThreads sockets on the beacon port, each read by its own thread
   */
  public BeaconVerticle(HomeportConfig config, DeviceKeyring keyring, BeaconCounters counters,
      PresenceDirectory presence, Clock clock, WaitingWork work, LanEndpoints lanEndpoints, NatBehaviours natBehaviours,
      int intakeThreads) {
    this.natBehaviours = natBehaviours;
    this.work = work;
    this.lanEndpoints = lanEndpoints;
    this.intakeThreads = intakeThreads;
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
    int interval = (int) config.keepaliveInterval().toSeconds();
    BeaconSockets.WakeAcknowledgements acks =
        (deviceId, wakeId) -> context.runOnContext(v -> wakes.acknowledged(deviceId, wakeId));
    sockets = new BeaconSockets(intakeThreads, () -> new KeepaliveProcessor(keyring, nonces.sibling(), presence,
        counters, interval, work, lanEndpoints, natBehaviours, lifetimeProbes, false), clock::millis, acks, lifetimeProbes);
    // mapping questions are rare (one per device start): one socket does
    altSockets = new BeaconSockets(1, () -> new KeepaliveProcessor(keyring, nonces.sibling(), presence,
        counters, interval, work, lanEndpoints, natBehaviours, lifetimeProbes, true), clock::millis, acks, lifetimeProbes);
    wakes = new WakeDispatcher(keyring,
        deviceId -> presence.get(deviceId).filter(Presence::online).map(Presence::publicAddress).orElse(null), work,
        (to, datagram) -> sockets.send(to, datagram),
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
        deviceId -> {
          if (work.commands(deviceId)) { // its due commands become woken
            vertx.eventBus().publish(EventAddresses.WAKE_SENT, deviceId);
          }
        });
    vertx.eventBus().<String>localConsumer(EventAddresses.WAKE_REQUEST, msg -> wakes.request(msg.body()));
    vertx.eventBus().<String>localConsumer(EventAddresses.WAKE_STOP, msg -> wakes.calledIn(msg.body()));
    long grace = config.offlineGrace().toMillis();
    long forget = Math.max(grace, nonces.maxLifetimeMillis());
    vertx.setPeriodic(Math.max(100, Math.min(1000, grace / 4)), id -> presence.sweep(clock.millis(), grace, forget));
    presence.addListener(wakeOnOnline);
    vertx.eventBus().<LoggedEvent>localConsumer(EventAddresses.EVENTS, msg -> {
      if (msg.body().event() instanceof DeviceEvent.Revoked revoked) {
        wakes.stop(revoked.deviceId());
        presence.remove(revoked.deviceId());
        lanEndpoints.remove(revoked.deviceId());
        natBehaviours.remove(revoked.deviceId());
      }
    });
    return sockets.bind(config.beacon().bind(), config.beacon().port())
        .onSuccess(port -> LOG.info("beacon listening on udp {}:{} (keepalive interval {}s, offline after {}s)",
            config.beacon().bind(), port, config.keepaliveInterval().toSeconds(), config.offlineGrace().toSeconds()))
        .compose(port -> altSockets.bind(config.beacon().bind(), config.beaconAltPort()))
        .onSuccess(port -> LOG.info("beacon alternate port (NAT mapping discovery) on udp {}:{}", config.beacon().bind(),
            port));
  }

  @Override
  public Future<?> stop() {
    presence.removeListener(wakeOnOnline);
    return Future.join(sockets == null ? Future.succeededFuture() : sockets.close(),
        altSockets == null ? Future.succeededFuture() : altSockets.close());
  }

  /** The wake dispatcher's counters; read from any thread (values may lag by a moment). */
  public long wakesSent() {
    return wakes.wakesSent();
  }

  public long wakeRetransmissions() {
    return wakes.retransmissions();
  }

  /** Datagrams read by each of the beacon's sockets so far. */
  public long[] datagramsPerSocket() {
    return sockets.datagramsPerSocket();
  }

  public int actualPort() {
    return sockets.port();
  }

  /** The alternate port as bound (NAT mapping discovery). */
  public int actualAltPort() {
    return altSockets.port();
  }

  /** Lifetime probes whose delayed answer is held now. */
  public int lifetimeProbesOutstanding() {
    return lifetimeProbes.outstanding();
  }
}
