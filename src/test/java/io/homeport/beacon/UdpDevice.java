package io.homeport.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceBundle;
import io.homeport.agent.KeepaliveSession;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;

/** A device speaking the protocol over a plain JDK socket: first contact (401, retry), then accepted. */
final class UdpDevice implements AutoCloseable {
  final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
  final KeepaliveSession session;
  final int beaconPort;

  UdpDevice(DeviceBundle bundle, int beaconPort) throws Exception {
    this.beaconPort = beaconPort;
    session = new KeepaliveSession(bundle.deviceId(), bundle.beaconKey(), System.currentTimeMillis());
    socket.setSoTimeout(1000);
  }

  /** Sends one keepalive and returns the session's reading of the answer, or null when none came. */
  KeepaliveSession.Answer exchange(byte[] keepalive) throws Exception {
    socket.send(new DatagramPacket(keepalive, keepalive.length, InetAddress.getLoopbackAddress(), beaconPort));
    byte[] buf = new byte[1500];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      socket.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    }
    byte[] answer = java.util.Arrays.copyOf(buf, p.getLength());
    assertThat(answer.length).as("answer size").isLessThanOrEqualTo(keepalive.length);
    return session.onDatagram(answer);
  }

  KeepaliveSession.Answer keepalive() throws Exception {
    KeepaliveSession.Answer a = exchange(session.nextKeepalive());
    return a instanceof KeepaliveSession.NonceRefreshed ? exchange(session.nextKeepalive()) : a;
  }

  @Override
  public void close() {
    socket.close();
  }
}
