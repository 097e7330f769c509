package io.homeport.bench;

import io.homeport.agent.AgentState;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.command.CommandService;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.event.CommandEvent;
import io.homeport.event.DomainEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.event.EventType;
import io.homeport.server.HomeportServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Wake-to-result latency of commands: an in-process server on loopback with a throw-away data
 * directory, M reference device agents ({@link DeviceAgent}, real UDP keepalives, wake validation,
 * mutual-TLS device channel) on a Vert.x instance of their own, and commands created at a fixed rate,
 * round robin over the devices, through {@link CommandService#create}. Latency of one command runs
 * from just before its create call to the moment its final event ({@code command.succeeded},
 * {@code command.failed}, ...) is seen on the server's event bus.
 *
 * <p>The server suggests the production keepalive interval (25 s, the default configuration), so a
 * command carried by the pending flag of a keepalive answer instead of by a wake shows up as a
 * latency of seconds. Before the measured load, every device runs one command (all at once: its
 * first wake and TLS handshake, on a cold JVM), then the load runs unmeasured for the warm-up time
 * so the JIT has compiled the hot paths; both are printed apart from the measured figures.
 *
 * <p>Client and server share the machine's cores: the figures are an upper bound for latency and a
 * lower bound for throughput of the server alone.
 */
public final class CommandBench {

  /** Commands still without a final event this long after the load ends are lost. */
  public static final Duration DRAIN = Duration.ofSeconds(10);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration COMMAND_TTL = Duration.ofMinutes(5);

  /**
   * What to run.
   *
   * @param warmup how long to run the load unmeasured before the measured load (zero for none)
   * @param samples where to write one CSV line per load command (null for none)
   */
  public record Options(int devices, int rate, Duration duration, Duration warmup, Path samples) {
    public Options {
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("warmup must not be negative");
      }
      if (devices < 1 || rate < 1) {
        throw new IllegalArgumentException("devices and rate must be positive");
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("duration must be positive");
      }
      if (commands(rate, duration) < 1) {
        throw new IllegalArgumentException("rate x duration gives no command at all");
      }
    }

    /** Commands the load phase offers. */
    public long commands() {
      return commands(rate, duration);
    }

    private static long commands(int rate, Duration duration) {
      return duration.toNanos() / 1_000_000 * rate / 1000;
    }
  }

  /**
   * What was measured in the load phase.
   *
   * @param outcomes final event types and their counts
   * @param lost commands with no final event {@link #DRAIN} after the load ended (creates still
   *     unanswered by then included)
   * @param achievedPerSecond commands with a final event per second, over the load duration or, when
   *     longer, the time from the first create to the last final event
   * @param wakes wakes the server sent during the load and drain (each wake once)
   * @param retransmissions wake copies after the first, same period
   * @param storeWriteTransactionsPerCommand write transactions the store committed during the load and
   *     drain per created command (sweeps and event-log writes included); NaN when the store does not count
   */
  public record Figures(int devices, int rate, long offered, long created, long createFailures,
      Map<String, Long> outcomes, long lost, double achievedPerSecond, LatencyRecorder.Summary latency,
      LatencyRecorder.Summary toDelivery, LatencyRecorder.Summary deliveryToResult, LatencyRecorder.Summary firstContact,
      long wakes, long retransmissions, long agentWakesAccepted, long agentWakesDropped,
      double storeWriteTransactionsPerCommand) {}

  private record Final(long nanos, String type) {}

  private record Started(long nanos, String deviceId) {}

  /** The commands of one phase: create start times by command id, creates still unanswered, failures. */
  private static final class Phase {
    final Map<String, Started> started = new ConcurrentHashMap<>();
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicReference<String> firstFailure = new AtomicReference<>();
  }

  private final Options options;
  private final PrintStream out;
  private final Map<String, Final> finals = new ConcurrentHashMap<>();
  private final Map<String, Long> delivered = new ConcurrentHashMap<>();

  public CommandBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * Runs the bench; always stops the agents and the server and deletes the data directory.
   *
   * @throws IllegalStateException when the setup does not complete (server start, enrollment, agents
   *     online) within its time limit
   */
  public Figures run() throws Exception {
    Runnable restoreLogs = BenchLogs.quiet();
    Path dataDir = Files.createTempDirectory("homeport-bench");
    Thread cleanupOnInterrupt = new Thread(() -> TempFiles.deleteRecursively(dataDir), "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanupOnInterrupt); // Ctrl-C: the throw-away CA key goes too
    Vertx serverVertx = null;
    Vertx agentVertx = null;
    HomeportServer server = null;
    try {
      HomeportConfig config = ConfigLoader.load(null, Map.of()).withEphemeralLoopbackPorts().withDataDir(dataDir);
      serverVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
      server = await(HomeportServer.start(serverVertx, config), STARTUP_TIMEOUT, "server start");
      out.printf("server up (transport %s), keepalive interval %ds%n",
          serverVertx.isNativeTransportEnabled() ? "native epoll" : "NIO", config.keepaliveInterval().toSeconds());

      List<DeviceBundle> bundles = enroll(server, config);
      agentVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
      List<DeviceAgent> agents = startAgents(agentVertx, bundles);

      MessageConsumer<LoggedEvent> consumer =
          serverVertx.eventBus().<io.homeport.event.LoggedEvent>localConsumer(EventAddresses.EVENTS, msg -> onEvent(msg.body().event()));
      await(consumer.completion(), STARTUP_TIMEOUT, "event-bus subscription");
      Context context = serverVertx.getOrCreateContext(); // creates run on an event loop, as the API's do

      Figures figures = measure(server, context, bundles, agents);
      consumer.unregister();
      return figures;
    } finally {
      closeQuietly(agentVertx, "agents");
      if (server != null) {
        try {
          server.stop().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          out.printf("warning: server stop: %s%n", e);
        }
      }
      closeQuietly(serverVertx, "server");
      TempFiles.deleteRecursively(dataDir);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanupOnInterrupt);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      restoreLogs.run();
    }
  }

  private Figures measure(HomeportServer server, Context context, List<DeviceBundle> bundles, List<DeviceAgent> agents)
      throws InterruptedException {
    int m = bundles.size();

    // first contact: one command per device at once, so every agent has its device-channel connection open
    Phase first = new Phase();
    long firstStart = System.nanoTime();
    for (int i = 0; i < m; i++) {
      submit(server, context, bundles.get(i).deviceId(), "{\"first\":" + i + "}", first);
    }
    long firstDeadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    awaitDone(first, firstDeadline);
    LatencyRecorder firstLatency = new LatencyRecorder();
    long firstLost = collect(first, firstDeadline, firstLatency, null, null, new TreeMap<>(), new long[1]);
    out.printf("first contact: %d commands at once, one per device (wake, first TLS handshake, cold JVM), done in "
            + "%.1fs: %s%s%n", m, (System.nanoTime() - firstStart) / 1e9, firstLatency.summary(),
        firstLost > 0 ? "; " + firstLost + " unfinished" : "");

    // warm-up: the load itself, unmeasured, until the JIT has compiled the hot paths of server and agents
    if (!options.warmup().isZero()) {
      Phase warm = new Phase();
      long warmStart = System.nanoTime();
      long warmEnd = drive(server, context, bundles, warm, options.rate(), options.warmup(), "w");
      long warmDeadline = warmEnd + DRAIN.toNanos();
      awaitDone(warm, warmDeadline);
      LatencyRecorder warmLatency = new LatencyRecorder();
      long warmLost = collect(warm, warmDeadline, warmLatency, null, null, new TreeMap<>(), new long[1])
          + warm.inFlight.get();
      out.printf("warm-up: %d commands at %d/s over %.1fs (not measured): %s%s%n", warm.started.size(), options.rate(),
          (warmEnd - warmStart) / 1e9, warmLatency.summary(), warmLost > 0 ? "; " + warmLost + " unfinished" : "");
    }

    // load: open loop at the requested rate, round robin over the devices
    long wakesBefore = server.beacon().wakesSent();
    long retransmissionsBefore = server.beacon().wakeRetransmissions();
    long acceptedBefore = agents.stream().mapToLong(DeviceAgent::wakesAccepted).sum();
    long droppedBefore = agents.stream().mapToLong(DeviceAgent::wakesDropped).sum();
    long offered = options.commands();
    Phase load = new Phase();
    out.printf("load: %d commands at %d/s over %.1fs, round robin over %d devices...%n", offered, options.rate(),
        options.duration().toMillis() / 1e3, m);
    CpuMeter cpu = new CpuMeter();
    OptionalLong writesBefore = server.storeWriteTransactions();
    long loadStart = System.nanoTime();
    long loadEnd = drive(server, context, bundles, load, options.rate(), options.duration(), "n");
    String cpuDuringLoad = cpu.report();
    long deadline = loadEnd + DRAIN.toNanos();
    awaitDone(load, deadline);
    OptionalLong writesAfter = server.storeWriteTransactions();

    LatencyRecorder latency = new LatencyRecorder();
    LatencyRecorder toDelivery = new LatencyRecorder();
    LatencyRecorder deliveryToResult = new LatencyRecorder();
    Map<String, Long> outcomes = new TreeMap<>();
    long[] lastFinal = {loadStart};
    long lost = collect(load, deadline, latency, toDelivery, deliveryToResult, outcomes, lastFinal)
        + load.inFlight.get();
    long finished = outcomes.values().stream().mapToLong(Long::longValue).sum();
    // N commands spaced 1/R apart occupy the nominal duration N/R; a slower drain lengthens the window
    double windowSeconds = Math.max(options.duration().toNanos(), lastFinal[0] - loadStart) / 1e9;
    double achieved = finished / windowSeconds;
    long created = load.started.size();
    if (options.samples() != null) {
      writeSamples(options.samples(), load, loadStart, deadline);
    }

    double lagMillis = Math.max(0, loadEnd - loadStart - (long) ((offered - 1) * 1e9 / options.rate())) / 1e6;
    out.printf("offered %d commands (driver behind schedule at the end: %.0fms); %d created, %d create failures%s%n",
        offered, lagMillis, created, load.failures.get(),
        load.firstFailure.get() == null ? "" : " (first: " + load.firstFailure.get() + ")");
    out.printf("final events: %s; lost (no final event %ds after the load ended): %d%n", outcomes, DRAIN.toSeconds(), lost);
    printTimeline(load, loadStart, deadline);
    out.printf("create -> final event: %s%n", latency.summary());
    out.printf("  create -> delivered: %s%n", toDelivery.summary());
    out.printf("  delivered -> final event: %s%n", deliveryToResult.summary());
    out.printf("achieved %.1f commands/s (final events over %.1fs: the load, or from the first create to the last "
        + "final event when that is longer)%n", achieved, windowSeconds);
    long wakes = server.beacon().wakesSent() - wakesBefore;
    long retransmissions = server.beacon().wakeRetransmissions() - retransmissionsBefore;
    long accepted = agents.stream().mapToLong(DeviceAgent::wakesAccepted).sum() - acceptedBefore;
    long dropped = agents.stream().mapToLong(DeviceAgent::wakesDropped).sum() - droppedBefore;
    out.printf("CPU during the load: %s%n", cpuDuringLoad);
    double writesPerCommand = Double.NaN;
    if (writesBefore.isPresent() && writesAfter.isPresent()) {
      long writes = writesAfter.getAsLong() - writesBefore.getAsLong();
      writesPerCommand = created == 0 ? Double.NaN : (double) writes / created;
      out.printf(java.util.Locale.ROOT, "store write transactions during load and drain: %d, %.2f per command "
          + "(all writers: commands, event log, sweeps)%n", writes, writesPerCommand);
    } else {
      out.printf("store write transactions: not counted by this store%n");
    }
    out.printf("server wakes during load and drain: %d sent, %d retransmissions (totals since start: %d, %d); "
            + "agents accepted %d wakes, dropped %d; %d devices online%n", wakes, retransmissions,
        server.beacon().wakesSent(), server.beacon().wakeRetransmissions(), accepted, dropped,
        server.presence().onlineCount());
    return new Figures(m, options.rate(), offered, created, load.failures.get(), outcomes, lost, achieved,
        latency.summary(), toDelivery.summary(), deliveryToResult.summary(), firstLatency.summary(), wakes,
        retransmissions, accepted, dropped, writesPerCommand);
  }

  /**
   * Creates commands open loop at {@code rate} for {@code duration}, round robin over the devices:
   * command i is due i/rate after the start, whatever happened to the ones before it.
   *
   * @return when the last create was submitted (System.nanoTime)
   */
  private long drive(HomeportServer server, Context context, List<DeviceBundle> bundles, Phase phase, int rate,
      Duration duration, String paramName) {
    long count = duration.toNanos() / 1_000_000 * rate / 1000;
    double intervalNanos = 1e9 / rate;
    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      long wait = start + (long) (i * intervalNanos) - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      submit(server, context, bundles.get((int) (i % bundles.size())).deviceId(),
          "{\"" + paramName + "\":" + i + "}", phase);
    }
    return System.nanoTime();
  }

  /** Latency by create time in five slices of the load, to show whether it was steady. */
  private void printTimeline(Phase load, long loadStart, long deadlineNanos) {
    long sliceNanos = Math.max(1_000_000_000L, options.duration().toNanos() / 5);
    Map<Long, LatencyRecorder> slices = new TreeMap<>();
    for (Started s : load.started.values()) {
      slices.computeIfAbsent((s.nanos() - loadStart) / sliceNanos, k -> new LatencyRecorder());
    }
    for (Map.Entry<String, Started> e : load.started.entrySet()) {
      Final f = finals.get(e.getKey());
      if (f != null && f.nanos() <= deadlineNanos) {
        slices.get((e.getValue().nanos() - loadStart) / sliceNanos).record(f.nanos() - e.getValue().nanos());
      }
    }
    for (Map.Entry<Long, LatencyRecorder> slice : slices.entrySet()) {
      out.printf("  created %5.1fs-%5.1fs: %s%n", slice.getKey() * sliceNanos / 1e9,
          (slice.getKey() + 1) * sliceNanos / 1e9, slice.getValue().summary());
    }
  }

  /**
   * CPU used by this process (server, agents and driver together) and by the whole machine since
   * construction, so a reader sees how close to saturation the run was and whether something else
   * competed for the cores.
   */
  private static final class CpuMeter {
    private final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private final long startNanos = System.nanoTime();
    private final long startProcessCpu = processCpuNanos();
    private final long[] startSystem = systemTicks();

    String report() {
      int cores = Runtime.getRuntime().availableProcessors();
      double wall = System.nanoTime() - startNanos;
      long processCpu = processCpuNanos();
      String process = processCpu < 0 || startProcessCpu < 0 ? "n/a"
          : String.format("%.0f%%", 100.0 * (processCpu - startProcessCpu) / (wall * cores));
      long[] system = systemTicks();
      String machine = system == null || startSystem == null || system[1] == startSystem[1] ? "n/a"
          : String.format("%.0f%%", 100.0 * (system[0] - startSystem[0]) / (system[1] - startSystem[1]));
      return String.format("this process %s, whole machine %s of %d cores", process, machine, cores);
    }

    private long processCpuNanos() {
      return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** Busy and total jiffies from /proc/stat; null where there is none. */
    private static long[] systemTicks() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {total - idle, total};
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  private void submit(HomeportServer server, Context context, String deviceId, String params, Phase phase) {
    phase.inFlight.incrementAndGet();
    long start = System.nanoTime();
    context.runOnContext(v -> server.commands()
        .create(deviceId, new CommandService.NewCommand("bench", params, COMMAND_TTL, null, null, false))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            phase.started.put(ar.result().command().id(), new Started(start, deviceId));
          } else {
            phase.failures.incrementAndGet();
            phase.firstFailure.compareAndSet(null, String.valueOf(ar.cause()));
          }
          phase.inFlight.decrementAndGet();
        }));
  }

  /** Called on a server event loop for every domain event. */
  private void onEvent(DomainEvent event) {
    if (!(event instanceof CommandEvent e)) {
      return;
    }
    long now = System.nanoTime();
    if (e.isFinal()) {
      finals.putIfAbsent(e.commandId(), new Final(now, e.type().wireName()));
    } else if (e.type() == EventType.COMMAND_DELIVERED) {
      delivered.putIfAbsent(e.commandId(), now);
    }
  }

  /** Waits until every create of the phase is answered and every created command has a final event, or the deadline. */
  private void awaitDone(Phase phase, long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      if (phase.inFlight.get() == 0 && finals.keySet().containsAll(phase.started.keySet())) {
        return;
      }
      Thread.sleep(20);
    }
  }

  /** Records the phase's latencies up to the deadline; returns how many created commands had no final event by then. */
  private long collect(Phase phase, long deadlineNanos, LatencyRecorder total, LatencyRecorder toDelivery,
      LatencyRecorder deliveryToResult, Map<String, Long> outcomes, long[] lastFinal) {
    long unfinished = 0;
    for (Map.Entry<String, Started> e : phase.started.entrySet()) {
      Final f = finals.get(e.getKey());
      if (f == null || f.nanos() > deadlineNanos) {
        unfinished++;
        continue;
      }
      long start = e.getValue().nanos();
      total.record(Math.max(0, f.nanos() - start));
      outcomes.merge(f.type(), 1L, Long::sum);
      lastFinal[0] = Math.max(lastFinal[0], f.nanos());
      Long d = delivered.get(e.getKey());
      if (d != null && toDelivery != null) {
        toDelivery.record(Math.max(0, d - start));
        deliveryToResult.record(Math.max(0, f.nanos() - d));
      }
    }
    return unfinished;
  }

  /** One line per created load command, in create order: times in ms, relative to the load start and to the create. */
  private void writeSamples(Path file, Phase load, long loadStart, long deadlineNanos) {
    List<Map.Entry<String, Started>> commands = new ArrayList<>(load.started.entrySet());
    commands.sort(Comparator.comparingLong(e -> e.getValue().nanos()));
    StringBuilder csv = new StringBuilder("command_id,device_id,created_at_ms,to_delivered_ms,to_final_ms,outcome\n");
    for (Map.Entry<String, Started> e : commands) {
      long start = e.getValue().nanos();
      Final f = finals.get(e.getKey());
      Long d = delivered.get(e.getKey());
      boolean done = f != null && f.nanos() <= deadlineNanos;
      csv.append(e.getKey()).append(',').append(e.getValue().deviceId()).append(',')
          .append(String.format(java.util.Locale.ROOT, "%.3f", (start - loadStart) / 1e6)).append(',')
          .append(d == null ? "" : String.format(java.util.Locale.ROOT, "%.3f", (d - start) / 1e6)).append(',')
          .append(done ? String.format(java.util.Locale.ROOT, "%.3f", (f.nanos() - start) / 1e6) : "").append(',')
          .append(done ? f.type() : "lost").append('\n');
    }
    try {
      Files.writeString(file, csv);
      out.printf("wrote %d samples to %s%n", commands.size(), file);
    } catch (IOException e) {
      out.printf("warning: could not write samples to %s: %s%n", file, e.getMessage());
    }
  }

  private List<DeviceBundle> enroll(HomeportServer server, HomeportConfig config) {
    int n = options.devices();
    out.printf("enrolling %d devices (one key pair each)...%n", n);
    long start = System.nanoTime();
    int interval = (int) config.keepaliveInterval().toSeconds();
    List<DeviceBundle> bundles = new ArrayList<>(n);
    int batch = 32;
    for (int from = 0; from < n; from += batch) {
      List<Future<DeviceBundle>> inFlight = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + batch); i++) {
        inFlight.add(BenchDevices.bundle(server, String.format("bench-%06d", i), server.beaconPort(),
            server.deviceChannelPort(), interval));
      }
      for (Future<DeviceBundle> f : inFlight) {
        bundles.add(await(f, STARTUP_TIMEOUT, "enrollment"));
      }
    }
    out.printf("enrolled %d devices in %.1fs%n", n, (System.nanoTime() - start) / 1e9);
    return bundles;
  }

  private List<DeviceAgent> startAgents(Vertx vertx, List<DeviceBundle> bundles) throws InterruptedException {
    long start = System.nanoTime();
    List<DeviceAgent> agents = new ArrayList<>(bundles.size());
    List<Future<String>> deployments = new ArrayList<>(bundles.size());
    for (DeviceBundle bundle : bundles) {
      DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO);
      agents.add(agent);
      deployments.add(vertx.deployVerticle(agent));
    }
    await(Future.all(deployments), STARTUP_TIMEOUT, "agent deployment");
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    long online;
    while ((online = agents.stream().filter(a -> a.state() == AgentState.ONLINE).count()) < agents.size()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + online + " of " + agents.size() + " agents online after "
            + STARTUP_TIMEOUT.toSeconds() + "s");
      }
      Thread.sleep(50);
    }
    out.printf("%d agents online in %.1fs%n", agents.size(), (System.nanoTime() - start) / 1e9);
    return agents;
  }

  private static <T> T await(Future<T> future, Duration timeout, String what) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(what + " did not complete within " + timeout.toSeconds() + "s");
    } catch (Exception e) {
      throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
  }

  private void closeQuietly(Vertx vertx, String what) {
    if (vertx == null) {
      return;
    }
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.printf("warning: closing the %s Vert.x instance: %s%n", what, e);
    }
  }
}
