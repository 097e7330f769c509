package io.homeport.agent;

import io.homeport.stun.StunAttributes.Mapping;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NAT behaviour discovery for one agent (DESIGN 5.1), driven by the agent's event loop:
 * <ol>
 *   <li>the mapping question: from the keepalive socket to the beacon's alternate port; the public
 *       address the alternate port sees, compared with the beacon port's, tells whether the NAT maps
 *       endpoint-independently;
 *   <li>lifetime probes, behind a NAT only: from a socket of their own (the keepalive socket must not
 *       fall silent), each answered by the beacon only after the idle time it names, in the order
 *       {@link LifetimeSearch} gives.
 * </ol>
 * Every request is authenticated with the device's beacon key and answered with at most its own size.
 */
final class NatDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(NatDiscovery.class);
  /** Mapping questions sent before the alternate port counts as unreachable. */
  private static final int MAPPING_TRIES = 3;
  private static final long MAPPING_RETRY_MILLIS = 2000;
  /** How long after its idle time a probe's answer may still come (round trip, timer slack). */
  private static final long PROBE_GRACE_MILLIS = 3000;

  /** What discovery learns, reported as it is learned (on the agent's event loop). */
  interface Findings {
    void mapping(Mapping mapping);

    /** A lifetime probe's outcome: the bounds known so far (0 = unknown); {@code done} after the last. */
    void lifetime(int atLeastSeconds, int belowSeconds, boolean done);
  }

  private final Vertx vertx;
  private final String deviceId;
  private final KeepaliveSession session;
  private final InetSocketAddress beacon;
  private final InetSocketAddress altPort;
  private final Consumer<KeepaliveSession.Probe> sendFromKeepaliveSocket;
  private final Findings findings;
  private KeepaliveSession.Probe question;
  private InetSocketAddress mappedByBeacon;
  private long questionTimer = -1;
  private DatagramSocket probeSocket;
  private KeepaliveSession.Probe probe;
  private int probeSeconds;
  private long probeTimer = -1;
  private LifetimeSearch search;
  private boolean stopped;

  /**
   * @param altPort the beacon's alternate port; 0 when the server named none (no mapping question)
   * @param sendFromKeepaliveSocket sends a mapping question to the alternate port from the keepalive socket
   */
  NatDiscovery(Vertx vertx, String deviceId, KeepaliveSession session, InetSocketAddress beacon, int altPort,
      Consumer<KeepaliveSession.Probe> sendFromKeepaliveSocket, Findings findings) {
    this.vertx = vertx;
    this.deviceId = deviceId;
    this.session = session;
    this.beacon = beacon;
    this.altPort = altPort == 0 ? null : new InetSocketAddress(beacon.getAddress(), altPort);
    this.sendFromKeepaliveSocket = sendFromKeepaliveSocket;
    this.findings = findings;
  }

  /** Where mapping questions go; null when the server named no alternate port. */
  InetSocketAddress altPort() {
    return altPort;
  }

  /**
   * Starts (again) from what the beacon port sees now.
   *
   * @param behindNat false when the beacon sees the device's own address: no mapping to outlive
   * @param ceilingSeconds the longest keepalive interval the agent would use
   */
  void start(InetSocketAddress mapped, boolean behindNat, int ceilingSeconds) {
    cancel();
    mappedByBeacon = mapped;
    if (altPort != null) {
      ask(1);
    }
    if (behindNat) {
      search = new LifetimeSearch(ceilingSeconds);
      openProbeSocket().onSuccess(v -> nextProbe());
    } else {
      LOG.info("device {}: the beacon sees the device's own address: no NAT, no mapping lifetime to learn", deviceId);
    }
  }

  private void ask(int attempt) {
    question = session.mappingQuestion();
    sendFromKeepaliveSocket.accept(question);
    questionTimer = vertx.setTimer(MAPPING_RETRY_MILLIS, id -> {
      questionTimer = -1;
      if (attempt < MAPPING_TRIES) {
        ask(attempt + 1);
      } else {
        question = null;
        LOG.warn("device {}: no answer from the beacon's alternate port {} after {} tries: NAT mapping behaviour "
            + "unknown (is udp port {} reachable?)", deviceId, altPort, MAPPING_TRIES, altPort.getPort());
      }
    });
  }

  /** A datagram from the alternate port on the keepalive socket. */
  void onMappingAnswer(byte[] datagram) {
    if (question == null) {
      return;
    }
    InetSocketAddress mappedByAlt = session.probeAnswer(datagram, question.transactionId());
    if (mappedByAlt == null) {
      return;
    }
    question = null;
    vertx.cancelTimer(questionTimer);
    questionTimer = -1;
    Mapping mapping = mappedByAlt.equals(mappedByBeacon) ? Mapping.ENDPOINT_INDEPENDENT : Mapping.ENDPOINT_DEPENDENT;
    LOG.info("device {}: NAT mapping is {} (the beacon port sees {}, its alternate port {})", deviceId, mapping.label(),
        mappedByBeacon, mappedByAlt);
    findings.mapping(mapping);
  }

  private io.vertx.core.Future<Void> openProbeSocket() {
    if (probeSocket != null) {
      return io.vertx.core.Future.succeededFuture();
    }
    boolean v6 = beacon.getAddress() instanceof java.net.Inet6Address;
    probeSocket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(v6));
    probeSocket.handler(packet -> onProbeAnswer(packet.data().getBytes()));
    return probeSocket.listen(0, v6 ? "::" : "0.0.0.0").<Void>mapEmpty()
        .onFailure(e -> LOG.warn("device {}: cannot open a socket for NAT lifetime probes: {}", deviceId, e.getMessage()));
  }

  private void nextProbe() {
    if (stopped || search.done()) {
      closeProbeSocket();
      return;
    }
    probeSeconds = search.next();
    probe = session.lifetimeProbe(probeSeconds);
    probeSocket.send(Buffer.buffer(probe.datagram()), beacon.getPort(), beacon.getAddress().getHostAddress());
    LOG.debug("device {}: NAT lifetime probe: answer after {} s idle", deviceId, probeSeconds);
    probeTimer = vertx.setTimer(probeSeconds * 1000L + PROBE_GRACE_MILLIS, id -> {
      probeTimer = -1;
      probe = null;
      LOG.debug("device {}: NAT lifetime probe of {} s not answered", deviceId, probeSeconds);
      search.lost(probeSeconds);
      report();
      nextProbe();
    });
  }

  private void onProbeAnswer(byte[] datagram) {
    if (probe == null || session.probeAnswer(datagram, probe.transactionId()) == null) {
      return;
    }
    probe = null;
    vertx.cancelTimer(probeTimer);
    probeTimer = -1;
    search.survived(probeSeconds);
    report();
    nextProbe();
  }

  private void report() {
    findings.lifetime(search.atLeastSeconds(), search.belowSeconds(), search.done());
  }

  private void cancel() {
    if (questionTimer >= 0) {
      vertx.cancelTimer(questionTimer);
      questionTimer = -1;
    }
    if (probeTimer >= 0) {
      vertx.cancelTimer(probeTimer);
      probeTimer = -1;
    }
    question = null;
    probe = null;
  }

  private void closeProbeSocket() {
    if (probeSocket != null) {
      probeSocket.close();
      probeSocket = null;
    }
  }

  void stop() {
    stopped = true;
    cancel();
    closeProbeSocket();
  }
}
