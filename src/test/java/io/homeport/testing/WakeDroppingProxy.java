package io.homeport.testing;

import io.homeport.agent.DeviceBundle;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay between one agent and the beacon that loses every wake (STUN Binding Indications from the
 * server) and passes everything else, as a lossy path would: the agent must learn of its work from the
 * PENDING flags of its keepalive answers.
 */
public final class WakeDroppingProxy implements AutoCloseable {
  private static final int BINDING_INDICATION = 0x0011;

  private final DatagramSocket towardAgent;
  private final DatagramSocket towardServer;
  private final InetSocketAddress server;
  private final AtomicInteger dropped = new AtomicInteger();
  private volatile SocketAddress agent;

  public WakeDroppingProxy(int beaconPort) throws SocketException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    this.server = new InetSocketAddress(loopback, beaconPort);
    this.towardAgent = new DatagramSocket(new InetSocketAddress(loopback, 0));
    this.towardServer = new DatagramSocket(new InetSocketAddress(loopback, 0));
    relay("proxy-up", towardAgent, p -> {
      agent = p.getSocketAddress();
      return server;
    }, towardServer);
    relay("proxy-down", towardServer, p -> {
      byte[] d = p.getData();
      boolean wake = p.getLength() >= 2 && (((d[p.getOffset()] & 0xff) << 8) | (d[p.getOffset() + 1] & 0xff))
          == BINDING_INDICATION;
      if (wake) {
        dropped.incrementAndGet();
        return null;
      }
      return agent;
    }, towardAgent);
  }

  /** The bundle with its beacon endpoint moved to this proxy. */
  public DeviceBundle route(DeviceBundle b) {
    return new DeviceBundle(b.deviceId(), "127.0.0.1", towardAgent.getLocalPort(), 0, b.deviceChannelUrl(),
        b.keepaliveIntervalSeconds(), b.privateKeyPem(), b.certificateChainPem(), b.caCertificatePem(), b.beaconKey());
  }

  /** Wakes lost so far. */
  public int droppedWakes() {
    return dropped.get();
  }

  private interface Route {
    SocketAddress to(DatagramPacket received);
  }

  private static void relay(String name, DatagramSocket from, Route route, DatagramSocket via) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[2048];
      while (!from.isClosed()) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          from.receive(p);
          SocketAddress to = route.to(p);
          if (to != null) {
            via.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), to));
          }
        } catch (IOException e) {
          return; // closed
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    towardAgent.close();
    towardServer.close();
  }
}
