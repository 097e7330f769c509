package io.homeport.bench;

import io.homeport.agent.KeepaliveSession;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keepalives of many simulated devices from a few client sockets on loopback, each device to the beacon
 * port it is given (one server, or the nodes of a cluster); answers are matched to their device by
 * transaction id and counted. The benches' one load generator in Java.
 */
final class KeepaliveLoad {
  private final List<KeepaliveSession> sessions;
  private final int[] ports;
  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final Map<Long, KeepaliveSession> outstanding = new ConcurrentHashMap<>();
  private final AtomicLong answers = new AtomicLong();

  /** @param ports the beacon port of each device, in the order of {@code sessions} */
  KeepaliveLoad(Vertx vertx, List<KeepaliveSession> sessions, int[] ports, int socketCount) {
    if (ports.length != sessions.size()) {
      throw new IllegalArgumentException("one port per device");
    }
    this.sessions = sessions;
    this.ports = ports;
    for (int i = 0; i < socketCount; i++) {
      // no receive buffer size: Vert.x would size every read buffer from it and zero 4 MiB per answer
      DatagramSocket s = vertx.createDatagramSocket(new DatagramSocketOptions().setSendBufferSize(4 << 20));
      sockets.add(s.listen(0, "127.0.0.1").await());
      s.handler(packet -> {
        byte[] data = packet.data().getBytes();
        if (data.length < 20) {
          return;
        }
        KeepaliveSession session = outstanding.remove(transactionKey(data));
        if (session != null && !(session.onDatagram(data) instanceof KeepaliveSession.Ignored)) {
          answers.incrementAndGet();
        }
      });
    }
  }

  /** Answers matched so far (any kind: accepted, or a 401 with a nonce). */
  AtomicLong answers() {
    return answers;
  }

  /** One keepalive from every device, then waits until all are answered (or the timeout passes). */
  void sendAllAndAwait(Duration timeout) throws InterruptedException {
    answers.set(0);
    for (int i = 0; i < sessions.size(); i++) {
      send(i);
      if (i % 500 == 499) {
        Thread.sleep(5); // let the socket buffers drain
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (answers.get() < sessions.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** Keepalives at {@code rate} per second for {@code duration}, round robin over the devices; returns how many. */
  long sendAtRate(int rate, Duration duration) throws InterruptedException {
    long tickMillis = 10;
    long perTick = Math.max(1, rate * tickMillis / 1000);
    long ticks = duration.toMillis() / tickMillis;
    long sent = 0;
    int next = 0;
    long start = System.nanoTime();
    for (long t = 0; t < ticks; t++) {
      for (long j = 0; j < perTick; j++) {
        send(next);
        next = (next + 1) % sessions.size();
        sent++;
      }
      long due = start + (t + 1) * tickMillis * 1_000_000;
      long sleep = due - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
    }
    return sent;
  }

  private void send(int i) {
    KeepaliveSession session = sessions.get(i);
    byte[] keepalive = session.nextKeepalive();
    outstanding.put(transactionKey(keepalive), session);
    sockets.get(i % sockets.size()).send(Buffer.buffer(keepalive), ports[i], "127.0.0.1");
  }

  private static long transactionKey(byte[] stunMessage) {
    return java.nio.ByteBuffer.wrap(stunMessage, 12, 8).getLong();
  }
}
