package io.homeport.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real NAT for tests: {@code scripts/nat-lab.sh} builds network namespaces with a server on the
 * "Internet" (198.18.0.1), an nftables masquerade router (WAN 198.18.0.254) with a configurable UDP
 * mapping lifetime and random loss, and homes behind it (192.168.(10+i).2). Call
 * {@link #assumeAvailable()} first: it skips the test where the lab cannot run, and fails it in CI.
 *
 * <pre>{@code
 * NatLab.assumeAvailable();
 * try (NatLab lab = NatLab.up(NatLab.uniquePrefix(), 1, 3, 0)) {
 *   Process p = lab.start(lab.homeNamespace(1), List.of("java", "-jar", jar), Map.of());
 * }
 * }</pre>
 *
 * <p>{@link #close()} kills every process started through {@link #start} and removes the
 * namespaces; a shutdown hook does the same if the JVM ends without closing the lab.
 */
public final class NatLab implements AutoCloseable {
  public static final String SERVER_ADDRESS = "198.18.0.1";
  public static final String ROUTER_WAN_ADDRESS = "198.18.0.254";
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
  private static final String PREFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static volatile String unavailableReason;
  private static volatile boolean probed;

  private final String prefix;
  private final int homes;
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private final Thread shutdownHook;
  private volatile boolean closed;
  private int udpTimeoutSeconds = 30;
  private int nodes;
  private int hostTcpPort;

  private NatLab(String prefix, int homes) {
    this.prefix = prefix;
    this.homes = homes;
    this.shutdownHook = new Thread(this::teardownQuietly, "nat-lab-teardown-" + prefix);
  }

  /** "hp" and four random characters: unique per run and short, so that derived names stay short. */
  public static String uniquePrefix() {
    StringBuilder b = new StringBuilder("hp");
    for (int i = 0; i < 4; i++) {
      b.append(PREFIX_CHARS.charAt(RANDOM.nextInt(PREFIX_CHARS.length())));
    }
    return b.toString();
  }

  /**
   * Creates a lab. {@code prefix} names its namespaces ({@code prefix-server}, {@code prefix-router},
   * {@code prefix-home1..N}): use {@link #uniquePrefix()} (at most 6 characters). The router keeps an
   * idle UDP mapping for {@code udpTimeoutSeconds} whether or not the flow was answered, and drops
   * {@code lossPercent}% of the packets on each home link in each direction.
   */
  public static NatLab up(String prefix, int homes, int udpTimeoutSeconds, int lossPercent) {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.matches("[A-Za-z0-9_]{1,6}")) {
      throw new IllegalArgumentException("prefix must be 1-6 letters, digits or '_': " + prefix);
    }
    if (homes < 1 || homes > 245) {
      throw new IllegalArgumentException("homes must be 1-245: " + homes);
    }
    NatLab lab = new NatLab(prefix, homes);
    Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
    try {
      lab.script("up", "--prefix", prefix, "--homes", String.valueOf(homes),
          "--udp-timeout", String.valueOf(udpTimeoutSeconds), "--loss", String.valueOf(lossPercent));
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  /**
   * Creates a lab where every home has a router of its own with the NAT behaviour of {@code types}
   * ({@code port-restricted}, {@code symmetric}, {@code full-cone}, {@code address-restricted}, {@code
   * double}; DESIGN 10), one home per type; the server's side is a bridge all routers join.
   */
  public static NatLab withRouters(String prefix, int udpTimeoutSeconds, List<String> types) {
    return withBalancer(prefix, udpTimeoutSeconds, types, 0, 0);
  }

  /**
   * A {@link #withRouters} lab whose server side is a cluster of {@code nodes} behind the service address
   * 198.18.0.1 (DESIGN 7): node i at {@link #nodeAddress}(i) in the server namespace, new beacon and device
   * channel flows spread over the nodes by a hash of their source address (each home its own), as a UDP load
   * balancer or anycast would; {@code hostTcpPort} (0: none) gives the server namespace's 127.0.0.1:port the
   * host's 127.0.0.1:port (the machine's PostgreSQL, 5432).
   */
  public static NatLab withBalancer(String prefix, int udpTimeoutSeconds, List<String> types, int nodes,
      int hostTcpPort) {
    NatLab lab = new NatLab(checkPrefix(prefix), types.size());
    lab.udpTimeoutSeconds = udpTimeoutSeconds;
    lab.nodes = nodes;
    lab.hostTcpPort = hostTcpPort;
    Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
    try {
      lab.reshape(types);
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  /**
   * Gives the homes of a {@link #withRouters} lab new NAT types (same number of homes): a home whose type
   * changes gets new routers and a new home namespace (stop its processes first); the server stays.
   */
  public void reshape(List<String> types) {
    if (types.size() != homes) {
      throw new IllegalArgumentException(types.size() + " types for " + homes + " homes");
    }
    List<String> args = new ArrayList<>(List.of("up", "--prefix", prefix, "--nat", String.join(",", types),
        "--udp-timeout", String.valueOf(udpTimeoutSeconds), "--nodes", String.valueOf(nodes)));
    if (hostTcpPort > 0) {
      args.addAll(List.of("--host-tcp", String.valueOf(hostTcpPort)));
    }
    script(args.toArray(String[]::new));
  }

  /** In a {@link #withBalancer} lab, node {@code i}'s own address (1-based): 198.18.0.(1+i). */
  public String nodeAddress(int i) {
    if (i < 1 || i > nodes) {
      throw new IllegalArgumentException("node " + i + " not in 1.." + nodes);
    }
    return "198.18.0." + (1 + i);
  }

  /**
   * Takes node {@code i} out of the balancer's spread and forgets the flows it had: the next packet of each
   * reaches another node (what a load balancer's health check does with a dead node).
   */
  public void dropNode(int i) {
    script("lb", "drop", "--node", String.valueOf(i), "--prefix", prefix);
  }

  /** Puts node {@code i} back into the spread (new flows only). */
  public void addNode(int i) {
    script("lb", "add", "--node", String.valueOf(i), "--prefix", prefix);
  }

  /** Drops all traffic between home {@code i}'s router and the other homes (not the server): direct paths die. */
  public void block(int i) {
    script("block", "--home", String.valueOf(i), "--prefix", prefix);
  }

  /** Undoes {@link #block}. */
  public void unblock(int i) {
    script("unblock", "--home", String.valueOf(i), "--prefix", prefix);
  }

  /** In a {@link #withRouters} lab, the WAN address of home {@code i}'s router: 198.18.0.(10+i). */
  public String routerWanAddress(int i) {
    checkHome(i);
    return "198.18.0." + (10 + i);
  }

  private static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.matches("[A-Za-z0-9_]{1,6}")) {
      throw new IllegalArgumentException("prefix must be 1-6 letters, digits or '_': " + prefix);
    }
    return prefix;
  }

  /**
   * Skips the calling test when the lab cannot run here (not root, {@code ip} or {@code nft}
   * missing, network namespaces not permitted), or fails it when the environment variable CI is
   * "true": CI is where the real-NAT tests must run, so there a missing capability is an error.
   */
  public static void assumeAvailable() {
    String reason = unavailableReason();
    if (reason == null) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail("real-NAT tests must run in CI (CI=true): they are the only tests that prove Homeport "
          + "keeps devices reachable through a real NAT mapping that expires, but they could not run here: "
          + reason + ". Run the tests as root on Linux with iproute2 and nftables (scripts/ensure-tools.sh).");
    }
    Assumptions.assumeTrue(false, "real-NAT tests need root, ip (iproute2), nft (nftables) and ip netns; skipped: "
        + reason);
  }

  /** Why the lab cannot run here, or null when it can. Probed once per JVM. */
  public static synchronized String unavailableReason() {
    if (!probed) {
      unavailableReason = probe();
      probed = true;
    }
    return unavailableReason;
  }

  private static String probe() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return "not Linux (" + System.getProperty("os.name") + ")";
    }
    Path script = script();
    if (!Files.isRegularFile(script)) {
      return script.toAbsolutePath() + " not found (set the system property homeport.basedir)";
    }
    try {
      Result id = run(List.of("id", "-u"), Duration.ofSeconds(10));
      if (!"0".equals(id.output().strip())) {
        return "not root (uid " + id.output().strip() + ")";
      }
    } catch (IOException e) {
      return "cannot tell whether this is root: " + e.getMessage();
    }
    if (findTool("ip") == null) {
      return "'ip' not found (install iproute2)";
    }
    if (findTool("nft") == null) {
      return "'nft' not found (install nftables)";
    }
    // what the lab really needs: a namespace, a veth pair inside it and an nftables nat table
    String ns = "hpprobe" + uniquePrefix().substring(2);
    String ip = findTool("ip");
    try {
      for (List<String> step : List.of(
          List.of(ip, "netns", "add", ns),
          List.of(ip, "-n", ns, "link", "add", "name", "probe0", "type", "veth", "peer", "name", "probe1"),
          List.of(ip, "netns", "exec", ns, findTool("nft"),
              "add table ip probe; add chain ip probe p { type nat hook postrouting priority srcnat; }"))) {
        Result r = run(step, Duration.ofSeconds(20));
        if (r.exitCode() != 0) {
          return "`" + String.join(" ", step) + "` failed (exit " + r.exitCode() + "): " + r.output().strip();
        }
      }
      return null;
    } catch (IOException e) {
      return "network namespaces unavailable: " + e.getMessage();
    } finally {
      try {
        run(List.of(ip, "netns", "delete", ns), Duration.ofSeconds(20));
      } catch (IOException ignored) {
        // it was never created
      }
    }
  }

  private static String findTool(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    return null;
  }

  private static Path script() {
    return Path.of(System.getProperty("homeport.basedir", ".")).resolve("scripts/nat-lab.sh");
  }

  public String prefix() {
    return prefix;
  }

  public int homes() {
    return homes;
  }

  /** The server's address, 198.18.0.1: the only "Internet" host; it has no route to the homes. */
  public String serverAddress() {
    return SERVER_ADDRESS;
  }

  /** The router's WAN address, 198.18.0.254: what the server sees as the source of every home. */
  public String routerWanAddress() {
    return ROUTER_WAN_ADDRESS;
  }

  /** The address of home {@code i} (1-based) on its LAN: 192.168.(10+i).2. */
  public String homeAddress(int i) {
    checkHome(i);
    return "192.168." + (10 + i) + ".2";
  }

  public String serverNamespace() {
    return prefix + "-server";
  }

  public String routerNamespace() {
    return prefix + "-router";
  }

  /** The namespace of home {@code i}, 1-based. */
  public String homeNamespace(int i) {
    checkHome(i);
    return prefix + "-home" + i;
  }

  private void checkHome(int i) {
    if (i < 1 || i > homes) {
      throw new IllegalArgumentException("home " + i + " not in 1.." + homes);
    }
  }

  /** Drops {@code percent}% of the packets on every home link, in each direction, from now on. */
  public void setLoss(int percent) {
    script("loss", String.valueOf(percent), "--prefix", prefix);
  }

  /** Sets the router's UDP mapping lifetime, answered or not; applies to existing mappings on their next packet. */
  public void setUdpTimeout(int seconds) {
    script("udp-timeout", String.valueOf(seconds), "--prefix", prefix);
  }

  /** The output of {@code nat-lab.sh status}: namespaces, addresses, the router's rules and conntrack table. */
  public String status() {
    return script("status", "--prefix", prefix);
  }

  /** Runs {@code command} to completion in namespace {@code ns} and returns its output; a non-zero exit fails the test. */
  public String run(String ns, List<String> command) throws Exception {
    Process p = start(ns, command, Map.of());
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assertions.assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
    Assertions.assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ":\n" + out);
    return out;
  }

  /** An API answer: status, body, and curl's total time in seconds. */
  public record ApiCall(int status, String body, double seconds) {}

  /**
   * An API call to the server on its default API port from inside the server namespace (the host has no
   * route into the lab), with the admin token in {@code dataDir}.
   */
  public ApiCall api(Path dataDir, String method, String path, String body) throws Exception {
    return api("127.0.0.1", dataDir, method, path, body);
  }

  /** {@link #api(Path, String, String, String)} on the server whose API listens on {@code host}:8080 (a node). */
  public ApiCall api(String host, Path dataDir, String method, String path, String body) throws Exception {
    String token = Files.readString(dataDir.resolve("admin-token")).trim();
    List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-X", method, "-H", "Authorization: Bearer " + token,
        "-w", "\n%{http_code} %{time_total}", "http://" + host + ":8080" + path));
    if (body != null) {
      cmd.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
    }
    String out = run(serverNamespace(), cmd).trim();
    int split = out.lastIndexOf('\n');
    String[] tail = out.substring(split + 1).trim().split(" ");
    return new ApiCall(Integer.parseInt(tail[0]), out.substring(0, Math.max(0, split)), Double.parseDouble(tail[1]));
  }

  /** {@code ip netns exec NS command...}. */
  public List<String> inNamespace(String ns, List<String> command) {
    List<String> line = new ArrayList<>(List.of(Objects.requireNonNullElse(findTool("ip"), "ip"), "netns", "exec", ns));
    line.addAll(command);
    return line;
  }

  /**
   * Starts {@code command} in namespace {@code ns} with {@code env} added to this JVM's environment.
   * Its standard error is merged into its standard output, so one reader drains both. The process
   * is killed by {@link #close()}.
   */
  public Process start(String ns, List<String> command, Map<String, String> env) throws IOException {
    if (closed) {
      throw new IllegalStateException("lab " + prefix + " is closed");
    }
    ProcessBuilder pb = new ProcessBuilder(inNamespace(ns, command)).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Kills the processes started in the lab and deletes its namespaces. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to
    }
    teardown();
  }

  private void teardownQuietly() {
    try {
      teardown();
    } catch (RuntimeException e) {
      System.err.println("nat-lab " + prefix + ": " + e.getMessage());
    }
  }

  private void teardown() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    processes.clear();
    script("down", "--prefix", prefix);
  }

  private String script(String... args) {
    List<String> command = new ArrayList<>(List.of("bash", script().toString()));
    command.addAll(List.of(args));
    try {
      Result r = run(command, SCRIPT_TIMEOUT);
      if (r.exitCode() != 0) {
        throw new IllegalStateException("`" + String.join(" ", command) + "` failed (exit " + r.exitCode() + "):\n"
            + r.output());
      }
      return r.output();
    } catch (IOException e) {
      throw new IllegalStateException("`" + String.join(" ", command) + "`: " + e.getMessage(), e);
    }
  }

  private record Result(int exitCode, String output) {}

  /** Runs a command to completion within {@code timeout}, stdout and stderr merged. */
  private static Result run(List<String> command, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        synchronized (out) {
          out.append(text);
        }
      } catch (IOException ignored) {
        // the process was killed
      }
    }, "nat-lab-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException("`" + String.join(" ", command) + "` did not finish within " + timeout.toSeconds() + " s");
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running `" + String.join(" ", command) + "`", e);
    }
    synchronized (out) {
      return new Result(p.exitValue(), out.toString());
    }
  }
}
