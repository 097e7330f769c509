package io.homeport.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;

/**
 * A loopback UDP socket connected to one server, for the bench's set-up exchanges (readiness checks,
 * nonce priming); the measured load goes through {@link UdpLoad}.
 */
final class UdpClient implements AutoCloseable {
  private final DatagramChannel channel;
  private final Selector selector;
  private final ByteBuffer buffer = ByteBuffer.allocate(2048);

  UdpClient(InetSocketAddress server) throws IOException {
    channel = DatagramChannel.open();
    channel.bind(new InetSocketAddress("127.0.0.1", 0));
    channel.connect(server);
    channel.configureBlocking(false);
    selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
  }

  int localPort() {
    return ((InetSocketAddress) channel.socket().getLocalSocketAddress()).getPort();
  }

  void send(byte[] datagram) throws IOException {
    try {
      channel.write(ByteBuffer.wrap(datagram));
    } catch (PortUnreachableException e) {
      // an earlier datagram found nothing listening: the caller retries
    }
  }

  /** The next datagram, or null when none arrives within the timeout. */
  byte[] receive(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toMillis(); left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
      buffer.clear();
      try {
        if (channel.read(buffer) > 0) {
          return Arrays.copyOf(buffer.array(), buffer.position());
        }
      } catch (PortUnreachableException e) {
        // nothing listens (yet)
      }
      selector.select(left);
      selector.selectedKeys().clear();
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    selector.close();
    channel.close();
  }
}
