package io.homeport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UdpLoadTest {
  private static final short BINDING_SUCCESS = 0x0101;
  private static final short BINDING_ERROR = 0x0111;

  @TempDir
  static Path cache;

  @TempDir
  Path work;

  private static UdpLoad load;
  private EchoServer echo;

  @BeforeAll
  static void build() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")) || Files.isExecutable(Path.of("/usr/bin/cc")),
        "the load generator needs a C compiler (scripts/ensure-tools.sh bench installs gcc); skipped");
    load = UdpLoad.build(cache, new PrintStream(new ByteArrayOutputStream()));
  }

  @AfterEach
  void stopEcho() throws Exception {
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  @DisplayName("Verifies that the generator builds once per source version and counts every answer by its STUN class")
  void countsAnswersByClass() throws Exception {
    // given an echo server that turns every second request into an error answer
    echo = new EchoServer(0);
    Path file = work.resolve("requests");
    DatagramFile.write(file, true, 4, i -> new DatagramFile.Socket(0, requests(8, i)));

    // when the generator drives it for one second, 4 sockets x 3 in flight
    UdpLoad.Result r = load.run(file, echo.address(), 3, Duration.ZERO, Duration.ofSeconds(1));

    // then every request was answered and classed, and the totals match what the server saw
    assertThat(r.exhausted()).isFalse();
    assertThat(r.answered()).isPositive();
    assertThat(r.success() + r.error()).isEqualTo(r.answered());
    assertThat(r.error()).isPositive();
    assertThat(r.success()).isPositive();
    assertThat(r.lost()).isZero();
    assertThat(r.totalSent()).isEqualTo(echo.received.get());
    assertThat(r.totalSuccess() + r.totalError()).isEqualTo(echo.answered.get());
    assertThat(r.cpuMicrosPerAnswer()).isPositive();
    assertThat(UdpLoad.build(cache, new PrintStream(new ByteArrayOutputStream()))).isNotNull();
    try (var files = Files.list(cache)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith("udpload-")).count()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("Verifies that unanswered requests are counted lost and replaced, so the closed loop keeps running")
  void replacesLostRequests() throws Exception {
    // given an echo server that drops every fifth request
    echo = new EchoServer(5);
    Path file = work.resolve("requests");
    DatagramFile.write(file, true, 2, i -> new DatagramFile.Socket(0, requests(16, i)));

    // when the generator drives it for 1.5 seconds (the loss timeout is 200 ms at least)
    UdpLoad.Result r = load.run(file, echo.address(), 4, Duration.ZERO, Duration.ofMillis(1500));

    // then losses were counted and the load went on after them
    assertThat(r.totalLost()).isPositive().isLessThanOrEqualTo(echo.dropped.get());
    assertThat(r.answered()).isGreaterThan(r.lost());
  }

  @Test
  @DisplayName("Verifies that without cycling the run stops when a socket runs out of datagrams, and says so")
  void stopsWhenExhausted() throws Exception {
    // given one socket with 10 datagrams, not to be replayed
    echo = new EchoServer(0);
    Path file = work.resolve("requests");
    DatagramFile.write(file, false, 1, i -> new DatagramFile.Socket(0, requests(10, i)));

    // when the generator is asked for far longer than they last
    UdpLoad.Result r = load.run(file, echo.address(), 2, Duration.ZERO, Duration.ofSeconds(20));

    // then it stopped early, having sent each datagram once
    assertThat(r.exhausted()).isTrue();
    assertThat(r.measuredSeconds()).isLessThan(20);
    assertThat(r.totalSent()).isEqualTo(10);
    assertThat(echo.received.get()).isEqualTo(10);
  }

  /** STUN-framed requests (success class, so the echo reads as a success answer) with distinct transaction ids. */
  private static List<byte[]> requests(int n, int socket) {
    List<byte[]> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ByteBuffer b = ByteBuffer.allocate(20).putShort(BINDING_SUCCESS).putShort((short) 0).putInt(0x2112A442);
      b.putInt(socket).putInt(i).putInt(0x5eed);
      list.add(b.array());
    }
    return list;
  }

  /** Echoes each datagram; every second one as a STUN error, and every n-th one (n > 0) not at all. */
  private static final class EchoServer implements AutoCloseable {
    final AtomicLong received = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private final DatagramChannel channel;
    private final Thread thread;

    EchoServer(int dropEvery) throws IOException {
      channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
      thread = new Thread(() -> {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        try {
          while (true) {
            buf.clear();
            var from = channel.receive(buf);
            long n = received.incrementAndGet();
            if (dropEvery > 0 && n % dropEvery == 0) {
              dropped.incrementAndGet();
              continue;
            }
            buf.flip();
            if (n % 2 == 0) {
              buf.putShort(0, BINDING_ERROR);
            }
            channel.send(buf, from);
            answered.incrementAndGet();
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "echo");
      thread.start();
    }

    InetSocketAddress address() throws IOException {
      return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void close() throws Exception {
      channel.close();
      thread.join(5000);
    }
  }
}
