package io.homeport.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The closed-loop UDP load generator ({@code udpload.c}, shipped in the jar beside this class): a
 * small C program that replays the datagrams of a {@link DatagramFile} against one server, W in
 * flight per client socket, with epoll and recvmmsg/sendmmsg batches. It builds and checks nothing
 * (answers are matched to requests by the STUN transaction id bytes and classed by their type), so it
 * costs the same per request whatever server it drives. It is compiled with the machine's C compiler
 * at first use and cached under the user's cache directory, keyed by the source's hash.
 */
public final class UdpLoad {

  /** What one run measured (the generator's own output line, docs/benchmarks.md). */
  public record Result(boolean exhausted, double measuredSeconds, long answered, double answeredPerSecond,
      long success, long error, long other, long sent, long lost, long late, long unmatched, double roundTripMeanMillis,
      double roundTripP50Millis, double roundTripP99Millis, double cpuSeconds, double cpuSystemSeconds,
      double cpuMicrosPerAnswer,
      long totalSent, long totalSuccess, long totalError, long totalLost) {

    /** The share of one core the generator used in the measured window. */
    public double cpuShare() {
      return measuredSeconds > 0 ? cpuSeconds / measuredSeconds : 0;
    }

    static Result parse(String line) {
      if (!line.startsWith("udpload ")) {
        throw new IllegalArgumentException("not a udpload result line: " + line);
      }
      Map<String, String> f = new HashMap<>();
      for (String pair : line.substring("udpload ".length()).trim().split(" ")) {
        int eq = pair.indexOf('=');
        f.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return new Result("exhausted".equals(f.get("stop")), Double.parseDouble(f.get("measured_s")),
          Long.parseLong(f.get("answered")), Double.parseDouble(f.get("answered_per_s")), Long.parseLong(f.get("success")),
          Long.parseLong(f.get("error")), Long.parseLong(f.get("other")), Long.parseLong(f.get("sent")),
          Long.parseLong(f.get("lost")), Long.parseLong(f.get("late")), Long.parseLong(f.get("unmatched")),
          Double.parseDouble(f.get("rtt_mean_ms")),
          Double.parseDouble(f.get("rtt_p50_ms")), Double.parseDouble(f.get("rtt_p99_ms")),
          Double.parseDouble(f.get("cpu_s")), Double.parseDouble(f.get("cpu_sys_s")),
          Double.parseDouble(f.get("cpu_us_per_answer")), Long.parseLong(f.get("total_sent")),
          Long.parseLong(f.get("total_success")), Long.parseLong(f.get("total_error")),
          Long.parseLong(f.get("total_lost")));
    }
  }

  private static final String SOURCE = "udpload.c";

  private final Path executable;

  private UdpLoad(Path executable) {
    this.executable = executable;
  }

  /** The generator compiled from the shipped source, building it first when the cache lacks this version. */
  public static UdpLoad build(Path cacheDir, PrintStream out) throws IOException, InterruptedException {
    byte[] source;
    try (InputStream in = UdpLoad.class.getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SOURCE + " is missing from the class path");
      }
      source = in.readAllBytes();
    }
    Path executable = cacheDir.resolve("udpload-" + sha256(source).substring(0, 16));
    if (Files.isExecutable(executable)) {
      return new UdpLoad(executable);
    }
    String compiler = compiler();
    Files.createDirectories(cacheDir);
    Path src = Files.createTempFile(cacheDir, "udpload", ".c");
    Path built = Files.createTempFile(cacheDir, "udpload", ".out");
    try {
      Files.write(src, source);
      out.printf("building the load generator with %s into %s%n", compiler, executable);
      Process cc = new ProcessBuilder(compiler, "-O2", "-Wall", "-o", built.toString(), src.toString())
          .redirectErrorStream(true).start();
      String diagnostics = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!cc.waitFor(120, TimeUnit.SECONDS) || cc.exitValue() != 0) {
        throw new IllegalStateException("compiling " + SOURCE + " failed:\n" + diagnostics);
      }
      // a rename, so a concurrent bench never runs a half-written executable
      Files.move(built, executable, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new UdpLoad(executable);
    } finally {
      Files.deleteIfExists(src);
      Files.deleteIfExists(built);
    }
  }

  /** The default cache: $XDG_CACHE_HOME/homeport, else ~/.cache/homeport. */
  public static Path defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("homeport");
  }

  /**
   * Runs the generator once: {@code warmup} unmeasured, then {@code duration} measured (less when a
   * socket runs out of datagrams: {@link Result#exhausted()}).
   */
  public Result run(Path datagrams, InetSocketAddress server, int inFlight, Duration warmup, Duration duration)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(executable.toString(), datagrams.toString(),
        server.getAddress().getHostAddress(), Integer.toString(server.getPort()), Integer.toString(inFlight),
        Long.toString(warmup.toMillis()), Long.toString(duration.toMillis())))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Thread stopOnExit = ExitHooks.stopOnExit(p);
    try {
      // the generator ends on its own: warm-up, duration, then at most one loss timeout (5 s)
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("the load generator failed (exit " + p.exitValue() + ")");
      }
      return Result.parse(output);
    } finally {
      p.destroyForcibly();
      ExitHooks.remove(stopOnExit);
    }
  }

  private static String compiler() throws IOException, InterruptedException {
    for (String cc : List.of("gcc", "cc")) {
      if (onPath(cc)) {
        return cc;
      }
    }
    Path tools = Path.of("scripts", "ensure-tools.sh");
    if (Files.isExecutable(tools)) {
      // the project's tools script installs the compiler (needs root or sudo)
      new ProcessBuilder(tools.toString(), "bench").inheritIO().start().waitFor();
      if (onPath("gcc")) {
        return "gcc";
      }
    }
    throw new IllegalStateException("no C compiler (gcc or cc) on the PATH: run scripts/ensure-tools.sh bench");
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
