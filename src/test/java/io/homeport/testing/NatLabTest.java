package io.homeport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The NAT lab is a real NAT with a real mapping timeout: plain UDP between a peer process in the
 * server namespace and one in a home namespace, through the masquerading router.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class NatLabTest {
  private static final int UDP_TIMEOUT_SECONDS = 3;
  private static final int SERVER_PORT = 7400;
  /** How long a datagram that should not arrive is waited for: far above the lab's sub-millisecond delivery. */
  private static final Duration NOTHING_WAIT = Duration.ofMillis(1500);

  static NatLab lab;
  static Peer server;

  @BeforeAll
  static void up() throws Exception {
    // (the skip or CI failure is reported per test, in forgetEarlierDatagrams: a class-level skip is invisible in reports)
    if (NatLab.unavailableReason() == null) {
      lab = NatLab.up(NatLab.uniquePrefix(), 1, UDP_TIMEOUT_SECONDS, 0);
      server = Peer.start(lab, lab.serverNamespace(), SERVER_PORT);
    }
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @BeforeEach
  void forgetEarlierDatagrams() throws Exception {
    NatLab.assumeAvailable();
    lab.setLoss(0);
    server.received.clear();
  }

  @Test
  @DisplayName("Verifies that the server sees a home's datagrams coming from the router's WAN address, not from the "
      + "home's private address, and that its answer to that address reaches the home")
  void masquerades() throws Exception {
    try (Peer client = Peer.start(lab, lab.homeNamespace(1), 0)) {
      // when the home sends to the server
      client.send(lab.serverAddress(), SERVER_PORT, "hello");

      // then the server sees the router's WAN address as the source
      Received seen = server.receive(Duration.ofSeconds(5));
      assertThat(seen).as("the home's datagram at the server").isNotNull();
      assertThat(seen.text()).isEqualTo("hello");
      assertThat(seen.address()).isEqualTo(lab.routerWanAddress()).isNotEqualTo(lab.homeAddress(1))
          .doesNotStartWith("192.168.");
      System.out.printf("[nat-lab] mapping: home %s:%d -> server sees %s:%d%n",
          lab.homeAddress(1), client.localPort, seen.address(), seen.port());

      // and the answer to the observed mapping reaches the home, from the server's address
      server.send(seen.address(), seen.port(), "welcome");
      Received answer = client.receive(Duration.ofSeconds(5));
      assertThat(answer).as("the server's answer at the home").isNotNull();
      assertThat(answer.text()).isEqualTo("welcome");
      assertThat(answer.address()).isEqualTo(lab.serverAddress());
      assertThat(answer.port()).isEqualTo(SERVER_PORT);
    }
  }

  @Test
  @DisplayName("Verifies that the server cannot reach a home's private address: it has no route there, and even with "
      + "one the router drops traffic from the Internet that no home asked for")
  void homesAreNotDirectlyReachable() throws Exception {
    try (Peer client = Peer.start(lab, lab.homeNamespace(1), 0)) {
      // given a home listening on its private address
      String home = lab.homeAddress(1);

      // when the server sends to it directly
      String result = server.trySend(home, client.localPort, "direct");

      // then the server's kernel refuses: no route to 192.168.x on the "Internet"
      assertThat(result).as("sending from the server to %s", home).startsWith("ERROR").containsIgnoringCase("unreachable");
      System.out.printf("[nat-lab] server -> %s:%d: %s%n", home, client.localPort, result);

      // when the server routes 192.168.0.0/16 through the router (a hostile neighbour on the WAN)
      runIn(lab.serverNamespace(), List.of("ip", "route", "add", "192.168.0.0/16", "via", lab.routerWanAddress()));
      try {
        String routed = server.trySend(home, client.localPort, "routed");

        // then the datagram leaves the server but the router's firewall drops it
        assertThat(routed).isEqualTo("SENT");
        assertThat(client.receive(NOTHING_WAIT)).as("an unsolicited datagram at the home").isNull();
      } finally {
        runIn(lab.serverNamespace(), List.of("ip", "route", "del", "192.168.0.0/16"));
      }
    }
  }

  @Test
  @DisplayName("Verifies that a mapping refreshed more often than the router's UDP timeout stays reachable from the "
      + "server, that it expires once the home has been silent for longer than the timeout, and that a mapping last "
      + "refreshed under a longer timeout outlives the same silence")
  void mappingExpires() throws Exception {
    try (Peer client = Peer.start(lab, lab.homeNamespace(1), 0);
        Peer control = Peer.start(lab, lab.homeNamespace(1), 0)) {
      try {
        // given a control mapping last refreshed while the router's UDP timeout was 30 s
        lab.setUdpTimeout(30);
        control.send(lab.serverAddress(), SERVER_PORT, "control");
        Received controlMapping = server.receive(Duration.ofSeconds(5));
        assertThat(controlMapping).as("the control keepalive at the server").isNotNull();
        lab.setUdpTimeout(UDP_TIMEOUT_SECONDS);

        // and a fresh mapping under the 3 s timeout, observed by the server
        client.send(lab.serverAddress(), SERVER_PORT, "keepalive-0");
        Received mapping = server.receive(Duration.ofSeconds(5));
        assertThat(mapping).as("the first keepalive at the server").isNotNull();
        assertThat(mapping.port()).isNotEqualTo(controlMapping.port());

        // when the server sends to it at once, then it arrives
        server.send(mapping.address(), mapping.port(), "wake-fresh");
        assertThat(client.receive(Duration.ofSeconds(5))).as("a wake on a fresh mapping").isNotNull()
            .extracting(Received::text).isEqualTo("wake-fresh");
        long freshAt = System.nanoTime();

        // when the home keeps it alive every 1.5 s (shorter than the 3 s timeout) for 4.5 s, unanswered,
        for (int i = 1; i <= 3; i++) {
          Thread.sleep(1500);
          client.send(lab.serverAddress(), SERVER_PORT, "keepalive-" + i);
          Received again = server.receive(Duration.ofSeconds(5));
          assertThat(again).as("keepalive %d at the server", i).isNotNull();
          assertThat(again.port()).as("the mapping's port stays the same while it lives").isEqualTo(mapping.port());
        }
        double keptFor = (System.nanoTime() - freshAt) / 1e9;

        // then a wake still arrives, longer than the timeout after the server's last datagram
        server.send(mapping.address(), mapping.port(), "wake-kept");
        assertThat(client.receive(Duration.ofSeconds(5))).as("a wake on a mapping kept alive for %.1f s", keptFor)
            .isNotNull().extracting(Received::text).isEqualTo("wake-kept");
        long lastTraffic = System.nanoTime();

        // when both sides stay silent for 5 s (> 3 s)
        Thread.sleep(5000);
        double silence = (System.nanoTime() - lastTraffic) / 1e9;

        // then the mapping has expired: a wake sent to it never reaches the home
        server.send(mapping.address(), mapping.port(), "wake-late");
        Received late = client.receive(NOTHING_WAIT);
        assertThat(late).as("a wake after %.1f s of silence (udp timeout %d s)", silence, UDP_TIMEOUT_SECONDS).isNull();

        // but the control mapping, silent even longer, still delivers: the expiry is the router's timeout
        double controlSilence = (System.nanoTime() - freshAt) / 1e9;
        server.send(controlMapping.address(), controlMapping.port(), "wake-control");
        assertThat(control.receive(Duration.ofSeconds(5)))
            .as("a wake on the control mapping after %.1f s of silence (refreshed under a 30 s timeout)", controlSilence)
            .isNotNull().extracting(Received::text).isEqualTo("wake-control");
        System.out.printf("[nat-lab] mapping %s:%d (udp timeout %d s): wake on the fresh mapping arrived; kept alive "
                + "every 1.5 s for %.1f s, wake arrived; after %.1f s of silence, wake lost (nothing in %d ms); "
                + "control mapping %s:%d refreshed under a 30 s timeout, silent > %.1f s, wake arrived%n",
            mapping.address(), mapping.port(), UDP_TIMEOUT_SECONDS, keptFor, silence, NOTHING_WAIT.toMillis(),
            controlMapping.address(), controlMapping.port(), controlSilence);
      } finally {
        lab.setUdpTimeout(UDP_TIMEOUT_SECONDS);
      }
    }
  }

  @Test
  @DisplayName("Verifies that with 100% loss nothing crosses the router in either direction, that with 0% loss "
      + "everything does, and that 50% loss drops about half")
  void loss() throws Exception {
    try (Peer client = Peer.start(lab, lab.homeNamespace(1), 0)) {
      // given a mapping opened without loss
      client.send(lab.serverAddress(), SERVER_PORT, "open");
      Received mapping = server.receive(Duration.ofSeconds(5));
      assertThat(mapping).as("the opening datagram at the server").isNotNull();

      try {
        // when the home links lose everything, both ways
        lab.setLoss(100);
        client.burst(lab.serverAddress(), SERVER_PORT, 20, "up");
        server.burst(mapping.address(), mapping.port(), 20, "down");

        // then nothing passes
        int upLost = server.drain(NOTHING_WAIT).size();
        int downLost = client.drain(Duration.ofMillis(200)).size();
        assertThat(upLost).as("home -> server datagrams at 100% loss").isZero();
        assertThat(downLost).as("server -> home datagrams at 100% loss").isZero();

        // when the loss is lifted
        lab.setLoss(0);
        client.burst(lab.serverAddress(), SERVER_PORT, 20, "up");
        List<Received> up = server.await(20, Duration.ofSeconds(5));
        Received last = up.isEmpty() ? mapping : up.get(up.size() - 1);
        server.burst(last.address(), last.port(), 20, "down");
        List<Received> down = client.await(20, Duration.ofSeconds(5));

        // then everything passes
        assertThat(up).as("home -> server datagrams at 0% loss").hasSize(20);
        assertThat(down).as("server -> home datagrams at 0% loss").hasSize(20);

        // when half is lost on the way up
        lab.setLoss(50);
        client.burst(lab.serverAddress(), SERVER_PORT, 200, "half");
        int half = server.drain(NOTHING_WAIT).size();

        // then about half arrives (binomial, n=200: 20%..80% is more than eight standard deviations wide)
        assertThat(half).as("home -> server datagrams out of 200 at 50% loss").isBetween(40, 160);
        System.out.printf("[nat-lab] loss 100%%: up 0/20, down 0/20 arrived; loss 0%%: up %d/20, down %d/20; "
            + "loss 50%%: up %d/200 arrived%n", up.size(), down.size(), half);
      } finally {
        lab.setLoss(0);
      }
    }
  }

  @Test
  @DisplayName("Verifies that the lab's load balancer spreads homes over two nodes behind the service address, that "
      + "answers come from the service address, that a dropped node's flow moves to the other node at its next "
      + "datagram while an added node gets new flows only, and that the server namespace reaches a host port")
  void balancer() throws Exception {
    // given a lab with two homes behind routers of their own, two nodes behind 198.18.0.1, and a host listener
    try (java.net.ServerSocket host = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        NatLab cluster = NatLab.withBalancer(NatLab.uniquePrefix(), 30, List.of("port-restricted", "port-restricted"),
            2, host.getLocalPort());
        Peer node1 = Peer.start(cluster, cluster.serverNamespace(), cluster.nodeAddress(1), SERVER_PORT);
        Peer node2 = Peer.start(cluster, cluster.serverNamespace(), cluster.nodeAddress(2), SERVER_PORT);
        Peer home1 = Peer.start(cluster, cluster.homeNamespace(1), 0);
        Peer home2 = Peer.start(cluster, cluster.homeNamespace(2), 0)) {
      List<Peer> nodes = List.of(node1, node2);

      // when each home sends to the service address
      home1.send(cluster.serverAddress(), SERVER_PORT, "from-1");
      home2.send(cluster.serverAddress(), SERVER_PORT, "from-2");

      // then each reaches one node, the two homes different ones (the hash's seed is fixed: homes 1 and 2 differ)
      int at1 = arrivedAt(nodes, "from-1");
      int at2 = arrivedAt(nodes, "from-2");
      assertThat(at1).as("the nodes home 1 and home 2 reach").isNotEqualTo(at2);
      Received mapping2 = nodes.get(at2 - 1).received.poll();

      // and the node's answer reaches the home from the service address, the only server the home knows
      nodes.get(at2 - 1).send(mapping2.address(), mapping2.port(), "answer");
      assertThat(home2.receive(Duration.ofSeconds(5))).as("the answer at home 2").isNotNull()
          .extracting(Received::address, Received::port).containsExactly(cluster.serverAddress(), SERVER_PORT);

      // when home 2's node is dropped from the spread
      cluster.dropNode(at2);
      home2.send(cluster.serverAddress(), SERVER_PORT, "again-2");
      home1.send(cluster.serverAddress(), SERVER_PORT, "again-1");

      // then home 2's next datagram, on the same flow, reaches the other node, and home 1's flow stays where it was
      assertThat(arrivedAt(nodes, "again-2")).as("the node home 2 reaches after the drop").isEqualTo(at1);
      assertThat(arrivedAt(nodes, "again-1")).as("the node home 1 reaches after the drop").isEqualTo(at1);

      // when the node is added again, then the flow stays on its new node, and a new flow of home 2 reaches it
      cluster.addNode(at2);
      home2.send(cluster.serverAddress(), SERVER_PORT, "kept-2");
      assertThat(arrivedAt(nodes, "kept-2")).as("home 2's flow after the add").isEqualTo(at1);
      try (Peer fresh = Peer.start(cluster, cluster.homeNamespace(2), 0)) {
        fresh.send(cluster.serverAddress(), SERVER_PORT, "new-2");
        assertThat(arrivedAt(nodes, "new-2")).as("a new flow of home 2 after the add").isEqualTo(at2);
      }

      // and a connection to 127.0.0.1:port inside the server namespace reaches the host's listener on that port
      host.setSoTimeout(10_000);
      Process connect = cluster.start(cluster.serverNamespace(), List.of("bash", "-c",
          "echo through-the-forwarder > /dev/tcp/127.0.0.1/" + host.getLocalPort()), Map.of());
      try (java.net.Socket accepted = host.accept()) {
        assertThat(new String(accepted.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
            .isEqualTo("through-the-forwarder");
      }
      assertThat(connect.waitFor(10, TimeUnit.SECONDS)).isTrue();
      System.out.printf("[nat-lab] balancer: home 1 -> node %d, home 2 -> node %d; node %d dropped: home 2's flow "
          + "-> node %d; added again: a new flow of home 2 -> node %d; host port %d reached from the server namespace%n",
          at1, at2, at2, at1, at2, host.getLocalPort());
    }
  }

  /** Which node (1-based) received the datagram {@code text} (each node's queue holds what it received). */
  private static int arrivedAt(List<Peer> nodes, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < nodes.size(); i++) {
        if (nodes.get(i).received.stream().anyMatch(r -> r.text().equals(text))) {
          return i + 1;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("'" + text + "' reached no node");
  }

  private static void runIn(String ns, List<String> command) throws Exception {
    Process p = lab.start(ns, command, Map.of());
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, output).isZero();
  }

  record Received(String address, int port, String text) {}

  /**
   * A {@link UdpPeer} process in a namespace, driven through its standard input and output. Lines:
   * {@code READY port}, {@code SENT}, {@code ERROR message}, {@code RECV address port text}.
   */
  static final class Peer implements AutoCloseable {
    final Process process;
    final int localPort;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final List<String> other = new CopyOnWriteArrayList<>();
    private final Writer in;

    private Peer(Process process) throws Exception {
      this.process = process;
      this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader = new Thread(this::read, "udp-peer-" + process.pid());
      reader.setDaemon(true);
      reader.start();
      String ready = replies.poll(20, TimeUnit.SECONDS);
      if (ready == null || !ready.startsWith("READY ")) {
        process.destroyForcibly();
        throw new IllegalStateException("UDP peer did not start: " + ready + " " + other);
      }
      this.localPort = Integer.parseInt(ready.substring("READY ".length()));
    }

    static Peer start(NatLab lab, String ns, int port) throws Exception {
      return start(lab, ns, "0.0.0.0", port);
    }

    /** A peer whose socket is bound to {@code address}:{@code port} (0 = any port). */
    static Peer start(NatLab lab, String ns, String address, int port) throws Exception {
      Path classes = Path.of(UdpPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      return new Peer(lab.start(ns, List.of(java.toString(), "-Djava.net.preferIPv4Stack=true",
          "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", classes.toString(), UdpPeer.class.getName(),
          String.valueOf(port), address), Map.of()));
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("RECV ")) {
            String[] f = line.split(" ", 4);
            received.add(new Received(f[1], Integer.parseInt(f[2]), f.length > 3 ? f[3] : ""));
          } else if (line.startsWith("READY ") || line.equals("SENT") || line.startsWith("ERROR")) {
            replies.add(line);
          } else {
            other.add(line);
          }
        }
      } catch (IOException ignored) {
        // the peer was stopped
      }
    }

    /** Sends, and returns "SENT" or "ERROR ...". */
    String trySend(String host, int port, String text) throws Exception {
      return command("send " + host + " " + port + " " + text);
    }

    void send(String host, int port, String text) throws Exception {
      assertThat(trySend(host, port, text)).as("sending %s to %s:%d", text, host, port).isEqualTo("SENT");
    }

    /** Sends {@code count} datagrams, text-1 .. text-count, as fast as the socket takes them. */
    void burst(String host, int port, int count, String text) throws Exception {
      assertThat(command("burst " + host + " " + port + " " + count + " " + text)).isEqualTo("SENT");
    }

    private String command(String line) throws Exception {
      in.write(line + "\n");
      in.flush();
      String reply = replies.poll(10, TimeUnit.SECONDS);
      if (reply == null) {
        throw new IllegalStateException("UDP peer did not answer `" + line + "`; other output: " + other);
      }
      return reply;
    }

    /** The next datagram received within {@code timeout}, or null. */
    Received receive(Duration timeout) throws InterruptedException {
      return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every datagram arriving until {@code quiet} passes without one. */
    List<Received> drain(Duration quiet) throws InterruptedException {
      List<Received> all = new ArrayList<>();
      for (Received r; (r = receive(quiet)) != null; ) {
        all.add(r);
      }
      return all;
    }

    /** Up to {@code count} datagrams, waiting at most {@code timeout} in all. */
    List<Received> await(int count, Duration timeout) throws InterruptedException {
      List<Received> all = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (all.size() < count) {
        long left = deadline - System.nanoTime();
        Received r = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
        if (r == null) {
          break;
        }
        all.add(r);
      }
      return all;
    }

    @Override
    public void close() throws Exception {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /**
   * The program a {@link Peer} runs inside a namespace: one UDP socket on address:port (0 = any)
   * that reports what it receives and sends what it is told on standard input, until that ends.
   */
  static final class UdpPeer {
    private UdpPeer() {}

    public static void main(String[] args) throws Exception {
      PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
          StandardCharsets.UTF_8);
      DatagramSocket socket = new DatagramSocket(new InetSocketAddress(args[1], Integer.parseInt(args[0])));
      Thread receiver = new Thread(() -> {
        byte[] buf = new byte[2048];
        while (true) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          try {
            socket.receive(p);
          } catch (IOException e) {
            return;
          }
          String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
          synchronized (out) {
            out.println("RECV " + p.getAddress().getHostAddress() + " " + p.getPort() + " " + text);
          }
        }
      });
      receiver.setDaemon(true);
      receiver.start();
      synchronized (out) {
        out.println("READY " + socket.getLocalPort());
      }
      BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = stdin.readLine()) != null; ) {
        String[] f = line.split(" ", 5);
        String reply;
        try {
          InetSocketAddress to = new InetSocketAddress(f[1], Integer.parseInt(f[2]));
          if (f[0].equals("send")) {
            byte[] data = line.split(" ", 4)[3].getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(data, data.length, to));
          } else if (f[0].equals("burst")) {
            for (int i = 1; i <= Integer.parseInt(f[3]); i++) {
              byte[] data = (f[4] + "-" + i).getBytes(StandardCharsets.UTF_8);
              socket.send(new DatagramPacket(data, data.length, to));
            }
          } else {
            throw new IllegalArgumentException("unknown command " + f[0]);
          }
          reply = "SENT";
        } catch (Exception e) {
          reply = "ERROR " + e;
        }
        synchronized (out) {
          out.println(reply);
        }
      }
      socket.close();
    }
  }
}
