package io.homeport.bench;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A UDP echo on loopback, on a thread of its own: the service behind a session in benches and tests. */
public final class UdpEcho implements AutoCloseable {
  private final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
  private final Set<Integer> sources = ConcurrentHashMap.newKeySet();

  public UdpEcho() throws SocketException {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[65535];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          sources.add(p.getPort());
          socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
        } catch (Exception e) {
          return;
        }
      }
    }, "udp-echo");
    t.setDaemon(true);
    t.start();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
  }

  /** The source ports it answered so far: one per client socket (or per forwarded flow). */
  public Set<Integer> sources() {
    return Set.copyOf(sources);
  }

  @Override
  public void close() {
    socket.close();
  }
}
