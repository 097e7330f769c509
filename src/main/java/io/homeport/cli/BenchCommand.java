package io.homeport.cli;

import io.homeport.bench.KeepaliveBench;
import io.homeport.config.Durations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Load and latency tools (they print figures).",
    subcommands = BenchCommand.Keepalive.class)
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
}
