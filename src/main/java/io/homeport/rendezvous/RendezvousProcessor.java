package io.homeport.rendezvous;

import io.homeport.config.HomeportConfig;
import io.homeport.device.Device;
import io.homeport.device.DeviceRepository;
import io.homeport.event.EventPublisher;
import io.homeport.event.SessionEvent;
import io.homeport.lifecycle.Lifecycle;
import io.homeport.peer.PeerKeys;
import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brokers peer sessions (DESIGN 5; seeds 002/003 and 004): judges requests by the target's permission
 * list or by asking the target, hands both devices offers with one id, key and expiry, grants
 * extensions, ends sessions (by a device, an operator or the clock) and keeps the session log.
 *
 * <p>Nothing about a target is disclosed before consent: unknown, offline, not permitted, rejected and
 * unanswered all give the requester the same {@link Refused}; the log and the events carry the reason.
 *
 * <p>Plain Java: the store, devices, presence, wakes and clock come in through ports, and a caller
 * drives {@link #sweep} (expiry, consent deadlines, request waits). Thread-safe: the live sessions are
 * guarded by this object's lock, which is never held across a store call; the transitions of one
 * session run one after the other, each writing the log before it changes anything in memory, so what
 * devices are told is always what the log holds.
 */
public final class RendezvousProcessor implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(RendezvousProcessor.class);
  /**
   * A final session is kept in memory this long for the notices its devices have not fetched (a device
   * offline for longer stops the session by itself at its expiry).
   */
  static final Duration NOTICE_RETENTION = Duration.ofHours(1);
  static final int KEY_BYTES = 32;

  /** Where devices are: candidates for offers, and whether a target can be asked at all. */
  public interface Peers {
    /** The device's public endpoint as the beacon observed it; null when it is offline. */
    InetSocketAddress publicAddress(String deviceId);

    /** The LAN endpoints the device reported in its keepalives; empty when none. */
    List<InetSocketAddress> lanEndpoints(String deviceId);
  }

  /** Finds a device by id, else by name (DESIGN 5: peers are named by either). */
  @FunctionalInterface
  public interface DeviceLookup {
    Future<Optional<Device>> find(String idOrName);

    /** The lookup on a device repository: the id first, then the name. */
    static DeviceLookup of(DeviceRepository devices) {
      return key -> devices.findById(key).compose(byId -> byId.isPresent() ? Future.succeededFuture(byId)
          : devices.findByName(key));
    }
  }

  /** Told when a device has session news (its pending flag is set already): wake it, answer its held hello. */
  @FunctionalInterface
  public interface Notifier {
    void news(String deviceId);
  }

  /** What the requester is answered. */
  public sealed interface Outcome {
    String sessionId();
  }

  /** Established: the requester's offer. */
  public record Offered(String sessionId, SessionNotice.Offer offer) implements Outcome {}

  /** Not established, for whatever reason. */
  public record Refused(String sessionId) implements Outcome {}

  /** The target has not answered within the request's wait; the outcome comes in a later hello. */
  public record Waiting(String sessionId) implements Outcome {}

  /** A session the processor still has something to do or to tell about. */
  private static final class Live {
    Session session;
    /** The period the requester asked for (or the default), until consent establishes the session. */
    Duration period;
    Duration cap;
    /** The requester's request while it waits for consent. */
    Promise<Outcome> waiter;
    Instant waitUntil;
    /** The requester was answered {@link Waiting}: a refusal must reach it in a hello. */
    boolean tellRefusal;
    /** A sweep has queued the expiry or the consent timeout. */
    boolean closing;
    /** The transitions of this session, one after the other. */
    Future<?> chain = Future.succeededFuture();

    Live(Session session) {
      this.session = session;
    }
  }

  /** Request counts of one device in the current minute. */
  private static final class Window {
    long start;
    int count;
  }

  private final SessionRepository sessions;
  private final PermissionRepository permissions;
  private final DeviceLookup devices;
  private final Peers peers;
  private final Notifier notifier;
  private final PendingSessions pending;
  private final EventPublisher events;
  private final Clock clock;
  private final HomeportConfig.Sessions settings;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Live> live = new HashMap<>();
  /** Device id to the sessions it has notices of. */
  private final Map<String, Set<String>> byDevice = new HashMap<>();
  private final Map<String, Window> requests = new HashMap<>();
  private final List<SessionListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.function.Supplier<InetSocketAddress> relay;
  private final TurnIssuer turn;

  public RendezvousProcessor(SessionRepository sessions, PermissionRepository permissions, DeviceLookup devices,
      Peers peers, Notifier notifier, PendingSessions pending, EventPublisher events, Clock clock,
      HomeportConfig.Sessions settings, java.util.function.Supplier<InetSocketAddress> relay, TurnIssuer turn) {
    this.relay = relay;
    this.turn = turn;
    this.sessions = sessions;
    this.permissions = permissions;
    this.devices = devices;
    this.peers = peers;
    this.notifier = notifier;
    this.pending = pending;
    this.events = events;
    this.clock = clock;
    this.settings = settings;
  }

  public void addListener(SessionListener listener) {
    listeners.add(listener);
  }

  public void removeListener(SessionListener listener) {
    listeners.remove(listener);
  }

  /** Picks up the sessions that were requested or established when the server stopped. */
  @Override
  public Future<Void> start() {
    return sessions.live().map(found -> {
      synchronized (this) {
        for (Session s : found) {
          Live l = new Live(s);
          l.period = settings.defaultDuration();
          l.cap = settings.maxDuration();
          live.put(s.id(), l);
          index(s);
        }
      }
      found.forEach(s -> {
        listeners.forEach(l -> l.changed(null, s));
        tellBoth(s);
      });
      if (!found.isEmpty()) {
        LOG.info("picked up {} live session(s) from the session log", found.size());
      }
      return null;
    });
  }

  /**
   * A device asks for a session with {@code peer} (a device id or name).
   *
   * @param duration the period asked for; null for {@code sessions.defaultDuration}
   * @param wait how long to hold the answer for a target's consent
   * @return the outcome; fails with {@link Refusal.TooMany} when the requester asks too often, and with
   *     {@link Refusal.Invalid} when it names itself
   */
  public Future<Outcome> request(String requesterId, String peer, Duration duration, Duration wait) {
    Instant now = now();
    if (!admit(requesterId, now.toEpochMilli())) {
      LOG.info("device {}: session request refused: more than {} requests in a minute", requesterId,
          settings.requestsPerMinute());
      return Future.failedFuture(new Refusal.TooMany("too-many-session-requests",
          "at most " + settings.requestsPerMinute() + " session requests per minute", 60));
    }
    String id = UUID.randomUUID().toString();
    return devices.find(requesterId).compose(requester -> devices.find(peer).compose(target -> {
      String requesterName = requester.map(Device::name).orElse(null);
      if (target.isEmpty()) {
        return refuseNew(Session.requested(id, requesterId, requesterName, peer, null, null, null, now, null),
            "unknown-peer");
      }
      Device t = target.get();
      if (t.id().equals(requesterId)) {
        return Future.failedFuture(new Refusal.Invalid("invalid-field", "a device cannot open a session to itself",
            "peer"));
      }
      return permissions.find(t.id()).compose(found -> {
        PermissionList list = found.orElse(PermissionList.NONE);
        Duration cap = list.maxDuration() == null || list.maxDuration().compareTo(settings.maxDuration()) > 0
            ? settings.maxDuration() : list.maxDuration();
        Duration asked = duration == null ? settings.defaultDuration() : duration;
        Duration period = asked.compareTo(cap) > 0 ? cap : asked;
        boolean askDevice = list.mode() == PermissionList.Mode.DEVICE;
        Session base = Session.requested(id, requesterId, requesterName, peer, t.id(), t.name(), list.mode(), now,
            askDevice ? now.plus(settings.consentTimeout()) : null);
        if (peers.publicAddress(t.id()) == null) {
          return refuseNew(base, "peer-offline");
        }
        if (!askDevice) {
          return list.allow().contains(requesterId)
              ? establishNew(base, period, cap, now)
              : refuseNew(base, "not-permitted");
        }
        return askConsent(base, period, cap, wait);
      });
    }));
  }

  /** The target answers a consent request. */
  public Future<Session> consent(String deviceId, String sessionId, boolean accept) {
    return onLive(deviceId, sessionId, l -> {
      Session s = l.session;
      if (s.roleOf(deviceId) != SessionRole.TARGET || s.state() != SessionState.REQUESTED) {
        return Future.failedFuture(s.roleOf(deviceId) != SessionRole.TARGET ? notFound(sessionId)
            : new Refusal.Conflict("session-not-requested", "session " + sessionId + " is " + s.state().wireName()
                + ", not waiting for consent"));
      }
      return accept ? establish(l, now()) : reject(l, "consent-rejected", now());
    });
  }

  /**
   * One side asks for more time: granted from {@code sessions.extendAfter} of the current period on,
   * by one period, up to the session's limit; both sides learn the new expiry.
   */
  public Future<Session> extend(String deviceId, String sessionId) {
    return onLive(deviceId, sessionId, l -> {
      Session s = l.session;
      SessionRole role = s.roleOf(deviceId);
      if (role == null) {
        return Future.failedFuture(notFound(sessionId));
      }
      if (s.state() != SessionState.ESTABLISHED) {
        return Future.failedFuture(notActive(s));
      }
      Instant now = now();
      long periodMillis = Duration.between(s.periodStart(), s.expiresAt()).toMillis();
      Instant from = s.periodStart().plusMillis((long) Math.ceil(periodMillis * settings.extendAfter()));
      if (now.isBefore(from)) {
        return Future.failedFuture(new Refusal.Conflict("extension-too-early",
            "session " + sessionId + " can be extended from " + from + " on (" + Math.round(settings.extendAfter() * 100)
                + "% of its current period)"));
      }
      if (!s.expiresAt().isBefore(s.limit())) {
        return Future.failedFuture(new Refusal.Conflict("extension-refused",
            "session " + sessionId + " has reached its maximum duration; it ends at " + s.expiresAt()));
      }
      Session next = s.extended(now);
      return write(l, next, SessionState.ESTABLISHED).map(done -> {
        publishBoth(done, (r, dev, peer) -> new SessionEvent.Extended(dev, now, done.id(), r.wireName(), peer,
            done.expiresAt(), role.wireName()));
        LOG.info("session {}: extended by {} to {}", done.id(), role.wireName(), done.expiresAt());
        tell(done.peerOf(role));
        return done;
      });
    });
  }

  /**
   * One side ends the session, or reports its end after it was told of it; the other side is told.
   * Each side reports once.
   */
  public Future<Session> end(String deviceId, String sessionId, EndReport report) {
    return onSession(deviceId, sessionId, (l, s) -> {
      SessionRole role = s.roleOf(deviceId);
      if (role == null) {
        return Future.failedFuture(notFound(sessionId));
      }
      if (s.state() == SessionState.ESTABLISHED) {
        Session next = s.ended(report.reason(), role.wireName(), null, report.at()).reported(role, report);
        return write(l, next, SessionState.ESTABLISHED).map(done -> {
          publishEnded(done);
          tell(done.peerOf(role));
          return done;
        });
      }
      if (s.state() != SessionState.ENDED) {
        return Future.failedFuture(new Refusal.Conflict("session-not-established",
            "session " + sessionId + " is " + s.state().wireName() + "; only an established session can end"));
      }
      if (s.reportOf(role) != null) {
        return Future.failedFuture(new Refusal.Conflict("session-already-reported",
            "this device already reported the end of session " + sessionId));
      }
      return write(l, s.reported(role, report), SessionState.ENDED);
    });
  }

  /** Records the relay's own byte count for the session (when its allocation closed). */
  public Future<Session> relayed(String sessionId, long bytes) {
    return onSession(null, sessionId, (l, s) -> write(l, s.relayed(bytes), s.state()));
  }

  /** An operator ends an established session: both devices get an end order. */
  public Future<Session> forceEnd(String sessionId, String operatorSubject) {
    return onSession(null, sessionId, (l, s) -> {
      if (s.state() != SessionState.ESTABLISHED) {
        return Future.failedFuture(notActive(s));
      }
      Session next = s.ended("operator", "operator", operatorSubject, now());
      return write(l, next, SessionState.ESTABLISHED).map(done -> {
        LOG.info("session {}: ended by operator {}", done.id(), operatorSubject);
        publishEnded(done);
        tellBoth(done);
        return done;
      });
    });
  }

  /**
   * The device was revoked or deleted: its established sessions end ({@code device-revoked}, by the
   * server; the peer is told) and its pending requests are refused.
   */
  public void deviceRevoked(String deviceId) {
    List<Live> concerned = new ArrayList<>();
    synchronized (this) {
      for (Live l : live.values()) {
        if (l.session.roleOf(deviceId) != null && !l.session.state().isFinal()) {
          concerned.add(l);
        }
      }
    }
    for (Live l : concerned) {
      serially(l, () -> switch (l.session.state()) {
        case ESTABLISHED -> write(l, l.session.ended("device-revoked", "server", null, now()), SessionState.ESTABLISHED)
            .map(done -> {
              publishEnded(done);
              tellBoth(done);
              return done;
            });
        case REQUESTED -> reject(l, "device-revoked", now());
        default -> Future.succeededFuture(l.session);
      }).onFailure(e -> LOG.warn("session {}: could not end it after device {} was revoked: {}", l.session.id(),
          deviceId, e.getMessage()));
    }
  }

  /** A session of the log, current as the log holds it. */
  public Future<Optional<Session>> find(String sessionId) {
    return sessions.find(sessionId);
  }

  public Future<List<Session>> list(SessionQuery query) {
    return sessions.list(query);
  }

  /**
   * Everything the device should know about its sessions now, for its hello answer; clears its pending
   * flag first, so news arriving meanwhile sets it again. A refusal is told once.
   */
  public synchronized List<SessionNotice> take(String deviceId) {
    pending.clear(deviceId);
    Set<String> ids = byDevice.get(deviceId);
    if (ids == null) {
      pending.held(deviceId, false);
      return List.of();
    }
    List<SessionNotice> notices = new ArrayList<>();
    for (Iterator<String> it = ids.iterator(); it.hasNext(); ) {
      Live l = live.get(it.next());
      Session s = l == null ? null : l.session;
      SessionRole role = s == null ? null : s.roleOf(deviceId);
      if (role == null) {
        it.remove();
        continue;
      }
      switch (s.state()) {
        case REQUESTED -> {
          if (role == SessionRole.TARGET) {
            notices.add(new SessionNotice.ConsentRequest(s.id(), s.requesterId(), s.requesterName(), s.consentDeadline()));
          }
        }
        case ESTABLISHED -> notices.add(offer(s, role));
        case ENDED -> {
          if (s.reportOf(role) == null) {
            notices.add(new SessionNotice.End(s.id(), s.reason(), s.endedBy()));
          } else {
            it.remove();
          }
        }
        case REJECTED -> {
          if (role == SessionRole.REQUESTER && l.tellRefusal) {
            notices.add(new SessionNotice.Refused(s.id()));
            l.tellRefusal = false;
          }
          it.remove();
        }
      }
    }
    if (ids.isEmpty()) {
      byDevice.remove(deviceId);
    }
    pending.held(deviceId, !notices.isEmpty());
    return notices;
  }

  /** The device's offer of an established session it is part of (after an extension, with the new expiry). */
  public SessionNotice.Offer offerFor(Session s, String deviceId) {
    return offer(s, s.roleOf(deviceId));
  }

  /**
   * Ends expired sessions, refuses requests whose consent deadline passed, answers requests whose wait
   * is over with {@link Waiting}, and forgets final sessions with nothing left to tell. Called about
   * every quarter second.
   */
  public void sweep() {
    Instant now = now();
    List<Runnable> due = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Live> it = live.values().iterator(); it.hasNext(); ) {
        Live l = it.next();
        Session s = l.session;
        if (l.waiter != null && !now.isBefore(l.waitUntil)) {
          Promise<Outcome> w = l.waiter;
          l.waiter = null;
          l.tellRefusal = true;
          due.add(() -> w.tryComplete(new Waiting(s.id())));
        }
        if (s.state() == SessionState.ESTABLISHED && !l.closing && !now.isBefore(s.expiresAt())) {
          l.closing = true;
          due.add(() -> serially(l, () -> expire(l)));
        } else if (s.state() == SessionState.REQUESTED && !l.closing && s.consentDeadline() != null
            && !now.isBefore(s.consentDeadline())) {
          l.closing = true;
          due.add(() -> serially(l, () -> l.session.state() == SessionState.REQUESTED
              ? reject(l, "consent-timeout", now()) : Future.succeededFuture()));
        } else if (s.state().isFinal() && (nothingToTell(l) || !now.isBefore(s.endedAt().plus(NOTICE_RETENTION)))) {
          it.remove();
          unindex(s);
        }
      }
      long minuteAgo = now.toEpochMilli() - 60_000;
      requests.values().removeIf(w -> w.start <= minuteAgo);
    }
    due.forEach(Runnable::run);
  }

  /** Sessions established and not ended now. */
  public synchronized int active() {
    return established().size();
  }

  /** The sessions established and not ended now (those picked up at start included). */
  public synchronized List<Session> established() {
    List<Session> out = new ArrayList<>();
    for (Live l : live.values()) {
      if (l.session.state() == SessionState.ESTABLISHED) {
        out.add(l.session);
      }
    }
    return out;
  }

  private Future<Session> expire(Live l) {
    Session s = l.session;
    if (s.state() != SessionState.ESTABLISHED) {
      return Future.succeededFuture(s);
    }
    return write(l, s.ended("expired", "server", null, now()), SessionState.ESTABLISHED).map(done -> {
      LOG.info("session {}: expired at {}", done.id(), done.expiresAt());
      publishEnded(done);
      tellBoth(done);
      return done;
    });
  }

  /** Now, at the millisecond precision the session log keeps, so that what devices are told survives a restart unchanged. */
  private Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /** Stores a request refused at once; the requester is answered {@link Refused}. */
  private Future<Outcome> refuseNew(Session base, String reason) {
    Session rejected = base.rejected(reason, base.requestedAt());
    return sessions.insert(rejected).map(v -> {
      publishBoth(rejected, (r, dev, peer) -> new SessionEvent.Requested(dev, base.requestedAt(), base.id(),
          r.wireName(), peer, modeName(base)));
      publishRejected(rejected);
      return new Refused(rejected.id());
    });
  }

  /** Stores a request the server's list admits as established, and tells both sides. */
  private Future<Outcome> establishNew(Session base, Duration period, Duration cap, Instant now) {
    Session established = base.established(newKey(), period, now.plus(cap), now);
    return sessions.insert(established).map(v -> {
      listeners.forEach(listener -> listener.changed(null, established));
      Live l = new Live(established);
      synchronized (this) {
        live.put(established.id(), l);
        index(established);
      }
      publishBoth(established, (r, dev, peer) -> new SessionEvent.Requested(dev, now, base.id(), r.wireName(), peer,
          modeName(base)));
      publishEstablished(established, now);
      tellBoth(established);
      return new Offered(established.id(), offer(established, SessionRole.REQUESTER));
    });
  }

  /** Stores the request, asks the target (wake, consent request in its hello) and waits up to {@code wait}. */
  private Future<Outcome> askConsent(Session base, Duration period, Duration cap, Duration wait) {
    return sessions.insert(base).compose(v -> {
      Live l = new Live(base);
      l.period = period;
      l.cap = cap;
      Promise<Outcome> answer = Promise.promise();
      synchronized (this) {
        if (wait.isZero()) {
          l.tellRefusal = true;
        } else {
          l.waiter = answer;
          l.waitUntil = base.requestedAt().plus(wait);
        }
        live.put(base.id(), l);
        index(base);
      }
      publishBoth(base, (r, dev, peer) -> new SessionEvent.Requested(dev, base.requestedAt(), base.id(), r.wireName(),
          peer, modeName(base)));
      LOG.info("session {}: asking device {} whether {} may connect (until {})", base.id(), base.targetId(),
          base.requesterId(), base.consentDeadline());
      tell(base.targetId());
      return wait.isZero() ? Future.succeededFuture(new Waiting(base.id())) : answer.future();
    });
  }

  private Future<Session> establish(Live l, Instant now) {
    Session next = l.session.established(newKey(), l.period, now.plus(l.cap), now);
    return write(l, next, SessionState.REQUESTED).map(done -> {
      publishEstablished(done, now);
      Promise<Outcome> w = takeWaiter(l);
      if (w != null) {
        w.tryComplete(new Offered(done.id(), offer(done, SessionRole.REQUESTER)));
      }
      tellBoth(done);
      return done;
    });
  }

  private Future<Session> reject(Live l, String reason, Instant now) {
    return write(l, l.session.rejected(reason, now), SessionState.REQUESTED).map(done -> {
      publishRejected(done);
      Promise<Outcome> w = takeWaiter(l);
      if (w != null) {
        w.tryComplete(new Refused(done.id()));
      } else {
        tell(done.requesterId());
      }
      tell(done.targetId()); // its consent request is gone
      return done;
    });
  }

  private synchronized Promise<Outcome> takeWaiter(Live l) {
    Promise<Outcome> w = l.waiter;
    l.waiter = null;
    if (w == null) {
      l.tellRefusal = true;
    }
    return w;
  }

  /** Writes the transition to the log, then makes it the live state; refuses when the log moved on. */
  private Future<Session> write(Live l, Session next, SessionState expected) {
    return sessions.update(next, expected).compose(updated -> {
      if (!updated) {
        return Future.failedFuture(new Refusal.Conflict("session-changed",
            "session " + next.id() + " changed meanwhile; nothing was done"));
      }
      Session previous = l == null ? null : l.session;
      if (l != null) {
        synchronized (this) {
          l.session = next;
          index(next);
        }
      }
      listeners.forEach(listener -> listener.changed(previous, next));
      return Future.succeededFuture(next);
    });
  }

  /** Runs {@code op} on the live session after its earlier transitions, if the device may see it. */
  private <T> Future<T> onLive(String deviceId, String sessionId, Function<Live, Future<T>> op) {
    Live l;
    synchronized (this) {
      l = live.get(sessionId);
    }
    if (l == null) {
      return sessions.find(sessionId).compose(s -> Future.failedFuture(s.isPresent() && s.get().roleOf(deviceId) != null
          ? notActive(s.get()) : notFound(sessionId)));
    }
    return serially(l, () -> op.apply(l));
  }

  /**
   * Runs {@code op} on the session: the live one after its earlier transitions, or the one in the log
   * (with a null {@link Live}) once memory has forgotten it. {@code deviceId} null means an operator.
   */
  private Future<Session> onSession(String deviceId, String sessionId, java.util.function.BiFunction<Live, Session,
      Future<Session>> op) {
    Live l;
    synchronized (this) {
      l = live.get(sessionId);
    }
    if (l != null) {
      return serially(l, () -> op.apply(l, l.session));
    }
    return sessions.find(sessionId).compose(s -> s.isEmpty() || (deviceId != null && s.get().roleOf(deviceId) == null)
        ? Future.failedFuture(notFound(sessionId)) : op.apply(null, s.get()));
  }

  @SuppressWarnings("unchecked")
  private <T> Future<T> serially(Live l, java.util.function.Supplier<Future<T>> op) {
    synchronized (this) {
      Future<T> next = l.chain.transform(ignored -> op.get());
      l.chain = next;
      return next;
    }
  }

  private SessionNotice.Offer offer(Session s, SessionRole role) {
    String peerId = s.peerOf(role);
    List<SessionNotice.Candidate> candidates = new ArrayList<>();
    InetSocketAddress observed = peers.publicAddress(peerId);
    if (observed != null) {
      candidates.add(new SessionNotice.Candidate(SessionNotice.Candidate.PUBLIC, observed));
    }
    for (InetSocketAddress lan : peers.lanEndpoints(peerId)) {
      candidates.add(new SessionNotice.Candidate(SessionNotice.Candidate.LAN, lan));
    }
    InetSocketAddress relayAt = relay.get();
    SessionNotice.RelayGrant grant = relayAt == null ? null : new SessionNotice.RelayGrant(relayAt,
        PeerKeys.relayToken(s.id(), s.key(), role == SessionRole.REQUESTER));
    // TURN credentials are issued afresh with every notice, valid until the session's expiry: after the end
    // there are no more notices, so none are renewed
    return new SessionNotice.Offer(s.id(), s.key(), s.expiresAt(), role, peerId,
        role == SessionRole.REQUESTER ? s.targetName() : s.requesterName(), List.copyOf(candidates), grant,
        turn.issue(s.id(), s.expiresAt(), clock.instant()));
  }

  /** Marks the device's news pending and has it woken (its next hello fetches the news). */
  private void tell(String deviceId) {
    pending.mark(deviceId);
    notifier.news(deviceId);
  }

  private void tellBoth(Session s) {
    tell(s.requesterId());
    if (s.targetId() != null) {
      tell(s.targetId());
    }
  }

  /** Records which devices have notices of the session. */
  private void index(Session s) {
    byDevice.computeIfAbsent(s.requesterId(), k -> new LinkedHashSet<>()).add(s.id());
    if (s.targetId() != null) {
      byDevice.computeIfAbsent(s.targetId(), k -> new LinkedHashSet<>()).add(s.id());
    }
  }

  private void unindex(Session s) {
    for (String device : new String[] {s.requesterId(), s.targetId()}) {
      Set<String> ids = device == null ? null : byDevice.get(device);
      if (ids != null && ids.remove(s.id()) && ids.isEmpty()) {
        byDevice.remove(device);
      }
    }
  }

  /** A final session with no end report and no refusal left to hand out. */
  private static boolean nothingToTell(Live l) {
    Session s = l.session;
    if (s.state() == SessionState.REJECTED) {
      return !l.tellRefusal && l.waiter == null;
    }
    return s.requesterReport() != null && (s.targetId() == null || s.targetReport() != null);
  }

  private synchronized boolean admit(String requesterId, long nowMillis) {
    Window w = requests.computeIfAbsent(requesterId, k -> new Window());
    if (nowMillis - w.start >= 60_000) {
      w.start = nowMillis;
      w.count = 0;
    }
    return ++w.count <= settings.requestsPerMinute();
  }

  private byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return key;
  }

  @FunctionalInterface
  private interface PerSide {
    SessionEvent event(SessionRole role, String deviceId, String peerId);
  }

  /** Publishes one event per device the session concerns (the requester, and the target when there is one). */
  private void publishBoth(Session s, PerSide event) {
    events.publish(event.event(SessionRole.REQUESTER, s.requesterId(), s.targetId()));
    if (s.targetId() != null) {
      events.publish(event.event(SessionRole.TARGET, s.targetId(), s.requesterId()));
    }
  }

  private void publishEstablished(Session s, Instant now) {
    LOG.info("session {}: established between {} and {} until {}", s.id(), s.requesterId(), s.targetId(),
        s.expiresAt());
    publishBoth(s, (r, dev, peer) -> new SessionEvent.Established(dev, now, s.id(), r.wireName(), peer, s.expiresAt()));
  }

  private void publishRejected(Session s) {
    LOG.info("session {}: request of {} for '{}' refused: {}", s.id(), s.requesterId(), s.peer(), s.reason());
    publishBoth(s, (r, dev, peer) -> new SessionEvent.Rejected(dev, s.endedAt(), s.id(), r.wireName(), peer,
        s.reason()));
  }

  private void publishEnded(Session s) {
    LOG.info("session {}: ended by {} ({})", s.id(), s.endedBy(), s.reason());
    publishBoth(s, (r, dev, peer) -> new SessionEvent.Ended(dev, s.endedAt(), s.id(), r.wireName(), peer, s.reason(),
        s.endedBy()));
  }

  private static String modeName(Session s) {
    return s.mode() == null ? null : s.mode().wireName();
  }

  private static Refusal notFound(String sessionId) {
    return new Refusal.NotFound("session-not-found", "no session with id '" + sessionId + "' for this device");
  }

  private static Refusal notActive(Session s) {
    return new Refusal.Conflict("session-not-active", "session " + s.id() + " is " + s.state().wireName());
  }
}
