package io.homeport.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import io.homeport.command.CommandResult;
import io.homeport.stun.StunAttributes;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference device agent. Keepalives: one every interval the server suggests, at once again when
 * the server asks for a fresh nonce, with backoff (1 s, 2 s, 4 s ... capped at the interval) when
 * unanswered, so it rides out a server restart without re-enrolling. Commands: on a valid wake
 * (acknowledged in the next keepalive), on a pending flag in a keepalive answer, or on its own poll
 * schedule (the seed's "inquiry"), it calls hello on the device channel, runs each command through
 * its {@link CommandHandler} and posts the results. Invalid wakes are dropped and logged.
 *
 * <p>Sessions (DESIGN 5): the session notices of every hello are handled here. Offers go to the {@link
 * SessionHandler}; consent requests to the {@link ConsentPolicy}; sessions in use are extended at 75% of
 * their remaining time (the server grants from 70%); end orders stop the session and are answered
 * with an end report, as is every end the agent decides itself. The keepalives report the device's LAN
 * addresses, so that a peer on the same LAN can be offered them.
 *
 * <p>NAT behaviour (DESIGN 5.1): once online, and again when its public IP address changes, the agent
 * learns its NAT's mapping behaviour and idle mapping lifetime ({@link NatDiscovery}), shortens its
 * keepalive interval to fit ({@link AdaptiveInterval}), and reports both in its keepalives.
 *
 * <p>Address lists (DESIGN 4): keepalives carry the version of the list the agent holds ({@link
 * AddressBook}); a PENDING address-list flag or an address-list wake makes it fetch the changes. A list
 * naming Homeport's own endpoints moves the agent there, and back when they do not answer ({@link
 * HomeportEndpoints}).
 */
