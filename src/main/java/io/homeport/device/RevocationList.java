package io.homeport.device;

import io.homeport.lifecycle.Lifecycle;
import io.homeport.pki.CertificateAuthority;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device CA's certificate revocation list (DESIGN 4): every revoked, deleted or superseded device
 * certificate, signed by the CA, served as DER so that application servers can refuse revoked devices.
 * Issued anew at start and after every revocation, before the revocation is answered; valid for a week,
 * so an application server that cannot fetch a new one soon stops trusting a stale one. Thread-safe.
 */
public final class RevocationList implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);
  /** How long a list is valid: its nextUpdate. */
  static final Duration VALIDITY = Duration.ofDays(7);

  private final io.vertx.core.Vertx vertx;
  private final DeviceRepository devices;
  private final CertificateAuthority ca;
  private final Clock clock;
  /** CRL numbers grow across restarts: they start at the issuing time in milliseconds. */
  private final AtomicLong number;
  private volatile byte[] der;
  private volatile Instant thisUpdate;
  /** The refresh under way or last done: the next one starts after it. */
  private Future<Void> lastRefresh = Future.succeededFuture();

  public RevocationList(io.vertx.core.Vertx vertx, DeviceRepository devices, CertificateAuthority ca, Clock clock) {
    this.vertx = vertx;
    this.devices = devices;
    this.ca = ca;
    this.clock = clock;
    this.number = new AtomicLong(clock.millis());
  }

  @Override
  public Future<Void> start() {
    return refresh();
  }

  /**
   * Issues the list anew from the store's revoked serials; the signing, CPU work, off the event loop.
   * Refreshes run one after the other, so a list read earlier never replaces one read later.
   */
  public synchronized Future<Void> refresh() {
    lastRefresh = lastRefresh.transform(previous -> issue());
    return lastRefresh;
  }

  private Future<Void> issue() {
    return devices.revokedCertificateSerials().compose(serials -> vertx.executeBlocking(() -> {
      Instant now = clock.instant();
      long n = number.updateAndGet(previous -> Math.max(previous + 1, now.toEpochMilli()));
      der = ca.revocationList(serials, n, now, now.plus(VALIDITY));
      thisUpdate = now;
      LOG.debug("revocation list {} issued with {} serial(s)", n, serials.size());
      return null;
    }, false));
  }

  /** The current list, DER; issued again when older than a day (its validity is a week). */
  public Future<byte[]> der() {
    Instant issued = thisUpdate;
    if (der == null || issued == null || clock.instant().isAfter(issued.plus(Duration.ofDays(1)))) {
      return refresh().map(v -> der);
    }
    return Future.succeededFuture(der);
  }
}
