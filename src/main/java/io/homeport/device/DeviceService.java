package io.homeport.device;

import io.homeport.lifecycle.Lifecycle;
import io.homeport.refusal.Refusal;

import io.homeport.event.DeviceEvent;
import io.homeport.event.EventPublisher;
import io.homeport.pki.CertificateAuthority;
import io.homeport.pki.DeviceCsr;
import io.homeport.pki.InvalidCsrException;
import io.homeport.pki.IssuedCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device life cycle: creation with a one-time enrollment token, enrollment from a CSR, revocation and
 * deletion. Each change is stored first; only then are the in-memory {@link DeviceKeyring} and the
 * event stream updated, so nothing refused by the store is ever visible.
 */
public final class DeviceService implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceService.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  public static final int BEACON_KEY_LENGTH = 32;

  /**
   * An operator's request for a new device; every field is optional.
   *
   * @param groups the groups to put it into; null or empty for none
   */
  public record NewDevice(String id, String name, String vendor, String metadataJson, Set<String> groups) {
    public NewDevice(String id, String name, String vendor, String metadataJson) {
      this(id, name, vendor, metadataJson, null);
    }
  }

  /** A device and the enrollment token to hand to it. */
  public record WithToken(Device device, String enrollmentToken, Instant tokenExpiresAt) {}

  /** A completed enrollment: the device as stored and its new certificate. */
  public record Enrolled(Device device, IssuedCertificate certificate) {}

  private final Vertx vertx;
  private final DeviceRepository devices;
  private final DeviceKeyring keyring;
  private final DeviceGroups groups;
  private final CertificateAuthority ca;
  private final byte[] caPin;
  private final EventPublisher events;
  private final Clock clock;
  private final Duration tokenTtl;
  private final Duration certificateValidity;
  private final RevocationList revocationList;
  private final List<GroupsListener> groupsListeners = new CopyOnWriteArrayList<>();

  public DeviceService(Vertx vertx, DeviceRepository devices, DeviceKeyring keyring, DeviceGroups groups,
      CertificateAuthority ca, byte[] caPin, EventPublisher events, Clock clock, Duration tokenTtl,
      Duration certificateValidity) {
    this.vertx = vertx;
    this.groups = groups;
    this.devices = devices;
    this.keyring = keyring;
    this.ca = ca;
    this.caPin = caPin.clone();
    this.events = events;
    this.clock = clock;
    this.tokenTtl = tokenTtl;
    this.certificateValidity = certificateValidity;
    this.revocationList = new RevocationList(vertx, devices, ca, clock);
  }

  /** The device CA's revocation list, issued anew on every revocation, deletion and re-enrollment. */
  public RevocationList revocationList() {
    return revocationList;
  }

  /** The device CA's certificate: what application servers verify device certificates with (DESIGN 4). */
  public X509Certificate caCertificate() {
    return ca.caCertificate();
  }

  /** Fills the in-memory keyring and group membership from the store. */
  @Override
  public Future<Void> start() {
    return loadKeyring().compose(v -> loadGroups()).compose(v -> revocationList.start());
  }

  private Future<Void> loadKeyring() {
    return devices.listEnrolled().compose(enrolled -> devices.listRevokedIds().map(revoked -> {
      keyring.load(enrolled, revoked);
      LOG.info("loaded credentials of {} enrolled devices", enrolled.size());
      return null;
    }));
  }

  /** Fills the in-memory group membership from the store; call once before serving. */
  private Future<Void> loadGroups() {
    return devices.allGroups().map(all -> {
      groups.load(all);
      LOG.info("loaded groups of {} devices", all.size());
      return null;
    });
  }

  /** The in-memory group membership, kept current by this service. */
  public DeviceGroups groups() {
    return groups;
  }

  /** Adds a listener that hears every replacement of a device's groups from now on. */
  public void addGroupsListener(GroupsListener listener) {
    groupsListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public Future<WithToken> create(NewDevice request) {
    String id = request.id() == null ? DeviceIds.generate() : request.id();
    DeviceIds.checkId(id);
    if (request.name() != null) {
      DeviceIds.checkName(request.name());
    }
    Set<String> inGroups = request.groups() == null ? Set.of()
        : DeviceGroups.check(request.groups(), DeviceGroups.MAX_PER_DEVICE, "groups");
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Device device = Device.pending(id, request.name(), request.vendor(), request.metadataJson(), now);
    String token = EnrollmentTokens.create(id, caPin);
    EnrollmentToken stored = new EnrollmentToken(EnrollmentTokens.parse(token).hash(), id, now, now.plus(tokenTtl), null);
    return devices.create(device, stored, inGroups)
        .recover(e -> Future.failedFuture(e instanceof Refusal.Duplicate d
            ? new Refusal.Conflict("device-" + d.field() + "-taken", "a device with this " + d.field() + " already exists")
            : e))
        .map(v -> {
          groups.set(id, inGroups);
          LOG.info("device {} created, enrollment token valid until {}", id, stored.expiresAt());
          return new WithToken(device, token, stored.expiresAt());
        });
  }

  /** A new enrollment token for an existing device, e.g. to re-enroll after the device lost its bundle. */
  public Future<WithToken> issueEnrollmentToken(String id) {
    return get(id).compose(device -> {
      if (device.state() == DeviceState.REVOKED) {
        return Future.failedFuture(new Refusal.Gone("device-revoked", "device " + id + " is revoked"));
      }
      Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      String token = EnrollmentTokens.create(id, caPin);
      EnrollmentToken stored = new EnrollmentToken(EnrollmentTokens.parse(token).hash(), id, now, now.plus(tokenTtl), null);
      return devices.addToken(stored)
          .recover(e -> Future.failedFuture(e instanceof Refusal.NotFound ? notFound(id) : e))
          .map(v -> new WithToken(device, token, stored.expiresAt()));
    });
  }

  public Future<Device> get(String id) {
    return devices.findById(id).compose(d -> d.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound(id))));
  }

  /** Records the appliances the device reports hosting (it reports them in each hello). */
  public Future<Void> reportAppliances(String deviceId, List<HostedAppliance> appliances) {
    return devices.replaceAppliances(deviceId, appliances, clock.instant());
  }

  public Future<List<HostedAppliance>> appliances(String deviceId) {
    return devices.appliances(deviceId);
  }

  public Future<List<Device>> list(int offset, int limit) {
    return devices.list(offset, limit);
  }

  /**
   * Names the device, or removes its name (null). Set by an operator or by the device itself; names are
   * unique, and where a peer may be named by name or id, an id always wins.
   *
   * @return the device; fails with {@code invalid-device-name}, {@code device-name-taken} (nothing
   *     changed) or {@code device-not-found}
   */
  public Future<Device> rename(String id, String name) {
    try {
      if (name != null) {
        DeviceIds.checkName(name);
      }
    } catch (Refusal e) {
      return Future.failedFuture(e);
    }
    return devices.rename(id, name)
        .recover(e -> Future.failedFuture(e instanceof Refusal.NotFound ? notFound(id)
            : e instanceof Refusal.Duplicate ? new Refusal.Conflict("device-name-taken",
                "another device is named '" + name + "'", "name")
            : e))
        .onSuccess(d -> LOG.info("device {} now named {}", id, name == null ? "(none)" : "'" + name + "'"));
  }

  /**
   * Replaces the device's groups; scopes of tokens limited to groups see the change at once.
   *
   * @return the device; fails with {@code invalid-field} for bad names, {@code device-not-found}
   */
  public Future<Device> replaceGroups(String id, Set<String> newGroups) {
    Set<String> checked;
    try {
      checked = DeviceGroups.check(newGroups, DeviceGroups.MAX_PER_DEVICE, "groups");
    } catch (Refusal e) {
      return Future.failedFuture(e);
    }
    return devices.replaceGroups(id, checked)
        .recover(e -> Future.failedFuture(e instanceof Refusal.NotFound ? notFound(id) : e))
        .compose(v -> {
          groups.set(id, checked);
          LOG.info("device {} groups now {}", id, checked);
          return Future.join(groupsListeners.stream().map(l -> l.groupsChanged(id, checked)).toList())
              .transform(ignored -> get(id)); // a listener's failure is its own to report
        });
  }

  /**
   * Brings this node's in-memory view of one device (credentials in the keyring, its groups, the CRL) in step
   * with the store, after another node of a cluster enrolled, revoked or deleted it. Idempotent.
   */
  public Future<Void> refreshFromStore(String id) {
    return devices.findById(id).compose(found -> {
      if (found.isEmpty()) {
        keyring.removed(id);
        groups.removed(id);
      } else if (found.get().state() == DeviceState.REVOKED) {
        keyring.revoked(id);
      } else if (found.get().state() == DeviceState.ENROLLED) {
        keyring.enrolled(found.get());
        // the groups it was created with on another node
        return devices.groups(id).compose(g -> {
          groups.set(id, g);
          return revocationList.refresh();
        });
      }
      return revocationList.refresh();
    });
  }

  public Future<Device> revoke(String id) {
    return devices.revoke(id, clock.instant()).compose(d -> {
      if (d.isEmpty()) {
        return Future.failedFuture(notFound(id));
      }
      keyring.revoked(id);
      LOG.info("device {} revoked", id);
      events.publish(new DeviceEvent.Revoked(id, clock.instant(), false));
      return revocationList.refresh().map(d.get());
    });
  }

  public Future<Device> delete(String id) {
    return devices.delete(id, clock.instant()).compose(d -> {
      if (d.isEmpty()) {
        return Future.failedFuture(notFound(id));
      }
      keyring.removed(id);
      groups.removed(id);
      LOG.info("device {} deleted", id);
      // a deleted device's credentials are void just like a revoked one's
      events.publish(new DeviceEvent.Revoked(id, clock.instant(), true));
      return revocationList.refresh().map(d.get());
    });
  }

  /**
   * Enrolls a device: checks the one-time token, then the CSR, issues the certificate and a beacon
   * key, and stores them while consuming the token. Refusals change nothing.
   */
  public Future<Enrolled> enroll(String tokenText, String csrPem) {
    EnrollmentTokens.Parsed token;
    try {
      token = EnrollmentTokens.parse(tokenText);
    } catch (Refusal e) {
      return Future.failedFuture(e);
    }
    if (!MessageDigest.isEqual(token.caPin(), caPin)) {
      return Future.failedFuture(new Refusal.Invalid("enrollment-token-wrong-server",
          "the enrollment token was issued by another Homeport server (its CA pin does not match this server's CA)"));
    }
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    return devices.findToken(token.hash()).compose(found -> {
      if (found.isEmpty() || !found.get().deviceId().equals(token.deviceId())) {
        return Future.failedFuture(new Refusal.Unauthenticated("enrollment-token-unknown",
            "the enrollment token is not known to this server (never issued, or its device was deleted or revoked)"));
      }
      EnrollmentToken t = found.get();
      if (t.isUsed()) {
        return Future.failedFuture(new Refusal.Conflict("enrollment-token-used",
            "the enrollment token was already used at " + t.usedAt() + "; ask the operator for a new one"));
      }
      if (t.isExpiredAt(now)) {
        return Future.failedFuture(new Refusal.Gone("enrollment-token-expired",
            "the enrollment token expired at " + t.expiresAt() + "; ask the operator for a new one"));
      }
      // CSR verification and signing are CPU work: keep them off the event loop
      return vertx.<IssuedCertificate>executeBlocking(() -> issue(csrPem, t.deviceId()), false)
          .compose(cert -> store(token.hash(), t.deviceId(), now, cert));
    });
  }

  private IssuedCertificate issue(String csrPem, String deviceId) {
    DeviceCsr csr;
    try {
      csr = DeviceCsr.parsePem(csrPem);
    } catch (InvalidCsrException e) {
      throw new Refusal.Invalid("invalid-csr", "the CSR is not acceptable: " + e.getMessage());
    }
    if (!deviceId.equals(csr.commonName())) {
      throw new Refusal.Forbidden("csr-device-mismatch",
          "the CSR is for device '" + csr.commonName() + "' but the enrollment token is for device '" + deviceId + "'");
    }
    return ca.issueDeviceCertificate(csr, certificateValidity);
  }

  private Future<Enrolled> store(String tokenHash, String deviceId, Instant now, IssuedCertificate cert) {
    byte[] beaconKey = new byte[BEACON_KEY_LENGTH];
    RANDOM.nextBytes(beaconKey);
    Enrollment enrollment = new Enrollment(tokenHash, deviceId, now, cert.serialHex(), cert.notAfter(), beaconKey);
    return devices.enroll(enrollment)
        .recover(e -> Future.failedFuture(e instanceof Refusal.Conflict
            ? new Refusal.Conflict("enrollment-conflict", "enrollment refused: " + e.getMessage())
            : e))
        .map(device -> {
          keyring.enrolled(device);
          LOG.info("device {} enrolled, certificate serial {} valid until {}", deviceId, cert.serialHex(), cert.notAfter());
          events.publish(new DeviceEvent.Enrolled(deviceId, now, cert.serialHex()));
          return new Enrolled(device, cert);
        })
        // a re-enrollment supersedes the device's earlier certificate: it joins the list
        .compose(enrolled -> revocationList.refresh().map(enrolled));
  }

  private static Refusal notFound(String id) {
    return new Refusal.NotFound("device-not-found", "no device with id '" + id + "'");
  }
}
