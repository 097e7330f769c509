package io.homeport.cli;

import io.homeport.agent.AddressBook;
import io.homeport.agent.ApplianceRouter;
import io.homeport.agent.CommandHandler;
import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceChannelClient;
import io.homeport.agent.PeerDataPath;
import io.homeport.peer.PeerChannel;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.EchoHandler;
import io.homeport.agent.EchonetLanForwarder;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.Enroller;
import io.homeport.config.Durations;
import io.homeport.device.HostedAppliance;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "device", mixinStandardHelpOptions = true, description = "The reference device agent.",
    subcommands = {DeviceCommand.Enroll.class, DeviceCommand.Run.class, DeviceCommand.Connect.class})
final class DeviceCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "enroll", mixinStandardHelpOptions = true,
      description = "Enroll this device with a one-time token: makes a key pair locally and stores the bundle.")
  static final class Enroll implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "URL", description = "Device channel, e.g. https://homeport.example:7443")
    URI server;

    @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "Enrollment token from POST /api/v1/devices.")
    String token;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the bundle (created, mode 0700).")
    Path out;

    @Override
    public Integer call() throws Exception {
      try {
        DeviceBundle bundle = Enroller.enrollInto(server, token, out);
        System.out.printf("enrolled device %s; bundle written to %s%n", bundle.deviceId(), out.toAbsolutePath());
        return 0;
      } catch (Enroller.EnrollmentRefused e) {
        System.err.println("homeport: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        System.err.println("homeport: enrollment failed: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the device agent: keepalives to the server.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "Bundle directory from `device enroll`.")
    Path bundleDir;

    @Option(names = "--poll", defaultValue = "5m", paramLabel = "DURATION",
        description = "Also call the server for commands this often without a wake (0s: never; default: ${DEFAULT-VALUE}).")
    String poll;

    @Option(names = "--appliance", paramLabel = "PLUGIN:TYPE@ADDRESS",
        description = "An appliance this device reaches, reported to the server in each hello, e.g. "
            + "echonet-lite:home-air-conditioner@192.168.1.50#1 (repeatable).")
    List<String> appliances = new ArrayList<>();

    @Option(names = "--consent", defaultValue = "reject-all", paramLabel = "POLICY",
        description = "How to answer session requests when this device's permission list is in device mode: "
            + "reject-all (default), accept-all (demos), or a file listing the device ids or names to accept, "
            + "one per line (read at each request).")
    String consent;

    @Option(names = "--echonet-port", defaultValue = "3610", paramLabel = "PORT",
        description = "Local UDP port for ECHONET Lite answers; appliances answer to 3610 (default: ${DEFAULT-VALUE}; "
            + "0 for an ephemeral port, enough for `homeport appliance simulate`).")
    int echonetPort;

    @Option(names = "--keepalive-floor", defaultValue = "5s", paramLabel = "DURATION",
        description = "The shortest keepalive interval the agent may choose when its NAT forgets idle UDP mappings "
            + "sooner than the server's suggested interval (default: ${DEFAULT-VALUE}).")
    String keepaliveFloor;

    @Option(names = "--keepalive-ceiling", paramLabel = "DURATION",
        description = "The longest keepalive interval the agent may use, even when the server suggests a longer one "
            + "(default: the server's suggestion). The agent probes its NAT's idle mapping lifetime up to what this "
            + "interval needs and keeps below what it finds.")
    String keepaliveCeiling;

    @Option(names = "--expose-udp", paramLabel = "NAME=HOST:PORT",
        description = "Let peers in a session reach HOST:PORT (UDP) as service NAME, e.g. echo=127.0.0.1:7 "
            + "(repeatable; peers use `device connect --service NAME --listen-udp ...`).")
    List<String> exposeUdp = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      DeviceBundle bundle;
      PeerDataPath dataPath;
      try {
        bundle = DeviceBundle.load(bundleDir);
      } catch (IOException e) {
        System.err.println("homeport: " + e.getMessage());
        return 1;
      }
      try {
        List<PeerDataPath.Exposed> exposed = new ArrayList<>();
        for (String spec : exposeUdp) {
          exposed.add(PeerDataPath.Exposed.parse(spec));
        }
        dataPath = new PeerDataPath(exposed, List.of(), PeerChannel.Settings.DEFAULTS, Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        System.err.println("homeport: --expose-udp: " + e.getMessage());
        return 2;
      }
      Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
      Duration pollInterval;
      Duration floor;
      Duration ceiling;
      try {
        pollInterval = Durations.parse(poll);
        floor = Durations.parse(keepaliveFloor);
        if (floor.toSeconds() < 1) {
          throw new IllegalArgumentException("--keepalive-floor must be at least 1s");
        }
        ceiling = keepaliveCeiling == null ? null : Durations.parse(keepaliveCeiling);
        if (ceiling != null && ceiling.compareTo(floor) < 0) {
          throw new IllegalArgumentException("--keepalive-ceiling (" + keepaliveCeiling + ") must not be below "
              + "--keepalive-floor (" + keepaliveFloor + ")");
        }
      } catch (IllegalArgumentException e) {
        System.err.println("homeport: " + e.getMessage());
        return 2;
      }
      List<HostedAppliance> hosted = new ArrayList<>();
      for (String a : appliances) {
        var m = java.util.regex.Pattern.compile("([a-z0-9-]+):([A-Za-z0-9._-]+)@(.+)").matcher(a);
        if (!m.matches()) {
          System.err.println("homeport: --appliance '" + a + "' is not PLUGIN:TYPE@ADDRESS");
          return 2;
        }
        hosted.add(new HostedAppliance(m.group(1), m.group(2), m.group(3)));
      }
      // appliance payloads go to the LAN; other commands to the built-in echo handler (vendors plug in their own)
      CommandHandler handler = new ApplianceRouter(Map.of(EchonetLanForwarder.CONTENT_TYPE,
          new EchonetLanForwarder(vertx, echonetPort, Duration.ofSeconds(3))), new EchoHandler(vertx));
      ConsentPolicy policy = switch (consent) {
        case "reject-all" -> ConsentPolicy.REJECT_ALL;
        case "accept-all" -> ConsentPolicy.ACCEPT_ALL;
        default -> ConsentPolicy.allowListFile(vertx, Path.of(consent));
      };
      DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), handler, pollInterval, hosted)
          .withSessions(dataPath, policy).withKeepaliveFloor(floor).withAddressBook(AddressBook.load(bundleDir));
      vertx.deployVerticle(ceiling == null ? agent : agent.withKeepaliveCeiling(ceiling))
          .await(30, TimeUnit.SECONDS);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx), "agent-shutdown"));
      Thread.currentThread().join();
      return 0;
    }
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // exiting anyway
    }
  }

  @Command(name = "connect", mixinStandardHelpOptions = true,
      description = "Ask the server for a peer session with another device. Without --listen-udp it prints the "
          + "outcome and exits, and the device's running agent (`device run`) takes the session up. With "
          + "--service and --listen-udp it is the device while it runs (keepalives, wakes, punching from its own "
          + "keepalive socket) and forwards the local UDP port to the peer's service until the session ends or it "
          + "is stopped, which ends the session.")
  static final class Connect implements Callable<Integer> {
    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "Bundle directory from `device enroll`.")
    Path bundleDir;

    @Option(names = "--peer", required = true, paramLabel = "NAME", description = "The peer's device name or id.")
    String peer;

    @Option(names = "--duration", paramLabel = "DURATION",
        description = "How long the session should last, e.g. 30m (default: the server's sessions.defaultDuration).")
    String duration;

    @Option(names = "--wait", defaultValue = "60", paramLabel = "SECONDS",
        description = "How long to wait for the peer's consent, 0-60 (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(names = "--service", paramLabel = "NAME",
        description = "The peer's service (its `device run --expose-udp NAME=...`) that --listen-udp forwards to.")
    String service;

    @Option(names = "--listen-udp", paramLabel = "HOST:PORT",
        description = "Local UDP address whose datagrams go to the peer's --service, e.g. 127.0.0.1:5353; the "
            + "answers come back to the sender.")
    String listenUdp;

    @Override
    public Integer call() throws Exception {
      DeviceBundle bundle;
      long seconds = 0;
      PeerDataPath.Listened listened = null;
      try {
        bundle = DeviceBundle.load(bundleDir);
        if (duration != null) {
          seconds = Durations.parse(duration).toSeconds();
        }
        if ((service == null) != (listenUdp == null)) {
          throw new IllegalArgumentException("--service and --listen-udp go together");
        }
        if (listenUdp != null) {
          listened = new PeerDataPath.Listened(peer, service, PeerDataPath.hostPort(listenUdp));
        }
      } catch (IOException | IllegalArgumentException e) {
        System.err.println("homeport: " + e.getMessage());
        return 2;
      }
      return listened == null ? askOnly(bundle, seconds) : forward(bundle, seconds, listened);
    }

    /** Asks and prints; the running agent takes the session up. */
    private int askOnly(DeviceBundle bundle, long seconds) {
      Vertx vertx = Vertx.vertx();
      try {
        DeviceChannelClient.SessionAnswer answer = new DeviceChannelClient(vertx, bundle)
            .requestSession(peer, seconds, waitSeconds).await(waitSeconds + 30L, TimeUnit.SECONDS);
        return printOutcome(answer);
      } catch (Exception e) {
        System.err.println("homeport: session request failed: " + e.getMessage());
        return 1;
      } finally {
        vertx.close();
      }
    }

    /** Runs as the device, asks, forwards the local port until the session ends (or the process is stopped). */
    private int forward(DeviceBundle bundle, long seconds, PeerDataPath.Listened listened) throws Exception {
      Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
      DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO)
          .withSessions(new PeerDataPath(List.of(), List.of(listened), PeerChannel.Settings.DEFAULTS,
              Clock.systemUTC()), ConsentPolicy.REJECT_ALL).withAddressBook(AddressBook.load(bundleDir));
      try {
        vertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("homeport: " + e.getMessage());
        closeQuietly(vertx);
        return 1;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (agent.state() != io.homeport.agent.AgentState.ONLINE && System.nanoTime() < deadline) {
        Thread.sleep(50); // the main thread waits; the agent's loop does the work
      }
      if (agent.state() != io.homeport.agent.AgentState.ONLINE) {
        System.err.println("homeport: the server did not answer keepalives within 30 s");
        closeQuietly(vertx);
        return 1;
      }
      DeviceChannelClient.SessionAnswer answer;
      try {
        answer = agent.requestSession(peer, seconds, waitSeconds).await(waitSeconds + 30L, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("homeport: session request failed: " + e.getMessage());
        closeQuietly(vertx);
        return 1;
      }
      int outcome = printOutcome(answer);
      if (outcome != 0) {
        closeQuietly(vertx);
        return outcome;
      }
      String id = answer.offer().id();
      Thread hook = new Thread(() -> {
        try {
          agent.endSession(id, "closed").await(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // exiting anyway; the server ends the session at its expiry
        }
        closeQuietly(vertx);
      }, "connect-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      System.out.printf("forwarding udp %s to service %s of %s%n", listenUdp, service, peer);
      System.out.flush();
      while (agent.session(id).isPresent()) {
        Thread.sleep(200);
      }
      System.out.printf("session %s ended%n", id);
      Runtime.getRuntime().removeShutdownHook(hook);
      closeQuietly(vertx);
      return 0;
    }

    private static int printOutcome(DeviceChannelClient.SessionAnswer answer) {
      if (answer.offer() != null) {
        var o = answer.offer();
        System.out.printf("session %s established with %s until %s (role %s, key sha256:%s)%n", o.id(), o.peerLabel(),
            o.expiresAt(), o.role(), o.keyFingerprint());
        o.candidates().forEach(c -> System.out.printf("  candidate %s %s:%d%n", c.type(),
            c.address().getAddress().getHostAddress(), c.address().getPort()));
        return 0;
      }
      if (answer.refused()) {
        System.out.println("session refused");
        return 3;
      }
      System.out.printf("session %s requested; the peer has not answered yet (the running agent gets the outcome)%n",
          answer.sessionId());
      return 4;
    }
  }
}
