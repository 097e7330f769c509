package io.homeport.device;

import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Devices, their enrollment tokens and the record of revoked certificates. Every method that writes
 * more than one row does so in one transaction: on failure nothing is changed.
 *
 * <p>Instants are stored with millisecond precision. Null arguments throw {@link
 * NullPointerException}; every other failure is reported through the returned future. The behaviour
 * is pinned down by {@code DeviceRepositoryContract} in the tests, which every implementation runs.
 */
public interface DeviceRepository {

  /**
   * Stores a new pending device together with its first enrollment token. Several devices may have
   * no name (null); a name, once given, is unique.
   *
   * @return fails with {@link Refusal.Duplicate} naming {@code id} or {@code name} when either is taken
   *     (or {@code tokenHash} when the token is already stored), with {@link IllegalArgumentException}
   *     when the device is not PENDING or the token names another device
   */
  default Future<Void> create(Device device, EnrollmentToken token) {
    return create(device, token, Set.of());
  }

  /**
   * Like {@link #create(Device, EnrollmentToken)}, and puts the device into these groups in the same
   * transaction.
   */
  Future<Void> create(Device device, EnrollmentToken token, Set<String> groups);

  Future<Optional<Device>> findById(String id);

  /** The device with this name, if any (names are unique). */
  Future<Optional<Device>> findByName(String name);

  /**
   * Devices ordered by creation time, then id.
   *
   * @return fails with {@link IllegalArgumentException} when {@code offset} or {@code limit} is negative
   */
  Future<List<Device>> list(int offset, int limit);

  /** Every device in state ENROLLED, to load the in-memory credential cache at start. */
  Future<List<Device>> listEnrolled();

  /**
   * Adds another enrollment token for an existing, not revoked device (re-enrollment after a lost
   * bundle).
   *
   * @return fails with {@link Refusal.NotFound} when the device does not exist or is revoked
   */
  Future<Void> addToken(EnrollmentToken token);

  Future<Optional<EnrollmentToken>> findToken(String tokenHash);

  /**
   * Consumes the token and makes the device ENROLLED with the new certificate and beacon key. A
   * previous certificate of the device is recorded as revoked. Succeeds only if, at the moment of the
   * write, the token belongs to the device, is unused and not expired at {@code enrollment.at()}
   * (a token is expired from its {@code expiresAt} on), and the device is PENDING or ENROLLED. When two
   * enrollments present the same token at once, exactly one succeeds.
   *
   * @return the device as updated; fails with {@link Refusal.Conflict} when the token was used,
   *     expired, is unknown or belongs to another device, or the device is no longer enrollable; the
   *     message says which
   */
  Future<Device> enroll(Enrollment enrollment);

  /**
   * Revokes the device: state REVOKED, its certificate recorded as revoked, its unused tokens deleted
   * (used tokens stay as history). The device keeps its other fields.
   *
   * @return the revoked device, empty when it does not exist; revoking twice returns the device unchanged
   */
  Future<Optional<Device>> revoke(String id, Instant at);

  /**
   * Deletes the device and its tokens; its certificate, if any, is recorded as revoked (a certificate
   * revoked before keeps its first revocation time).
   *
   * @return the deleted device, empty when it did not exist
   */
  Future<Optional<Device>> delete(String id, Instant at);

  /**
   * Replaces the appliances the device reports it hosts.
   *
   * @return fails with {@link Refusal.NotFound} when the device does not exist
   */
  Future<Void> replaceAppliances(String deviceId, List<HostedAppliance> appliances, Instant at);

  /** The appliances the device last reported, ordered by plugin, type and address. */
  Future<List<HostedAppliance>> appliances(String deviceId);

  /** Ids of every device in state REVOKED, to load the in-memory credential cache at start. */
  Future<List<String>> listRevokedIds();

  /**
   * Gives the device this name, or none for null; names are unique (an id always wins over a name
   * where a peer may be named by either).
   *
   * @return the renamed device; fails with {@link Refusal.NotFound} when it does not exist, with {@link
   *     Refusal.Duplicate} (field {@code name}) when another device has the name, changing nothing
   */
  Future<Device> rename(String deviceId, String name);

  /**
   * Replaces the device's groups with these (none for an empty set), in one transaction.
   *
   * @return fails with {@link Refusal.NotFound} when the device does not exist, changing nothing
   */
  Future<Void> replaceGroups(String deviceId, Set<String> groups);

  /** The device's groups, sorted; empty for an unknown device. */
  Future<Set<String>> groups(String deviceId);

  /** The groups of every device in at least one group, to load the in-memory membership at start. */
  Future<Map<String, Set<String>>> allGroups();

  /** Hex serials of every revoked certificate. */
  Future<List<String>> revokedCertificateSerials();
}
