package io.homeport.cli;

import io.homeport.bench.CommandBench;
import io.homeport.bench.KeepaliveBench;
import io.homeport.config.Durations;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Load and latency tools (they print figures).",
    subcommands = {BenchCommand.Keepalive.class, BenchCommand.Commands.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "keepalive", mixinStandardHelpOptions = true,
      description = "Drive simulated devices against an in-process server on loopback; print accepted "
          + "keepalives per second and server heap per online device.")
  static final class Keepalive implements Callable<Integer> {
    @Option(names = "--devices", defaultValue = "10000", description = "Simulated devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--rate", defaultValue = "5000", description = "Keepalives per second, all devices together (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", defaultValue = "20s", description = "Length of the steady phase (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--sockets", defaultValue = "16", description = "Client UDP sockets the devices share (default: ${DEFAULT-VALUE}).")
    int sockets;

    @Override
    public Integer call() throws Exception {
      if (devices < 1 || rate < 1 || sockets < 1) {
        System.err.println("homeport: --devices, --rate and --sockets must be positive");
        return 2;
      }
      KeepaliveBench.Figures f = new KeepaliveBench(
          new KeepaliveBench.Options(devices, rate, Durations.parse(duration), sockets), System.out).run();
      System.out.printf("RESULT devices=%d online=%d rate=%d/s accepted_per_s=%.0f heap_bytes_per_online_device=%.0f outcomes=%s%n",
          f.devices(), f.online(), rate, f.acceptedPerSecond(), f.heapBytesPerOnlineDevice(), f.outcomes());
      return 0;
    }
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

    @Option(names = "--warmup", defaultValue = "10s", description = "Run the load this long, unmeasured, before the "
        + "measured phase so the JIT has compiled the hot paths; 0s for none (default: ${DEFAULT-VALUE}).")
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

    private static int usage(String message) {
      System.err.println("homeport: " + message);
      return 2;
    }
  }
}
