package io.homeport.addresslist;

import io.homeport.device.DeviceRepository;
import io.homeport.device.DeviceState;
import io.homeport.event.DeviceEvent;
import io.homeport.event.EventPublisher;
import io.homeport.presence.PresenceDirectory;
import io.homeport.refusal.Refusal;
import io.homeport.wake.RequestedWakes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wakes of DESIGN 4: application wakes (an operator or an application asks a device to call the
 * application server it names; retransmitted until the device acknowledges or the wake's time is up)
 * and the wakes of an urgent publication (every online device it changes is woken with reason
 * address-list and fetches its list). The device reports how its call went; both outcomes are events.
 */
public final class ApplicationWakes implements AddressListListener {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationWakes.class);
  /** An application wake's time when the caller gives none. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
  /** The longest an application wake is retransmitted: a device away longer is the caller's to retry. */
  public static final Duration MAX_TTL = Duration.ofHours(24);

  /**
   * Tells the other nodes of a cluster of application wakes asked for and acknowledged here (DESIGN 7):
   * each node holds the wake, so whichever node holds the device, or takes it over, sends it.
   */
  public interface Sharing {
    Sharing NONE = new Sharing() {
      @Override
      public void requested(String deviceId, String applicationServer, long expiresAtMillis) {}

      @Override
      public void acknowledged(String deviceId, String applicationServer) {}
    };

    void requested(String deviceId, String applicationServer, long expiresAtMillis);

    void acknowledged(String deviceId, String applicationServer);
  }

  /** What the caller learns: the wake is held until {@code expiresAt}; {@code online} says whether it left at once. */
  public record Requested(String deviceId, String applicationServer, Instant expiresAt, boolean online) {}

  private final Vertx vertx;
  private final RequestedWakes requested;
  private final DeviceRepository devices;
  private final PresenceDirectory presence;
  private final AddressListService lists;
  private final Consumer<String> wake;
  private final EventPublisher events;
  private final Clock clock;
  private volatile Sharing sharing = Sharing.NONE;
  private final java.util.function.Predicate<String> onlineAnywhere;
  /** Application wakes by outcome, for the metrics. */
  private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> outcomes = java.util.Map.of(
      "requested", new java.util.concurrent.atomic.LongAdder(), "succeeded", new java.util.concurrent.atomic.LongAdder(),
      "failed", new java.util.concurrent.atomic.LongAdder(), "expired", new java.util.concurrent.atomic.LongAdder());

  /** The outcomes {@link #count} knows. */
  public static final List<String> OUTCOMES = List.of("requested", "succeeded", "failed", "expired");

  /**
   * @param presence this node's devices (an urgent publication wakes those it holds)
   * @param onlineAnywhere whether the device is online at any node (what a caller is told)
   * @param wake asks the beacon to wake the device now (it sends the wake if the device is online)
   */
  public ApplicationWakes(Vertx vertx, RequestedWakes requested, DeviceRepository devices, PresenceDirectory presence,
      java.util.function.Predicate<String> onlineAnywhere, AddressListService lists, Consumer<String> wake,
      EventPublisher events, Clock clock) {
    this.onlineAnywhere = onlineAnywhere;
    this.vertx = vertx;
    this.requested = requested;
    this.devices = devices;
    this.presence = presence;
    this.lists = lists;
    this.wake = wake;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Asks the enrolled device to call {@code applicationServer}; replaces an earlier request for it.
   *
   * @return fails with {@code invalid-field} (id, ttl), {@code device-not-found}, {@code device-not-enrolled}
   */
  public Future<Requested> request(String deviceId, String applicationServer, Duration ttl) {
    try {
      AddressListRules.checkId(applicationServer);
      if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
        throw new Refusal.Invalid("invalid-field", "ttl must be above 0 and at most " + MAX_TTL.toHours() + "h", "ttl");
      }
    } catch (Refusal e) {
      return Future.failedFuture(e);
    }
    return devices.findById(deviceId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new Refusal.NotFound("device-not-found", "no device with id '" + deviceId + "'"));
      }
      if (found.get().state() != DeviceState.ENROLLED) {
        return Future.failedFuture(new Refusal.Conflict("device-not-enrolled",
            "device '" + deviceId + "' is " + found.get().state().wireName() + ": only an enrolled device can be woken"));
      }
      Instant expiresAt = clock.instant().plus(ttl);
      RequestedWakes.ApplicationWake w = requested.requestApplication(deviceId, applicationServer, expiresAt.toEpochMilli());
      vertx.setTimer(Math.max(1, ttl.toMillis()), id -> expire(deviceId, w));
      sharing.requested(deviceId, applicationServer, expiresAt.toEpochMilli());
      boolean online = onlineAnywhere.test(deviceId);
      LOG.info("device {}: application wake for {} until {}{}", deviceId, applicationServer, expiresAt,
          online ? "" : " (offline: sent when it comes online)");
      wake.accept(deviceId);
      outcomes.get("requested").increment();
      return Future.succeededFuture(new Requested(deviceId, applicationServer, expiresAt, online));
    });
  }

  public void sharing(Sharing sharing) {
    this.sharing = sharing;
  }

  /**
   * Another node of the cluster was asked for this wake: held here too until it is acknowledged anywhere
   * or its time is up (silently: the node that was asked reports the expiry), and sent if this node holds
   * the device.
   */
  public void heldElsewhere(String deviceId, String applicationServer, long expiresAtMillis) {
    long left = expiresAtMillis - clock.millis();
    if (left <= 0) {
      return;
    }
    RequestedWakes.ApplicationWake w = requested.requestApplication(deviceId, applicationServer, expiresAtMillis);
    vertx.setTimer(left, id -> requested.expire(deviceId, w));
    wake.accept(deviceId);
  }

  /** The device acknowledged a wake at this node's beacon: the work it was for is done or under way. */
  public void acknowledged(String deviceId, io.homeport.stun.StunAttributes.WakeReason reason, String applicationServer) {
    requested.acknowledged(deviceId, reason, applicationServer);
    if (reason == io.homeport.stun.StunAttributes.WakeReason.APPLICATION) {
      sharing.acknowledged(deviceId, applicationServer);
    }
  }

  /** The device acknowledged an application wake at another node's beacon. */
  public void acknowledgedElsewhere(String deviceId, String applicationServer) {
    requested.acknowledged(deviceId, io.homeport.stun.StunAttributes.WakeReason.APPLICATION, applicationServer);
  }

  private void expire(String deviceId, RequestedWakes.ApplicationWake w) {
    if (requested.expire(deviceId, w)) {
      outcomes.get("expired").increment();
      LOG.info("device {}: application wake for {} expired unacknowledged", deviceId, w.applicationServer());
      events.publish(new DeviceEvent.ApplicationFailed(deviceId, clock.instant(), w.applicationServer(), "wake-expired",
          "the device did not acknowledge the wake before it expired"));
    }
  }

  /**
   * The device's report of its call to an application server.
   *
   * @param reason for a failure, a short machine-readable reason ({@code not-listed}, {@code tls-pin-mismatch}, ...)
   */
  public void reported(String deviceId, String applicationServer, boolean succeeded, String reason, String detail) {
    outcomes.get(succeeded ? "succeeded" : "failed").increment();
    if (succeeded) {
      LOG.info("device {} called application server {}", deviceId, applicationServer);
      events.publish(new DeviceEvent.ApplicationWoken(deviceId, clock.instant(), applicationServer));
    } else {
      LOG.warn("device {} could not call application server {}: {} {}", deviceId, applicationServer, reason, detail);
      events.publish(new DeviceEvent.ApplicationFailed(deviceId, clock.instant(), applicationServer, reason, detail));
    }
  }

  /** Application wakes so far with this outcome (one of {@link #OUTCOMES}). */
  public long count(String outcome) {
    return outcomes.get(outcome).sum();
  }

  /** The device fetched its address list: an urgent wake has done its job. */
  public void addressListFetched(String deviceId) {
    requested.addressListFetched(deviceId);
  }

  /** An urgent publication: every online device whose list it changes is woken (reason address-list). */
  @Override
  public void published(AddressListPublication publication) {
    vertx.runOnContext(v -> {
      List<String> affected = presence.onlineDevices().stream().filter(d -> lists.touches(publication, d)).toList();
      requested.urgentAddressList(affected);
      affected.forEach(wake);
      LOG.info("urgent address list {} version {}: waking {} online device(s)", publication.scope(),
          publication.version(), affected.size());
    });
  }
}