public final class DeviceAgent extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);
  /** Consecutive nonce refreshes tolerated before backing off (guards against a loop with a confused server). */
  private static final int MAX_IMMEDIATE_RETRIES = 3;
  private static final long RESULT_RETRY_MILLIS = 1000;
  private static final long CALL_DEADLINE_SECONDS = 30;
  private static final int REMEMBERED_RESULTS = 1024;
  private static final long MAX_INQUIRY_BACKOFF_MILLIS = 30_000;
  /** How long after a session's expiry the agent stops it by itself when the server's end order has not come. */
  private static final long LOCAL_EXPIRY_GRACE_MILLIS = 2_000;

  private final DeviceBundle bundle;
  private final Clock clock;
  private final CommandHandler handler;
  private final long pollMillis;
  private final java.util.List<io.homeport.device.HostedAppliance> appliances;
  private SessionHandler sessionHandler = SessionHandler.NO_DATA_PATH;
  private ConsentPolicy consent = ConsentPolicy.REJECT_ALL;
  /** The sessions held now, by id, with their extension or local-expiry timer. */
  private final java.util.Map<String, HeldSession> sessions = new java.util.HashMap<>();
  /** Sessions whose consent request is being decided or answered, or whose end is being reported. */
  private final java.util.Set<String> answering = new java.util.HashSet<>();
  private final AtomicLong sessionsOffered = new AtomicLong();
  private final AtomicLong sessionsEnded = new AtomicLong();
  private KeepaliveSession session;
  private CommandHandler commandHandler;
  private WakeValidator wakes;
  private DeviceChannelClient channel;
  private boolean inquiring;
  /** The server has the appliance report of this run online (it keeps it; hellos then carry none). */
  private boolean appliancesReported;
  private int failedInquiries;
  private final java.util.Map<String, CommandResult> unsentResults = new java.util.LinkedHashMap<>();
  /** Results of the last commands run, by id, so a command offered twice runs once. */
  private final java.util.Map<String, CommandResult> recentResults = new java.util.LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<String, CommandResult> eldest) {
      return size() > REMEMBERED_RESULTS;
    }
  };
  private boolean retryingResults;
  private boolean inquireAgain;
  private final AtomicLong wakesAccepted = new AtomicLong();
  private final AtomicLong wakesDropped = new AtomicLong();
  private final AtomicLong commandsHandled = new AtomicLong();
  private DatagramSocket socket;
  private InetSocketAddress server;
  private volatile AgentState state = AgentState.CONNECTING;
  private volatile InetSocketAddress mappedAddress;
  private int intervalSeconds;
  private int keepaliveFloorSeconds = 5;
  private int keepaliveCeilingSeconds = Integer.MAX_VALUE;
  private AdaptiveInterval adaptive;
  private NatDiscovery natDiscovery;
  private AddressBook addressBook = AddressBook.inMemory();
  private ApplicationCalls applicationCalls;
  private AddressListFollower addressLists;
  private HomeportEndpoints endpoints;
  private StunAttributes.Mapping natMapping = StunAttributes.Mapping.UNKNOWN;
  private int lifetimeAtLeastSeconds;
  private int lifetimeBelowSeconds;
  /** When the keepalive socket last sent to the server, and how long it had been silent before that. */
  private long lastSentMillis;
  private long idleBeforeLastSendMillis;
  private int unanswered;
  private int immediateRetries;
  private long answerTimer = -1;
  private long nextTimer = -1;

  /**
   * @param handler runs commands; null for the built-in {@link EchoHandler}
   * @param pollInterval how often to call hello unprompted; zero for never
   */
  public DeviceAgent(DeviceBundle bundle, Clock clock, CommandHandler handler, Duration pollInterval) {
    this(bundle, clock, handler, pollInterval, java.util.List.of());
  }

  /** @param appliances what the device reports hosting, in its first hello after it comes online */
  public DeviceAgent(DeviceBundle bundle, Clock clock, CommandHandler handler, Duration pollInterval,
      java.util.List<io.homeport.device.HostedAppliance> appliances) {
    this.appliances = java.util.List.copyOf(appliances);
    this.bundle = bundle;
    this.clock = clock;
    this.handler = handler;
    this.pollMillis = pollInterval.toMillis();
  }

  private record HeldSession(PeerSession session, long timer) {}

  /**
   * Where sessions go and how consent requests are answered (default: no data path, reject everyone).
   * Set before deployment.
   */
  public DeviceAgent withSessions(SessionHandler handler, ConsentPolicy policy) {
    this.sessionHandler = java.util.Objects.requireNonNull(handler, "handler");
    this.consent = java.util.Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * The shortest keepalive interval the agent may choose when the NAT forgets mappings sooner than the
   * server's suggestion (default 5 s). Set before deployment.
   */
  public DeviceAgent withKeepaliveFloor(Duration floor) {
    this.keepaliveFloorSeconds = (int) Math.max(1, floor.toSeconds());
    return this;
  }

  /**
   * The longest keepalive interval the agent may use, whatever the server suggests (default: none).
   * Set before deployment.
   */
  public DeviceAgent withKeepaliveCeiling(Duration ceiling) {
    this.keepaliveCeilingSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, ceiling.toSeconds()));
    return this;
  }

  /** Where the device's address list is kept (default: in memory, empty). Set before deployment. */
  public DeviceAgent withAddressBook(AddressBook book) {
    this.addressBook = java.util.Objects.requireNonNull(book, "book");
    return this;
  }

  /** How application servers are called (default: the reference {@code ApplicationCaller}). Set before deployment. */
  public DeviceAgent withApplicationCalls(ApplicationCalls calls) {
    this.applicationCalls = java.util.Objects.requireNonNull(calls, "calls");
    return this;
  }

  /** The address list the agent holds. */
  public AddressBook addressBook() {
    return addressBook;
  }

  /** The Homeport endpoints the agent uses now (its enrollment's, or those its address list moved it to). */
  public synchronized HomeportEndpoints.Endpoints endpoints() {
    return endpoints.current();
  }

  /** What the agent learned of its NAT so far, as its keepalives report it; null before anything is known. */
  public synchronized StunAttributes.NatBehaviour natBehaviour() {
    return natKnown() ? natBehaviourNow() : null;
  }

  /** The keepalive interval in use now, in seconds (the server's suggestion, or shorter for the NAT). */
  public int keepaliveIntervalSeconds() {
    return intervalSeconds;
  }

  /** The session held now with this id, if any; readable from any thread after the agent's loop wrote it. */
  public synchronized java.util.Optional<PeerSession> session(String sessionId) {
    HeldSession h = sessions.get(sessionId);
    return h == null ? java.util.Optional.empty() : java.util.Optional.of(h.session());
  }

  /** Sessions offered so far, counting extensions as new offers of the same session not at all. */
  public long sessionsOffered() {
    return sessionsOffered.get();
  }

  /** Sessions ended and reported so far. */
  public long sessionsEnded() {
    return sessionsEnded.get();
  }

  /**
   * Asks the server for a session with {@code peer} (id or name); an offer is taken up at once, before the
   * answer completes.
   *
   * @return the server's answer
   */
  public Future<DeviceChannelClient.SessionAnswer> requestSession(String peer, long durationSeconds, int waitSeconds) {
    // completes once an offer is held, so that session(id) finds it
    return channel.requestSession(peer, durationSeconds, waitSeconds).compose(answer -> {
      if (answer.offer() == null) {
        return Future.succeededFuture(answer);
      }
      Promise<DeviceChannelClient.SessionAnswer> held = Promise.promise();
      context.runOnContext(v -> {
        offered(answer.offer());
        held.complete(answer);
      });
      return held.future();
    });
  }

  /** Ends a held session on this device's behalf and reports it. */
  public Future<Void> endSession(String sessionId, String reason) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> finish(sessionId, reason, true).onComplete(done));
    return done.future();
  }

  /** The local UDP port keepalives leave from (and wakes arrive at). */
  public int localPort() {
    return socket.localAddress().port();
  }

  /** Wakes that passed validation. */
  public long wakesAccepted() {
    return wakesAccepted.get();
  }

  /** Datagrams that looked like wakes but failed validation. */
  public long wakesDropped() {
    return wakesDropped.get();
  }

  /** Commands run and reported. */
  public long commandsHandled() {
    return commandsHandled.get();
  }

  public AgentState state() {
    return state;
  }

  /** The public address the server last saw this device at, null before the first accepted keepalive. */
  public InetSocketAddress mappedAddress() {
    return mappedAddress;
  }

  @Override
  public Future<?> start() {
    session = new KeepaliveSession(bundle.deviceId(), bundle.beaconKey(), clock.millis());
    intervalSeconds = bundle.keepaliveIntervalSeconds();
    if (keepaliveCeilingSeconds < keepaliveFloorSeconds) {
      return Future.failedFuture(new IllegalArgumentException("the keepalive ceiling (" + keepaliveCeilingSeconds
          + " s) is below the floor (" + keepaliveFloorSeconds + " s)"));
    }
    adaptive = new AdaptiveInterval(keepaliveFloorSeconds, keepaliveCeilingSeconds, intervalSeconds);
    session.addressListVersion(addressBook.version());
    endpoints = new HomeportEndpoints(HomeportEndpoints.of(bundle));
    try {
      endpoints.listChanged(addressBook.entries()); // a stored list that moved the device still holds
    } catch (IllegalArgumentException e) {
      LOG.warn("device {}: the stored address list names unusable Homeport endpoints ({}); using the enrolled ones",
          bundle.deviceId(), e.getMessage());
    }
    commandHandler = handler != null ? handler : new EchoHandler(vertx);
    if (applicationCalls == null) {
      applicationCalls = new ApplicationCaller(vertx, bundle, commandHandler);
    }
    addressLists = new AddressListFollower(vertx, bundle.deviceId(), addressBook, () -> channel, applicationCalls,
        book -> {
          session.addressListVersion(book.version());
          followListedEndpoints();
        });
    return resolve(endpoints.current())
        .compose(address -> {
          use(endpoints.current(), address);
          socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(address.getAddress() instanceof java.net.Inet6Address));
          socket.handler(this::onDatagram);
          return socket.listen(0, address.getAddress() instanceof java.net.Inet6Address ? "::" : "0.0.0.0");
        })
        .compose(s -> sessionHandler.attach(vertx, (to, datagram) -> socket.send(Buffer.buffer(datagram), to.getPort(),
            to.getAddress().getHostAddress())).map(s))
        .onSuccess(s -> {
          LOG.info("device {}: sending keepalives to {}:{} from local port {}", bundle.deviceId(),
              server.getAddress().getHostAddress(), server.getPort(),
              s.localAddress().port());
          session.lanEndpoints(lanEndpoints(s.localAddress().port(), server.getAddress() instanceof java.net.Inet6Address));
          send();
          if (pollMillis > 0) {
            vertx.setPeriodic(pollMillis, id -> inquire("poll schedule"));
          }
          vertx.setPeriodic(RESULT_RETRY_MILLIS, id -> retryUnsentResults());
        });
  }

  private Future<InetSocketAddress> resolve(HomeportEndpoints.Endpoints e) {
    return vertx.executeBlocking(() -> new InetSocketAddress(InetAddress.getByName(e.beaconHost()), e.beaconPort()));
  }

  /** Talks to Homeport at these endpoints from now on: keepalives, wakes, the device channel, NAT discovery. */
  private void use(HomeportEndpoints.Endpoints e, InetSocketAddress beacon) {
    server = beacon;
    WakeValidator previous = wakes;
    wakes = new WakeValidator(bundle.deviceId(), bundle.beaconKey(), beacon);
    if (previous != null) {
      previous.carryServerTime(wakes);
    }
    if (channel != null) {
      channel.close();
    }
    channel = new DeviceChannelClient(vertx, bundle, e.deviceChannel());
    if (natDiscovery != null) {
      natDiscovery.stop();
    }
    // the alternate port is known for the enrolled beacon only
    int altPort = e.equals(HomeportEndpoints.of(bundle)) ? bundle.beaconAltPort() : 0;
    natDiscovery = new NatDiscovery(vertx, bundle.deviceId(), session, beacon, altPort,
        question -> socket.send(Buffer.buffer(question.datagram()), altPort, beacon.getAddress().getHostAddress()),
        natFindings());
  }

  /** Moves to other endpoints (a fleet move, or back from one): resolved off the event loop, then a keepalive there. */
  private void moveTo(HomeportEndpoints.Endpoints e, String why) {
    LOG.info("device {}: moving to {} ({})", bundle.deviceId(), e, why);
    resolve(e).onComplete(r -> {
      if (r.failed()) {
        LOG.warn("device {}: cannot resolve {}: {}", bundle.deviceId(), e.beaconHost(), r.cause().getMessage());
        return;
      }
      synchronized (this) {
        use(e, r.result());
      }
      mappedAddress = null; // another beacon: first contact again (NAT discovery included)
      send();
    });
  }

  private void followListedEndpoints() {
    try {
      endpoints.listChanged(addressBook.entries()).ifPresent(e -> moveTo(e, "named by address list version "
          + addressBook.version()));
    } catch (IllegalArgumentException e) {
      LOG.warn("device {}: the address list names unusable Homeport endpoints ({}); staying at {}", bundle.deviceId(),
          e.getMessage(), endpoints.current());
    }
  }

  @Override
  public Future<?> stop() {
    if (natDiscovery != null) {
      natDiscovery.stop();
    }
    if (channel != null) {
      channel.close();
    }
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  private void send() {
    cancelTimers();
    toServer(session.nextKeepalive());
    long timeout = Math.min(2000, intervalSeconds * 500L);
    answerTimer = vertx.setTimer(Math.max(200, timeout), id -> onUnanswered());
  }

  /** Sends a keepalive to the server, noting how long the socket's mapping towards it had been idle. */
  private void toServer(byte[] keepalive) {
    long now = clock.millis();
    idleBeforeLastSendMillis = lastSentMillis == 0 ? 0 : now - lastSentMillis;
    lastSentMillis = now;
    socket.send(Buffer.buffer(keepalive), server.getPort(), server.getAddress().getHostAddress());
  }

  private void onUnanswered() {
    answerTimer = -1;
    unanswered++;
    immediateRetries = 0;
    java.util.Optional<HomeportEndpoints.Endpoints> other = endpoints.unanswered();
    if (other.isPresent()) {
      LOG.warn("device {}: no answer from {} after {} keepalives", bundle.deviceId(), server,
          HomeportEndpoints.FALLBACK_AFTER);
      moveTo(other.get(), "the current endpoints do not answer");
      return;
    }
    long backoff = Math.min(intervalSeconds * 1000L, 1000L << Math.min(unanswered - 1, 20));
    if (state != AgentState.UNANSWERED) {
      LOG.warn("device {}: keepalive unanswered; retrying with backoff up to {}s", bundle.deviceId(), intervalSeconds);
      state = AgentState.UNANSWERED;
    }
    nextTimer = vertx.setTimer(backoff, id -> send());
  }

  private void onDatagram(DatagramPacket packet) {
    byte[] data = packet.data().getBytes();
    if (io.homeport.peer.PeerFrames.isPeerFrame(data, 0, data.length)) {
      // peer frames share the keepalive socket with STUN (DESIGN 5.1): they start with bits 01, STUN with 00
      sessionHandler.onPeerDatagram(new InetSocketAddress(packet.sender().hostAddress(), packet.sender().port()), data);
      return;
    }
    if (WakeValidator.looksLikeWake(data)) {
      onWake(data, packet);
      return;
    }
    boolean fromServerHost = packet.sender().hostAddress().equals(server.getAddress().getHostAddress());
    if (fromServerHost && natDiscovery.altPort() != null && packet.sender().port() == natDiscovery.altPort().getPort()) {
      natDiscovery.onMappingAnswer(data);
      return;
    }
    if (packet.sender().port() != server.getPort() || !fromServerHost) {
      LOG.debug("device {}: ignored a datagram from {}", bundle.deviceId(), packet.sender());
      return;
    }
    KeepaliveSession.Answer answer = session.onDatagram(data);
    if (answer instanceof KeepaliveSession.Accepted accepted) {
      onAccepted(accepted);
    } else if (answer instanceof KeepaliveSession.NonceRefreshed) {
      if (++immediateRetries <= MAX_IMMEDIATE_RETRIES) {
        LOG.debug("device {}: server issued a fresh nonce; resending", bundle.deviceId());
        send();
      }
    } else if (answer instanceof KeepaliveSession.Ignored ignored) {
      LOG.debug("device {}: ignored a datagram: {}", bundle.deviceId(), ignored.reason());
    }
  }

  private void onWake(byte[] data, DatagramPacket packet) {
    InetSocketAddress source;
    try {
      source = new InetSocketAddress(InetAddress.getByName(packet.sender().hostAddress()), packet.sender().port());
    } catch (java.net.UnknownHostException e) {
      return;
    }
    WakeValidator.Verdict verdict = wakes.validate(data, source, clock.millis());
    if (verdict instanceof WakeValidator.Valid valid) {
      wakesAccepted.incrementAndGet();
      LOG.info("device {}: wake {} ({})", bundle.deviceId(), Long.toUnsignedString(valid.wakeId()),
          valid.reason().name().toLowerCase(java.util.Locale.ROOT));
      toServer(session.nextKeepalive(valid.wakeId()));
      switch (valid.reason()) {
        case ADDRESS_LIST -> addressLists.fetch("wake");
        case APPLICATION -> addressLists.callApplicationServer(valid.applicationServerId());
        default -> inquire("wake");
      }
    } else if (verdict instanceof WakeValidator.Duplicate duplicate) {
      // the server did not get our acknowledgement: acknowledge again, do not act twice
      LOG.debug("device {}: wake {} again; acknowledging", bundle.deviceId(), Long.toUnsignedString(duplicate.wakeId()));
      toServer(session.nextKeepalive(duplicate.wakeId()));
    } else if (verdict instanceof WakeValidator.Invalid invalid) {
      wakesDropped.incrementAndGet();
      LOG.warn("device {}: dropped a wake from {}: {}", bundle.deviceId(), source, invalid.reason());
    }
  }

  /** Calls hello and works through the delivered commands; one inquiry at a time, repeated while work arrives. */
  private void inquire(String why) {
    if (inquiring) {
      inquireAgain = true;
      return;
    }
    inquiring = true;
    inquireAgain = false;
    LOG.debug("device {}: calling hello ({})", bundle.deviceId(), why);
    // a hard deadline on top of the client's idle timeout: a hung call must never stall the agent's inquiries
    boolean reporting = !appliancesReported;
    channel.hello(0, reporting ? appliances : null).timeout(CALL_DEADLINE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
        .compose(hello -> {
          appliancesReported |= reporting;
          inquireAgain |= hello.more();
          onSessionNotices(hello.sessions());
          return runAll(hello.commands());
        })
        .onComplete(done -> {
          inquiring = false;
          if (done.failed()) {
            failedInquiries++;
            long backoff = Math.min(MAX_INQUIRY_BACKOFF_MILLIS, 1000L << Math.min(failedInquiries - 1, 5));
            LOG.warn("device {}: hello failed ({}); trying again in {} ms", bundle.deviceId(), done.cause().getMessage(),
                backoff);
            vertx.setTimer(backoff, id -> inquire("retry after a failed hello"));
          } else {
            failedInquiries = 0;
            if (inquireAgain) { // more was due, or a wake came while this inquiry ran
              inquire("more work");
            }
          }
        });
  }

  /**
   * Runs the commands one after the other, posting each result; completes with how many there were.
   * A command seen before (offered again after a server crash) is not run twice: its result is
   * posted again.
   */
  private Future<Integer> runAll(java.util.List<JsonObject> commands) {
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject command : commands) {
      String id = command.getString("id");
      chain = chain.compose(v -> {
        CommandResult earlier = recentResults.get(id);
        if (earlier != null) {
          LOG.info("device {}: command {} was run before; reporting its result again", bundle.deviceId(), id);
          return report(id, earlier);
        }
        return commandHandler.handle(command)
            .recover(e -> Future.succeededFuture(new CommandResult(CommandResult.Status.ERROR, "handler-failed", null)))
            .compose(result -> {
              recentResults.put(id, result);
              commandsHandled.incrementAndGet();
              LOG.info("device {}: command {} ({}) done: {}", bundle.deviceId(), id, command.getString("action"),
                  result.status().wireName());
              return report(id, result);
            });
      });
    }
    return chain.map(commands.size());
  }

  /**
   * Posts a result. When the server cannot be reached it is kept and posted again later, so a result
   * outlives a server restart; a refusal (already recorded, not ours) is final.
   */
  private Future<Void> report(String commandId, CommandResult result) {
    boolean retry = unsentResults.containsKey(commandId) || retryingResults;
    return channel.result(commandId, result).timeout(CALL_DEADLINE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
        .onSuccess(v -> {
      if (retry) {
        LOG.info("device {}: result of command {} delivered after retrying", bundle.deviceId(), commandId);
      }
    }).recover(e -> {
      if (e instanceof DeviceChannelException dce && dce.isFinal()) {
        LOG.warn("device {}: result of command {} refused: {}", bundle.deviceId(), commandId, e.getMessage());
      } else {
        if (!retry) {
          LOG.warn("device {}: result of command {} not delivered ({}); retrying every {} ms", bundle.deviceId(),
              commandId, e.getMessage(), RESULT_RETRY_MILLIS);
        }
        unsentResults.put(commandId, result);
      }
      return Future.succeededFuture();
    });
  }

  private void retryUnsentResults() {
    if (unsentResults.isEmpty() || retryingResults) {
      return;
    }
    retryingResults = true;
    java.util.Map<String, CommandResult> batch = new java.util.LinkedHashMap<>(unsentResults);
    unsentResults.clear();
    Future<Void> chain = Future.succeededFuture();
    for (var e : batch.entrySet()) {
      chain = chain.compose(v -> report(e.getKey(), e.getValue()));
    }
    chain.onComplete(v -> retryingResults = false);
  }

  private void onAccepted(KeepaliveSession.Accepted accepted) {
    cancelTimers();
    endpoints.answered();
    if (accepted.pending().contains(StunAttributes.Pending.ADDRESS_LIST)) {
      addressLists.fetch("pending flag");
    }
    if (accepted.serverTimeMillis() > 0) {
      wakes.serverTime(accepted.serverTimeMillis(), clock.millis());
    }
    if (accepted.pending().contains(StunAttributes.Pending.COMMANDS)
        || accepted.pending().contains(StunAttributes.Pending.SESSION)) {
      inquire("pending flag");
    }
    unanswered = 0;
    immediateRetries = 0;
    if (adaptive.accepted(accepted.mappedAddress(), idleBeforeLastSendMillis, accepted.intervalSeconds())) {
      LOG.warn("device {}: public address changed from {}:{} to {}:{} after {} s without traffic: the NAT forgets idle UDP "
          + "mappings sooner (below {} s); keepalive every {}s from now on", bundle.deviceId(),
          mappedAddress.getAddress().getHostAddress(), mappedAddress.getPort(),
          accepted.mappedAddress().getAddress().getHostAddress(), accepted.mappedAddress().getPort(),
          idleBeforeLastSendMillis / 1000, adaptive.lifetimeBelowSeconds(), adaptive.seconds());
    }
    intervalSeconds = adaptive.seconds();
    if (state != AgentState.ONLINE || !accepted.mappedAddress().equals(mappedAddress)) {
      LOG.info("device {}: online, public address {}:{}, keepalive every {}s", bundle.deviceId(),
          accepted.mappedAddress().getAddress().getHostAddress(), accepted.mappedAddress().getPort(), intervalSeconds);
    }
    // first contact, or another network: what was learned of the NAT no longer holds
    boolean discover = mappedAddress == null || !mappedAddress.getAddress().equals(accepted.mappedAddress().getAddress());
    mappedAddress = accepted.mappedAddress();
    if (discover) {
      natDiscovery.start(mappedAddress, behindNat(mappedAddress), adaptive.ceilingSeconds());
    }
    if (natKnown()) {
      session.natBehaviour(natBehaviourNow());
    }
    boolean cameOnline = state != AgentState.ONLINE;
    state = AgentState.ONLINE;
    if (cameOnline) {
      appliancesReported = false; // the server may have lost it (a new data directory): report again
    }
    if (cameOnline && !appliances.isEmpty()) {
      inquire("online: reporting the appliances"); // the server learns them before anyone sends them commands
    }
    nextTimer = vertx.setTimer(intervalSeconds * 1000L, id -> send());
  }

  private boolean natKnown() {
    return natMapping != StunAttributes.Mapping.UNKNOWN || lifetimeAtLeastSeconds > 0 || lifetimeBelowSeconds > 0;
  }

  private StunAttributes.NatBehaviour natBehaviourNow() {
    return new StunAttributes.NatBehaviour(natMapping, Math.min(0xFFFF, intervalSeconds),
        Math.min(0xFFFF, lifetimeAtLeastSeconds), Math.min(0xFFFF, lifetimeBelowSeconds));
  }

  /** What NAT discovery learns goes into the keepalives, and a mapping lifetime into the interval. */
  private NatDiscovery.Findings natFindings() {
    return new NatDiscovery.Findings() {
      @Override
      public void mapping(StunAttributes.Mapping mapping) {
        synchronized (DeviceAgent.this) {
          natMapping = mapping;
        }
        session.natBehaviour(natBehaviourNow());
        keepaliveNow(); // the server shows it from the next keepalive: do not make the operator wait an interval
      }

      @Override
      public void lifetime(int atLeastSeconds, int belowSeconds, boolean done) {
        synchronized (DeviceAgent.this) {
          lifetimeAtLeastSeconds = atLeastSeconds;
          lifetimeBelowSeconds = belowSeconds;
        }
        if (belowSeconds > 0 && adaptive.lifetimeBelow(belowSeconds)) {
          intervalSeconds = adaptive.seconds();
          LOG.warn("device {}: the NAT forgets an idle UDP mapping within {} s (a probe after {} s idle was lost{}); "
              + "keepalive every {}s from now on", bundle.deviceId(), belowSeconds, belowSeconds,
              atLeastSeconds > 0 ? ", one after " + atLeastSeconds + " s arrived" : "", intervalSeconds);
          sooner();
        } else if (done) {
          LOG.info("device {}: an idle NAT mapping lives at least {} s: keepalive every {}s", bundle.deviceId(),
              atLeastSeconds, intervalSeconds);
        }
        session.natBehaviour(natBehaviourNow());
        if (done) {
          keepaliveNow();
        }
      }
    };
  }

  /** Sends the next keepalive now instead of at the end of the interval (unless one is outstanding). */
  private void keepaliveNow() {
    if (nextTimer >= 0) {
      send();
    }
  }

  /** After the interval shrank: the next keepalive leaves within the new interval of the last one. */
  private void sooner() {
    if (nextTimer < 0) {
      return; // a keepalive is outstanding: its answer schedules the next one with the new interval
    }
    vertx.cancelTimer(nextTimer);
    long due = Math.max(1, lastSentMillis + intervalSeconds * 1000L - clock.millis());
    nextTimer = vertx.setTimer(due, id -> send());
  }

  /** The beacon sees one of this host's own addresses and the socket's own port: nothing translates it. */
  private boolean behindNat(InetSocketAddress mapped) {
    if (mapped.getPort() != socket.localAddress().port()) {
      return true;
    }
    try {
      return !mapped.getAddress().isLoopbackAddress() && java.net.NetworkInterface.getByInetAddress(mapped.getAddress()) == null;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  /** Works through the session notices of a hello: consent requests, offers (new or extended), ends, refusals. */
  private void onSessionNotices(java.util.List<JsonObject> notices) {
    for (JsonObject n : notices) {
      String id = n.getString("id");
      switch (n.getString("type", "")) {
        case "consent" -> answerConsent(id, n.getJsonObject("peer", new JsonObject()));
        case "offer" -> offered(PeerSession.fromOffer(n));
        case "end" -> {
          LOG.info("device {}: session {} ended by {} ({})", bundle.deviceId(), id, n.getString("endedBy"),
              n.getString("reason"));
          finish(id, n.getString("reason", "ended"), false);
        }
        case "refused" -> LOG.info("device {}: session {} refused", bundle.deviceId(), id);
        default -> LOG.debug("device {}: ignored a session notice of type {}", bundle.deviceId(), n.getString("type"));
      }
    }
  }

  private void answerConsent(String sessionId, JsonObject requester) {
    if (!answering.add(sessionId)) {
      return;
    }
    String requesterId = requester.getString("id");
    String requesterName = requester.getString("name");
    consent.decide(requesterId, requesterName)
        .compose(accept -> {
          LOG.info("device {}: session {} requested by {}: {}", bundle.deviceId(), sessionId,
              requesterName == null ? requesterId : requesterName + " (" + requesterId + ")",
              accept ? "accepted" : "rejected");
          return channel.consent(sessionId, accept);
        })
        .onFailure(e -> LOG.warn("device {}: could not answer the consent request of session {}: {}",
            bundle.deviceId(), sessionId, e.getMessage()))
        .onComplete(v -> answering.remove(sessionId));
  }

  /** Takes up an offer: a new session, or a known one with a new expiry (an extension). */
  private void offered(PeerSession offer) {
    HeldSession held = sessions.get(offer.id());
    if (held != null && held.session().expiresAt().equals(offer.expiresAt())) {
      return; // the same offer again
    }
    if (held != null) {
      vertx.cancelTimer(held.timer());
      LOG.info("device {}: session {} extended to {}", bundle.deviceId(), offer.id(), offer.expiresAt());
    } else {
      sessionsOffered.incrementAndGet();
      LOG.info("device {}: session {} offered: peer {}, role {}, key sha256:{}, expires {}, candidates {}",
          bundle.deviceId(), offer.id(), offer.peerLabel(), offer.role(), offer.keyFingerprint(), offer.expiresAt(),
          offer.candidates().stream().map(c -> c.type() + " " + c.address().getAddress().getHostAddress() + ":"
              + c.address().getPort()).toList());
    }
    long remaining = Math.max(0, offer.expiresAt().toEpochMilli() - clock.millis());
    // the requester extends at 75% of the remaining time, the target a little later, so one of them asks
    double share = "requester".equals(offer.role()) ? 0.75 : 0.85;
    long timer = vertx.setTimer(Math.max(1, (long) (remaining * share)), t -> extendOrExpire(offer.id()));
    synchronized (this) {
      sessions.put(offer.id(), new HeldSession(offer, timer));
    }
    sessionHandler.offered(offer);
  }

  /** Extends a session in use; one not in use (or that cannot be extended) ends when its time is up. */
  private void extendOrExpire(String sessionId) {
    HeldSession held = sessions.get(sessionId);
    if (held == null) {
      return;
    }
    if (!sessionHandler.inUse(sessionId)) {
      scheduleLocalEnd(held.session());
      return;
    }
    channel.extend(sessionId).onComplete(r -> {
      if (r.succeeded()) {
        offered(r.result());
      } else {
        // another side extended first (the new expiry comes in a hello), or the maximum is reached
        LOG.info("device {}: session {} not extended: {}", bundle.deviceId(), sessionId, r.cause().getMessage());
        HeldSession still = sessions.get(sessionId);
        if (still != null) {
          scheduleLocalEnd(still.session());
        }
      }
    });
  }

  /**
   * Stops using the session shortly after its expiry even if the server's end order does not come (the
   * server ends it at its expiry and tells both sides; the grace lets that order arrive first).
   */
  private void scheduleLocalEnd(PeerSession s) {
    long left = Math.max(0, s.expiresAt().toEpochMilli() - clock.millis()) + LOCAL_EXPIRY_GRACE_MILLIS;
    long timer = vertx.setTimer(left, t -> {
      HeldSession h = sessions.get(s.id());
      if (h != null && h.session().expiresAt().equals(s.expiresAt())) {
        finish(s.id(), "expired", true);
      }
    });
    synchronized (this) {
      sessions.put(s.id(), new HeldSession(s, timer));
    }
  }

  /**
   * Stops the session (if held) and reports its end; a report the server refuses as final (already
   * reported, unknown) is not retried.
   */
  private Future<Void> finish(String sessionId, String reason, boolean ownDecision) {
    HeldSession held;
    synchronized (this) {
      held = sessions.remove(sessionId);
    }
    if (held != null) {
      vertx.cancelTimer(held.timer());
    }
    if (!answering.add(sessionId)) {
      return Future.succeededFuture();
    }
    SessionHandler.Usage usage = held == null ? SessionHandler.Usage.NONE : sessionHandler.ended(sessionId, reason);
    return channel.end(sessionId, reason, usage)
        .onSuccess(v -> {
          sessionsEnded.incrementAndGet();
          LOG.info("device {}: session {} {}; reported ({} bytes sent, {} received, path {})", bundle.deviceId(),
              sessionId, ownDecision ? "ended (" + reason + ")" : "stopped", usage.bytesSent(), usage.bytesReceived(),
              usage.path());
        })
        .recover(e -> {
          LOG.warn("device {}: end report of session {} not delivered: {}", bundle.deviceId(), sessionId,
              e.getMessage());
          return Future.succeededFuture();
        })
        .onComplete(v -> answering.remove(sessionId));
  }

  /** The device's LAN addresses with the keepalive port: up, not loopback, not link-local; at most four. */
  private static java.util.List<InetSocketAddress> lanEndpoints(int port, boolean ipv6) {
    java.util.List<InetSocketAddress> out = new java.util.ArrayList<>();
    try {
      for (java.net.NetworkInterface nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
          if (!a.isLinkLocalAddress() && !a.isLoopbackAddress() && (a instanceof java.net.Inet6Address) == ipv6
              && out.size() < 4) {
            out.add(new InetSocketAddress(a, port));
          }
        }
      }
    } catch (java.net.SocketException e) {
      LOG.debug("cannot list the network interfaces: {}", e.getMessage());
    }
    return out;
  }

  private void cancelTimers() {
    if (answerTimer >= 0) {
      vertx.cancelTimer(answerTimer);
      answerTimer = -1;
    }
    if (nextTimer >= 0) {
      vertx.cancelTimer(nextTimer);
      nextTimer = -1;
    }
  }
}
