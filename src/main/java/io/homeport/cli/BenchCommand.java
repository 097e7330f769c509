package io.homeport.cli;

import io.homeport.bench.CommandBench;
import io.homeport.bench.EnrollBench;
import io.homeport.bench.FleetBench;
import io.homeport.bench.KeepaliveBench;
import io.homeport.bench.SideBySideBench;
import io.homeport.bench.UdpLoad;
import io.homeport.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Load and latency tools (they print figures).",
    subcommands = {BenchCommand.Keepalive.class, BenchCommand.Commands.class, BenchCommand.Fleet.class,
        BenchCommand.Enroll.class, BenchCommand.Sessions.class, BenchCommand.Cluster.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "keepalive", mixinStandardHelpOptions = true,
      description = {"Drive simulated devices against an in-process server on loopback; print accepted "
          + "keepalives per second and server heap per online device.",
          "With --against coturn: one C load generator (built at first use with the machine's C compiler) drives "
          + "coturn --stun-only with plain STUN Binding requests, then `homeport serve` in its own JVM with "
          + "authenticated keepalives, with the same sockets and requests in flight; prints both answered/s and "
          + "their ratio (docs/benchmarks.md)."})
  static final class Keepalive implements Callable<Integer> {
    @Option(names = "--against", paramLabel = "SERVER", description = "Also measure this peer STUN server, side by "
        + "side with Homeport: coturn (started through scripts/coturn-stun.sh; scripts/ensure-tools.sh bench installs it).")
    String against;

    @Option(names = "--devices", description = "Simulated devices (default: 10000; 2000 with --against).")
    Integer devices;

    @Option(names = "--rate", description = "Keepalives per second, all devices together (default: 5000; not with "
        + "--against, which keeps --in-flight requests outstanding per socket instead).")
    Integer rate;

    @Option(names = "--duration", description = "Length of the measured phase (default: 20s; 10s with --against).")
    String duration;

    @Option(names = "--sockets", description = "Client UDP sockets the devices share (default: 16; 64 with --against).")
    Integer sockets;

    @Option(names = "--in-flight", defaultValue = "16", description = "With --against: requests outstanding per "
        + "socket; each answer releases the next (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--warmup", defaultValue = "2s", description = "With --against: load before the measured phase, "
        + "against each server (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--coturn-script", defaultValue = "scripts/coturn-stun.sh", description = "With --against coturn: "
        + "the script that runs coturn on a loopback port (default: ${DEFAULT-VALUE}).")
    Path coturnScript;

    @Option(names = "--generator-cache", description = "With --against: where the compiled load generator is kept "
        + "(default: $XDG_CACHE_HOME/homeport or ~/.cache/homeport).")
    Path generatorCache;

    @Override
    public Integer call() throws Exception {
      if (against != null) {
        return sideBySide();
      }
      int d = devices == null ? 10_000 : devices;
      int r = rate == null ? 5000 : rate;
      int s = sockets == null ? 16 : sockets;
      if (d < 1 || r < 1 || s < 1) {
        return usage("--devices, --rate and --sockets must be positive");
      }
      KeepaliveBench.Figures f = new KeepaliveBench(
          new KeepaliveBench.Options(d, r, Durations.parse(duration == null ? "20s" : duration), s), System.out).run();
      System.out.printf("RESULT devices=%d online=%d rate=%d/s accepted_per_s=%.0f heap_bytes_per_online_device=%.0f outcomes=%s%n",
          f.devices(), f.online(), r, f.acceptedPerSecond(), f.heapBytesPerOnlineDevice(), f.outcomes());
      return 0;
    }

    private int sideBySide() throws Exception {
      if (!"coturn".equals(against)) {
        return usage("--against knows one peer server: coturn, got " + against);
      }
      if (rate != null) {
        return usage("--rate is for the in-process mode; with --against the load is closed-loop: set --in-flight");
      }
      SideBySideBench.Options options;
      try {
        options = new SideBySideBench.Options(devices == null ? 2000 : devices, sockets == null ? 64 : sockets,
            inFlight, Durations.parse(warmup), Durations.parse(duration == null ? "10s" : duration), coturnScript,
            generatorCache == null ? UdpLoad.defaultCacheDir() : generatorCache);
      } catch (IllegalArgumentException e) {
        return usage(e.getMessage());
      }
      SideBySideBench.Figures f;
      try {
        f = new SideBySideBench(options, System.out).run();
      } catch (IllegalStateException e) {
        System.err.println("homeport: bench keepalive --against coturn failed: " + e.getMessage());
        return 1;
      }
      System.out.printf(Locale.ROOT, "RESULT devices=%d sockets=%d in_flight=%d coturn_answered_per_s=%.0f "
              + "homeport_answered_per_s=%.0f ratio=%.3f homeport_server_accepted=%d homeport_generator_success=%d "
              + "generator_us_per_answer_coturn=%.2f generator_us_per_answer_homeport=%.2f "
              + "generator_core_share_coturn=%.2f generator_core_share_homeport=%.2f coturn_stop=%s homeport_stop=%s%n",
          options.devices(), options.sockets(), options.inFlight(), f.coturn().answeredPerSecond(),
          f.homeport().answeredPerSecond(), f.ratio(), f.homeportAccepted(), f.homeport().totalSuccess(),
          f.coturn().cpuMicrosPerAnswer(), f.homeport().cpuMicrosPerAnswer(), f.coturn().cpuShare(),
          f.homeport().cpuShare(), stop(f.coturn()), stop(f.homeport()));
      return 0;
    }

    private static String stop(UdpLoad.Result r) {
      return r.exhausted() ? "exhausted" : "duration";
    }
  }

  private static int usage(String message) {
    System.err.println("homeport: " + message);
    return 2;
  }

  @Command(name = "commands", mixinStandardHelpOptions = true,
      description = {"Drive reference device agents and a command rate against an in-process server on loopback; "
          + "print wake-to-result latency (create to final event: p50, p90, p99, max), achieved commands per second and "
          + "the store's write transactions per command.",
          "The server suggests the production keepalive interval (25s), so latencies reflect wakes. Homeport logs only "
          + "warnings during the run unless HOMEPORT_LOG_LEVEL is set."})
  static final class Commands implements Callable<Integer> {
    @Option(names = "--devices", defaultValue = "100", description = "Reference device agents (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--rate", defaultValue = "50", description = "Commands per second, round robin over the devices (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", defaultValue = "20s", description = "Length of the load phase, e.g. 20s or 2m (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "30s", description = "Run the load this long, unmeasured, before the "
        + "measured phase so the JIT has compiled the hot paths (at 1,000/s on 2 cores the compiler takes a fifth of "
        + "the machine for about 25 s); 0s for none (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--samples", paramLabel = "FILE", description = "Also write one CSV line per load command "
        + "(created at, to delivered, to final event, outcome) to FILE.")
    java.nio.file.Path samples;

    @Override
    public Integer call() throws Exception {
      if (devices < 1) {
        return usage("--devices must be a positive number, got " + devices);
      }
      if (rate < 1) {
        return usage("--rate must be a positive number of commands per second, got " + rate);
      }
      Duration d;
      Duration w;
      try {
        d = Durations.parse(duration);
      } catch (IllegalArgumentException e) {
        return usage("--duration: " + e.getMessage());
      }
      try {
        w = Durations.parse(warmup);
      } catch (IllegalArgumentException e) {
        return usage("--warmup: " + e.getMessage());
      }
      if (d.isZero()) {
        return usage("--duration must be positive, got " + duration);
      }
      CommandBench.Options options;
      try {
        options = new CommandBench.Options(devices, rate, d, w, samples);
      } catch (IllegalArgumentException e) {
        return usage("--rate x --duration must give at least one command (" + rate + "/s x " + duration + ")");
      }
      CommandBench.Figures f;
      try {
        f = new CommandBench(options, System.out).run();
      } catch (IllegalStateException e) {
        System.err.println("homeport: bench commands failed: " + e.getMessage());
        return 1;
      }
      System.out.printf(java.util.Locale.ROOT, "RESULT devices=%d rate=%d/s achieved_per_s=%.1f p50_ms=%.1f p90_ms=%.1f "
              + "p99_ms=%.1f max_ms=%.1f lost=%d wakes=%d retransmissions=%d store_write_tx_per_command=%.2f%n",
          f.devices(), f.rate(), f.achievedPerSecond(), f.latency().p50Millis(), f.latency().p90Millis(),
          f.latency().p99Millis(), f.latency().maxMillis(), f.lost(), f.wakes(), f.retransmissions(),
          f.storeWriteTransactionsPerCommand());
      return 0;
    }
  }

  @Command(name = "fleet", mixinStandardHelpOptions = true,
      description = {"Load many synthetic enrolled devices into the keyring of an in-process server (as it loads them "
          + "from the store at start), bring each online with real keepalives on loopback (401 with a nonce, then the "
          + "keepalive), and print the heap per enrolled and online device: keyring and presence.",
          "Give the JVM room: -Xmx4g or more for 1,000,000 devices. Homeport logs only warnings unless "
          + "HOMEPORT_LOG_LEVEL is set."})
  static final class Fleet implements Callable<Integer> {
    @Option(names = "--devices", defaultValue = "1000000", description = "Devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--sockets", defaultValue = "8", description = "Client UDP sockets (default: ${DEFAULT-VALUE}).")
    int sockets;

    @Option(names = "--window", defaultValue = "256", description = "Devices in flight at once (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--timeout", defaultValue = "30m", description = "Give up when not all are online by then (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws Exception {
      FleetBench.Options options;
      try {
        options = new FleetBench.Options(devices, sockets, window, Durations.parse(timeout));
      } catch (IllegalArgumentException e) {
        System.err.println("homeport: " + e.getMessage());
        return 2;
      }
      FleetBench.Figures f;
      try {
        f = new FleetBench(options, System.out).run();
      } catch (IllegalStateException e) {
        System.err.println("homeport: bench fleet failed: " + e.getMessage());
        return 1;
      }
      System.out.printf(java.util.Locale.ROOT, "RESULT devices=%d online=%d heap_bytes_per_device=%.1f "
              + "keyring_bytes_per_device=%.1f presence_bytes_per_device=%.1f keyring_array_bytes=%d "
              + "presence_array_bytes=%d online_per_s=%.0f retransmissions=%d max_heap=%d%n",
          f.devices(), f.online(), f.bytesPerDevice(), (double) f.keyringHeap() / f.devices(),
          (double) f.presenceHeap() / f.devices(), f.keyringArrays(), f.presenceArrays(),
          f.online() / f.onlineSeconds(), f.retransmissions(), Runtime.getRuntime().maxMemory());
      return 0;
    }
  }

  @Command(name = "enroll", mixinStandardHelpOptions = true,
      description = {"Enroll devices through the real path against an in-process server on loopback: concurrent clients "
          + "each create a device on the operator API (POST /api/v1/devices) and enroll it on the device channel with "
          + "its enrollment token and a CSR for its own key (made before the clock starts); print devices per second "
          + "and latency percentiles.",
          "Homeport logs only warnings unless HOMEPORT_LOG_LEVEL is set."})
  static final class Enroll implements Callable<Integer> {
    @Option(names = "--devices", defaultValue = "5000", description = "Devices measured (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--warmup", defaultValue = "1000", description = "Devices enrolled first, not measured (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--reuse-connections", description = "Keep device-channel TLS connections open between "
        + "enrollments (default: a new connection per device, as real devices do).")
    boolean reuseConnections;

    @Override
    public Integer call() throws Exception {
      EnrollBench.Options options;
      try {
        options = new EnrollBench.Options(devices, clients, warmup, reuseConnections);
      } catch (IllegalArgumentException e) {
        System.err.println("homeport: " + e.getMessage());
        return 2;
      }
      EnrollBench.Figures f;
      try {
        f = new EnrollBench(options, System.out).run();
      } catch (IllegalStateException e) {
        System.err.println("homeport: bench enroll failed: " + e.getMessage());
        return 1;
      }
      System.out.printf(java.util.Locale.ROOT, "RESULT devices=%d clients=%d failed=%d per_s=%.1f "
              + "cpu_ms_per_device=%.2f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f create_p50_ms=%.1f "
              + "enroll_p50_ms=%.1f%n", f.devices(), f.clients(), f.failed(), f.devicesPerSecond(),
          f.cpuMillisPerDevice(), f.total().p50Millis(), f.total().p90Millis(),
          f.total().p99Millis(), f.total().maxMillis(), f.create().p50Millis(), f.enroll().p50Millis());
      return f.failed() == 0 ? 0 : 1;
    }
  }

  @Command(name = "sessions", mixinStandardHelpOptions = true,
      description = "Peer sessions on loopback: setup time (request to first echo) direct and relayed, relay throughput, "
          + "and the latency the relay adds, against an in-process server and two reference agents.")
  static final class Sessions implements Callable<Integer> {
    @Option(names = "--sessions", defaultValue = "20", description = "Sessions per kind of setup (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--frames", defaultValue = "200000", description = "Frames pushed through the relay (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--payload", defaultValue = "1200", description = "Bytes per relayed frame, 1-1400 (default: ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--pings", defaultValue = "2000", description = "Round trips for the latency figures (default: ${DEFAULT-VALUE}).")
    int pings;

    @Override
    public Integer call() throws Exception {
      io.homeport.bench.SessionBench.Options options;
      try {
        options = new io.homeport.bench.SessionBench.Options(sessions, frames, payload, pings);
      } catch (IllegalArgumentException e) {
        System.err.println("homeport: " + e.getMessage());
        return 2;
      }
      new io.homeport.bench.SessionBench(options, System.out).run();
      return 0;
    }
  }

  @Command(name = "cluster", mixinStandardHelpOptions = true,
      description = "One node against a two-node cluster, both on PostgreSQL, in one run: keepalives accepted per "
          + "second (devices spread over the nodes) and commands per second end to end (reference agents on both "
          + "nodes, commands created through the first). On one machine this shows what clustering costs.")
  static final class Cluster implements Callable<Integer> {
    @Option(names = "--store-url", defaultValue = "postgresql://postgres@127.0.0.1:5432/test",
        description = "PostgreSQL database a fresh schema per setup is made in (default: ${DEFAULT-VALUE}; password "
            + "from HOMEPORT_STORE_PASSWORD).")
    String storeUrl;

    @Option(names = "--devices", defaultValue = "5000", description = "Simulated devices for keepalives (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--rate", defaultValue = "20000", description = "Keepalives offered per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", defaultValue = "10s", description = "Keepalive load phase (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--sockets", defaultValue = "16", description = "Client UDP sockets (default: ${DEFAULT-VALUE}).")
    int sockets;

    @Option(names = "--agents", defaultValue = "20", description = "Reference agents for commands (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--commands", defaultValue = "500", description = "Commands created (default: ${DEFAULT-VALUE}).")
    int commands;

    @Override
    public Integer call() throws Exception {
      new io.homeport.bench.ClusterBench(new io.homeport.bench.ClusterBench.Options(devices, rate,
          Durations.parse(duration), sockets, agents, commands, storeUrl), System.out).run();
      return 0;
    }
  }
}
