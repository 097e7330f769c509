package io.homeport.store;

import io.homeport.device.DeviceRepository;

import io.homeport.refusal.Refusal;
import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static io.homeport.store.StoreFutures.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.homeport.device.Device;
import io.homeport.device.DeviceState;
import io.homeport.device.Enrollment;
import io.homeport.device.EnrollmentToken;
import io.homeport.device.HostedAppliance;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link DeviceRepository} must have, whatever the database. A backend's test
 * extends this class and says how to open an empty store; the tests themselves must pass unchanged.
 *
 * <p>Tests run on the JUnit thread (never an event loop) and wait for each future in turn.
 */
public abstract class DeviceRepositoryContract extends StoreContract<DeviceRepository> {
  protected DeviceRepositoryContract() {}

  /** The suite on the store {@code fixture} opens. */
  protected DeviceRepositoryContract(StoreFixture fixture) {
    super(fixture);
  }

  @Override
  protected DeviceRepository repository(Store opened) {
    return opened.devices();
  }

  /** All instants are whole milliseconds: that is what a store keeps. */
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");

  private static final SecureRandom RANDOM = new SecureRandom();

  // ------------------------------------------------------------------------------ create / find

  @Test
  void verifiesThatCreateThenFindByIdReturnsEveryFieldOfAPendingDevice() {
    // given a pending device with every optional field set, including metadata JSON with unicode
    Device device = Device.pending("dev-1", "Living room gateway", "acme",
        "{\"room\":\"salon\",\"floor\":2,\"tags\":[\"a\",\"ü\"]}", T0);
    EnrollmentToken token = token("dev-1", T0, T0.plus(Duration.ofDays(1)));

    // when it is created and read back
    await(repo.create(device, token));
    Optional<Device> found = await(repo.findById("dev-1"));

    // then every field round-trips, and the token is stored unused
    assertThat(found).isPresent();
    assertThat(found.get()).usingRecursiveComparison().isEqualTo(device);
    assertThat(found.get().state()).isEqualTo(DeviceState.PENDING);
    assertThat(await(repo.findToken(token.tokenHash()))).get().usingRecursiveComparison().isEqualTo(token);
  }

  @Test
  void verifiesThatNullOptionalFieldsStayNull() {
    // given a device without name, vendor or metadata
    Device device = Device.pending("dev-null", null, null, null, T0);

    // when it is created and read back
    await(repo.create(device, token("dev-null", T0, T0.plusSeconds(60))));
    Device found = await(repo.findById("dev-null")).orElseThrow();

    // then the absent fields are null, not empty strings or zeros
    assertThat(found.name()).isNull();
    assertThat(found.vendor()).isNull();
    assertThat(found.metadataJson()).isNull();
    assertThat(found.enrolledAt()).isNull();
    assertThat(found.revokedAt()).isNull();
    assertThat(found.certificateSerial()).isNull();
    assertThat(found.certificateNotAfter()).isNull();
    assertThat(found.beaconKey()).isNull();
    assertThat(found).usingRecursiveComparison().isEqualTo(device);
  }

  @Test
  void verifiesThatEnrolledDeviceRoundTripsEveryFieldIncludingTheBeaconKeyBytes() {
    // given a created device and an enrollment with a key that uses every byte value range
    createPending("dev-key", "keyed", T0);
    EnrollmentToken token = await(repo.findToken(tokenHashOf("dev-key"))).orElseThrow();
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i * 8 - 128); // -128 .. 120, includes 0x00 and high bytes
    }
    Instant notAfter = T0.plus(Duration.ofDays(365));

    // when the device enrolls and is read back
    Device returned = await(repo.enroll(new Enrollment(token.tokenHash(), "dev-key", T0.plusSeconds(5), "0A1B2C", notAfter, key)));
    Device found = await(repo.findById("dev-key")).orElseThrow();

    // then the stored device equals the returned one, field by field, key bytes included
    assertThat(found).usingRecursiveComparison().isEqualTo(returned);
    assertThat(found.state()).isEqualTo(DeviceState.ENROLLED);
    assertThat(found.enrolledAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(found.certificateSerial()).isEqualTo("0A1B2C");
    assertThat(found.certificateNotAfter()).isEqualTo(notAfter);
    assertThat(found.beaconKey()).containsExactly(key);
    assertThat(found.name()).isEqualTo("keyed");
    assertThat(found.createdAt()).isEqualTo(T0);
  }

  @Test
  void verifiesThatUnknownIdsAndTokensAreEmpty() {
    // given an empty store
    // when unknown records are looked up
    // then nothing is found
    assertThat(await(repo.findById("nope"))).isEmpty();
    assertThat(await(repo.findToken(randomHex(32)))).isEmpty();
    assertThat(await(repo.list(0, 10))).isEmpty();
    assertThat(await(repo.listEnrolled())).isEmpty();
    assertThat(await(repo.revokedCertificateSerials())).isEmpty();
    assertThat(await(repo.listRevokedIds())).isEmpty();
  }

  @Test
  void verifiesThatADuplicateIdIsRefusedAndNothingOfTheSecondCreateIsStored() {
    // given a stored device
    Device original = createPending("dev-dup", "first", T0);

    // when another device with the same id (and a new token) is created
    EnrollmentToken secondToken = token("dev-dup", T0, T0.plusSeconds(60));
    Throwable failure = failure(repo.create(Device.pending("dev-dup", "second", "other", null, T0.plusSeconds(1)), secondToken));

    // then it fails naming the id, the original is unchanged and the second token was not stored
    assertThat(failure).isInstanceOf(Refusal.Duplicate.class).hasMessageContaining("dev-dup");
    assertThat(((Refusal.Duplicate) failure).field()).isEqualTo("id");
    assertThat(await(repo.findById("dev-dup"))).get().usingRecursiveComparison().isEqualTo(original);
    assertThat(await(repo.findToken(secondToken.tokenHash()))).isEmpty();
    assertThat(await(repo.list(0, 10))).hasSize(1);
  }

  @Test
  void verifiesThatADuplicateNameIsRefusedAndNothingIsStored() {
    // given a stored device named "kitchen"
    createPending("dev-a", "kitchen", T0);

    // when a device with another id but the same name is created
    EnrollmentToken token = token("dev-b", T0, T0.plusSeconds(60));
    Throwable failure = failure(repo.create(Device.pending("dev-b", "kitchen", null, null, T0), token));

    // then it fails naming the name field, and neither the device nor its token is stored
    assertThat(failure).isInstanceOf(Refusal.Duplicate.class).hasMessageContaining("kitchen");
    assertThat(((Refusal.Duplicate) failure).field()).isEqualTo("name");
    assertThat(await(repo.findById("dev-b"))).isEmpty();
    assertThat(await(repo.findToken(token.tokenHash()))).isEmpty();
  }

  @Test
  void verifiesThatAFailingTokenInsertRollsBackTheDeviceInsert() {
    // given a stored device with its token
    createPending("dev-a", null, T0);
    EnrollmentToken taken = await(repo.findToken(tokenHashOf("dev-a"))).orElseThrow();

    // when a new device is created with a token whose hash is already stored
    EnrollmentToken clash = new EnrollmentToken(taken.tokenHash(), "dev-c", T0, T0.plusSeconds(60), null);
    Throwable failure = failure(repo.create(Device.pending("dev-c", "c", null, null, T0), clash));

    // then the create fails as a duplicate and the device row written before the token is gone too
    assertThat(failure).isInstanceOf(Refusal.Duplicate.class);
    assertThat(await(repo.findById("dev-c"))).isEmpty();
    assertThat(await(repo.findToken(taken.tokenHash()))).get().extracting(EnrollmentToken::deviceId).isEqualTo("dev-a");
  }

  @Test
  void verifiesThatSeveralDevicesMayHaveNoName() {
    // given a device without a name
    createPending("dev-1", null, T0);

    // when another device without a name is created
    createPending("dev-2", null, T0);

    // then both are stored: an absent name is not a taken name
    assertThat(await(repo.list(0, 10))).extracting(Device::id).containsExactly("dev-1", "dev-2");
  }

  @Test
  void verifiesThatCreateRefusesATokenOfAnotherDeviceOrANonPendingDevice() {
    // given a token naming another device, and a device that is not pending
    Device device = Device.pending("dev-x", null, null, null, T0);
    Device enrolled = new Device("dev-y", null, null, null, DeviceState.ENROLLED, T0, T0, null, "01", T0, new byte[32]);

    // when they are created
    Throwable wrongToken = failure(repo.create(device, token("dev-other", T0, T0.plusSeconds(60))));
    Throwable notPending = failure(repo.create(enrolled, token("dev-y", T0, T0.plusSeconds(60))));

    // then both are refused and nothing is stored
    assertThat(wrongToken).isInstanceOf(IllegalArgumentException.class);
    assertThat(notPending).isInstanceOf(IllegalArgumentException.class);
    assertThat(await(repo.list(0, 10))).isEmpty();
  }

  @Test
  void verifiesThatConcurrentCreatesWithTheSameNameLetExactlyOneWin() {
    // given five creates of different devices with the same name, issued together
    List<Future<Void>> attempts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      attempts.add(repo.create(Device.pending("dev-" + i, "same", null, null, T0), token("dev-" + i, T0, T0.plusSeconds(60))));
    }

    // when they all complete
    List<Throwable> failures = new ArrayList<>();
    int succeeded = 0;
    for (Future<Void> attempt : attempts) {
      Throwable f = outcome(attempt);
      if (f == null) {
        succeeded++;
      } else {
        failures.add(f);
      }
    }

    // then exactly one device is stored and the others failed as duplicate names
    assertThat(succeeded).isEqualTo(1);
    assertThat(failures).hasSize(4).allSatisfy(f -> {
      assertThat(f).isInstanceOf(Refusal.Duplicate.class);
      assertThat(((Refusal.Duplicate) f).field()).isEqualTo("name");
    });
    assertThat(await(repo.list(0, 10))).hasSize(1);
  }

  @Test
  void verifiesThatNullArgumentsAreRefusedAtOnce() {
    // given a repository
    // when a method is called with a null argument
    // then it throws NullPointerException before touching the database
    assertThatNullPointerException().isThrownBy(() -> repo.create(null, token("dev-1", T0, T0.plusSeconds(1))));
    assertThatNullPointerException().isThrownBy(() -> repo.create(Device.pending("dev-1", null, null, null, T0), null));
    assertThatNullPointerException().isThrownBy(() -> repo.findById(null));
    assertThatNullPointerException().isThrownBy(() -> repo.findToken(null));
    assertThatNullPointerException().isThrownBy(() -> repo.addToken(null));
    assertThatNullPointerException().isThrownBy(() -> repo.enroll(null));
    assertThatNullPointerException().isThrownBy(() -> repo.revoke(null, T0));
    assertThatNullPointerException().isThrownBy(() -> repo.revoke("dev-1", null));
    assertThatNullPointerException().isThrownBy(() -> repo.delete(null, T0));
    assertThatNullPointerException().isThrownBy(() -> repo.delete("dev-1", null));
    assertThat(await(repo.list(0, 10))).isEmpty();
  }

  // -------------------------------------------------------------------------------------- lists

  @Test
  void verifiesThatListOrdersByCreationTimeThenIdAndPages() {
    // given devices created out of order, two of them at the same instant
    createPending("dev-c", null, T0.plusSeconds(2));
    createPending("dev-b", null, T0.plusSeconds(1));
    createPending("dev-z", null, T0);
    createPending("dev-a", null, T0.plusSeconds(1));
    createPending("dev-d", null, T0.plusSeconds(3));

    // when they are listed whole and page by page
    List<Device> all = await(repo.list(0, 100));
    List<Device> page1 = await(repo.list(0, 2));
    List<Device> page2 = await(repo.list(2, 2));
    List<Device> page3 = await(repo.list(4, 2));
    List<Device> beyond = await(repo.list(5, 2));
    List<Device> none = await(repo.list(0, 0));

    // then the order is creation time, then id, and the pages cut it without overlap
    assertThat(all).extracting(Device::id).containsExactly("dev-z", "dev-a", "dev-b", "dev-c", "dev-d");
    assertThat(page1).extracting(Device::id).containsExactly("dev-z", "dev-a");
    assertThat(page2).extracting(Device::id).containsExactly("dev-b", "dev-c");
    assertThat(page3).extracting(Device::id).containsExactly("dev-d");
    assertThat(beyond).isEmpty();
    assertThat(none).isEmpty();
  }

  @Test
  void verifiesThatListRefusesNegativeOffsetOrLimit() {
    // given an empty store
    // when a negative offset or limit is asked for
    // then the call fails as a caller error
    assertThat(failure(repo.list(-1, 10))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.list(0, -1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verifiesThatListEnrolledReturnsOnlyEnrolledDevicesInCreationOrder() {
    // given one pending, two enrolled and one revoked device
    createPending("dev-pending", null, T0);
    enrolled("dev-e2", T0.plusSeconds(2), "E2");
    enrolled("dev-e1", T0.plusSeconds(1), "E1");
    enrolled("dev-revoked", T0.plusSeconds(3), "R1");
    await(repo.revoke("dev-revoked", T0.plusSeconds(10)));

    // when the enrolled devices are listed
    List<Device> listed = await(repo.listEnrolled());

    // then only the two enrolled devices come back, with their keys
    assertThat(listed).extracting(Device::id).containsExactly("dev-e1", "dev-e2");
    assertThat(listed).allSatisfy(d -> assertThat(d.beaconKey()).hasSize(32));
  }

  // ---------------------------------------------------------------------------------- addToken

  @Test
  void verifiesThatAddTokenStoresAnotherTokenForAnExistingDevice() {
    // given a pending device
    createPending("dev-1", null, T0);

    // when a second token is added
    EnrollmentToken second = token("dev-1", T0.plusSeconds(10), T0.plusSeconds(3600));
    await(repo.addToken(second));

    // then it is stored exactly, unused
    assertThat(await(repo.findToken(second.tokenHash()))).get().usingRecursiveComparison().isEqualTo(second);
  }

  @Test
  void verifiesThatAddTokenFailsForAMissingOrRevokedDevice() {
    // given a revoked device
    enrolled("dev-r", T0, "AA");
    await(repo.revoke("dev-r", T0.plusSeconds(1)));

    // when tokens are added for a device that does not exist and for the revoked one
    EnrollmentToken forMissing = token("dev-missing", T0, T0.plusSeconds(60));
    EnrollmentToken forRevoked = token("dev-r", T0, T0.plusSeconds(60));
    Throwable missing = failure(repo.addToken(forMissing));
    Throwable revoked = failure(repo.addToken(forRevoked));

    // then both fail with Refusal.NotFound and no token is stored
    assertThat(missing).isInstanceOf(Refusal.NotFound.class).hasMessageContaining("dev-missing");
    assertThat(revoked).isInstanceOf(Refusal.NotFound.class).hasMessageContaining("dev-r");
    assertThat(await(repo.findToken(forMissing.tokenHash()))).isEmpty();
    assertThat(await(repo.findToken(forRevoked.tokenHash()))).isEmpty();
  }

  // ------------------------------------------------------------------------------------ enroll

  @Test
  void verifiesThatEnrollConsumesTheTokenAndInstallsTheCredentials() {
    // given a pending device with an unused token
    createPending("dev-1", "one", T0);
    String tokenHash = tokenHashOf("dev-1");
    byte[] key = randomBytes(32);
    Instant at = T0.plusSeconds(30);

    // when the device enrolls
    Device device = await(repo.enroll(new Enrollment(tokenHash, "dev-1", at, "01F3", T0.plus(Duration.ofDays(90)), key)));

    // then it is ENROLLED with the new serial and key, and the token is marked used at that instant
    assertThat(device.state()).isEqualTo(DeviceState.ENROLLED);
    assertThat(device.enrolledAt()).isEqualTo(at);
    assertThat(device.certificateSerial()).isEqualTo("01F3");
    assertThat(device.certificateNotAfter()).isEqualTo(T0.plus(Duration.ofDays(90)));
    assertThat(device.beaconKey()).containsExactly(key);
    assertThat(await(repo.findById("dev-1"))).get().usingRecursiveComparison().isEqualTo(device);
    EnrollmentToken token = await(repo.findToken(tokenHash)).orElseThrow();
    assertThat(token.usedAt()).isEqualTo(at);
    assertThat(token.isUsed()).isTrue();
    assertThat(await(repo.revokedCertificateSerials())).isEmpty();
  }

  @Test
  void verifiesThatEnrollWithAUsedTokenIsAConflictAndChangesNothing() {
    // given a device that enrolled with its token
    createPending("dev-1", null, T0);
    String tokenHash = tokenHashOf("dev-1");
    await(repo.enroll(enrollment(tokenHash, "dev-1", T0.plusSeconds(1), "01")));
    Device before = await(repo.findById("dev-1")).orElseThrow();

    // when the same token is presented again
    Throwable failure = failure(repo.enroll(enrollment(tokenHash, "dev-1", T0.plusSeconds(2), "02")));

    // then it is a conflict saying the token was used, and the device still has its first credentials
    assertThat(failure).isInstanceOf(Refusal.Conflict.class).hasMessageContaining("used");
    assertThat(await(repo.findById("dev-1"))).get().usingRecursiveComparison().isEqualTo(before);
    assertThat(await(repo.findToken(tokenHash))).get().extracting(EnrollmentToken::usedAt).isEqualTo(T0.plusSeconds(1));
    assertThat(await(repo.revokedCertificateSerials())).isEmpty();
  }

  @Test
  void verifiesThatEnrollWithAnExpiredTokenIsAConflictAndChangesNothing() {
    // given a pending device whose token expires at T0 + 60 s
    Device before = createPending("dev-1", null, T0);
    EnrollmentToken token = token("dev-1", T0, T0.plusSeconds(60));
    await(repo.addToken(token));

    // when it enrolls exactly at the expiry instant, and later
    Throwable atExpiry = failure(repo.enroll(enrollment(token.tokenHash(), "dev-1", T0.plusSeconds(60), "01")));
    Throwable later = failure(repo.enroll(enrollment(token.tokenHash(), "dev-1", T0.plusSeconds(61), "01")));

    // then both are conflicts saying the token expired, the device is still pending and the token unused
    assertThat(atExpiry).isInstanceOf(Refusal.Conflict.class).hasMessageContaining("expired");
    assertThat(later).isInstanceOf(Refusal.Conflict.class).hasMessageContaining("expired");
    assertThat(await(repo.findById("dev-1"))).get().usingRecursiveComparison().isEqualTo(before);
    assertThat(await(repo.findToken(token.tokenHash()))).get().extracting(EnrollmentToken::usedAt).isNull();
  }

  @Test
  void verifiesThatEnrollJustBeforeExpiryStillSucceeds() {
    // given a token that expires at T0 + 60 s
    createPending("dev-1", null, T0);
    EnrollmentToken token = token("dev-1", T0, T0.plusSeconds(60));
    await(repo.addToken(token));

    // when the device enrolls one millisecond before
    Device device = await(repo.enroll(enrollment(token.tokenHash(), "dev-1", T0.plusSeconds(60).minusMillis(1), "01")));

    // then the enrollment succeeds
    assertThat(device.state()).isEqualTo(DeviceState.ENROLLED);
  }

  @Test
  void verifiesThatEnrollWithATokenOfAnotherDeviceIsAConflictAndChangesNeither() {
    // given two pending devices
    Device a = createPending("dev-a", null, T0);
    Device b = createPending("dev-b", null, T0);
    String tokenOfB = tokenHashOf("dev-b");

    // when device A presents B's token
    Throwable failure = failure(repo.enroll(enrollment(tokenOfB, "dev-a", T0.plusSeconds(1), "01")));

    // then it is a conflict, both devices are unchanged and B's token is still usable
    assertThat(failure).isInstanceOf(Refusal.Conflict.class).hasMessageContaining("another device");
    assertThat(await(repo.findById("dev-a"))).get().usingRecursiveComparison().isEqualTo(a);
    assertThat(await(repo.findById("dev-b"))).get().usingRecursiveComparison().isEqualTo(b);
    assertThat(await(repo.findToken(tokenOfB))).get().extracting(EnrollmentToken::usedAt).isNull();
    assertThat(await(repo.enroll(enrollment(tokenOfB, "dev-b", T0.plusSeconds(2), "02"))).state())
        .isEqualTo(DeviceState.ENROLLED);
  }

  @Test
  void verifiesThatEnrollWithAnUnknownTokenIsAConflict() {
    // given a pending device
    Device before = createPending("dev-1", null, T0);

    // when it presents a token that was never issued
    Throwable failure = failure(repo.enroll(enrollment(randomHex(32), "dev-1", T0.plusSeconds(1), "01")));

    // then it is a conflict saying the token is not known, and the device is unchanged
    assertThat(failure).isInstanceOf(Refusal.Conflict.class).hasMessageContaining("not known");
    assertThat(await(repo.findById("dev-1"))).get().usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  void verifiesThatARevokedDeviceCannotEnroll() {
    // given an enrolled device with a spare token, then revoked
    enrolled("dev-1", T0, "01");
    EnrollmentToken spare = token("dev-1", T0.plusSeconds(1), T0.plusSeconds(3600));
    await(repo.addToken(spare));
    Device revoked = await(repo.revoke("dev-1", T0.plusSeconds(2))).orElseThrow();

    // when it tries to enroll with the spare token
    Throwable failure = failure(repo.enroll(enrollment(spare.tokenHash(), "dev-1", T0.plusSeconds(3), "02")));

    // then it is a conflict and the device stays revoked with its old certificate
    assertThat(failure).isInstanceOf(Refusal.Conflict.class);
    assertThat(await(repo.findById("dev-1"))).get().usingRecursiveComparison().isEqualTo(revoked);
    assertThat(await(repo.revokedCertificateSerials())).containsExactly("01");
  }

  @Test
  void verifiesThatReEnrollmentRecordsThePreviousCertificateAsRevoked() {
    // given an enrolled device with certificate 01 and a fresh token
    enrolled("dev-1", T0, "01");
    EnrollmentToken again = token("dev-1", T0.plusSeconds(100), T0.plusSeconds(3600));
    await(repo.addToken(again));
    byte[] newKey = randomBytes(32);

    // when it enrolls again and gets certificate 02
    Device device = await(repo.enroll(new Enrollment(again.tokenHash(), "dev-1", T0.plusSeconds(200), "02",
        T0.plus(Duration.ofDays(30)), newKey)));

    // then 02 and the new key are current, and 01 is recorded as revoked
    assertThat(device.state()).isEqualTo(DeviceState.ENROLLED);
    assertThat(device.certificateSerial()).isEqualTo("02");
    assertThat(device.beaconKey()).containsExactly(newKey);
    assertThat(device.enrolledAt()).isEqualTo(T0.plusSeconds(200));
    assertThat(await(repo.revokedCertificateSerials())).containsExactly("01");
  }

  @Test
  void verifiesThatConcurrentEnrollmentsWithTheSameTokenLetExactlyOneWin() {
    // given a pending device with one token
    createPending("dev-1", null, T0);
    String tokenHash = tokenHashOf("dev-1");

    // when eight enrollments with that token, each with its own certificate, are issued together
    List<Future<Device>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(repo.enroll(enrollment(tokenHash, "dev-1", T0.plusSeconds(1), "C" + i)));
    }
    List<Device> winners = new ArrayList<>();
    List<Throwable> losers = new ArrayList<>();
    for (Future<Device> attempt : attempts) {
      Throwable f = outcome(attempt);
      if (f == null) {
        winners.add(attempt.result());
      } else {
        losers.add(f);
      }
    }

    // then exactly one wins, the others are conflicts, and the stored device is the winner's
    assertThat(winners).hasSize(1);
    assertThat(losers).hasSize(7).allSatisfy(f -> assertThat(f).isInstanceOf(Refusal.Conflict.class));
    Device stored = await(repo.findById("dev-1")).orElseThrow();
    assertThat(stored).usingRecursiveComparison().isEqualTo(winners.get(0));
    assertThat(await(repo.revokedCertificateSerials())).isEmpty();
  }

  // ------------------------------------------------------------------------------------ revoke

  @Test
  void verifiesThatRevokeRecordsTheCertificateDeletesUnusedTokensAndIsIdempotent() {
    // given an enrolled device with certificate 0A and a spare unused token
    enrolled("dev-1", T0, "0A");
    String usedToken = tokenHashOf("dev-1");
    EnrollmentToken spare = token("dev-1", T0.plusSeconds(1), T0.plusSeconds(3600));
    await(repo.addToken(spare));

    // when it is revoked, then revoked again later
    Device revoked = await(repo.revoke("dev-1", T0.plusSeconds(10))).orElseThrow();
    Optional<Device> again = await(repo.revoke("dev-1", T0.plusSeconds(20)));

    // then it is REVOKED at the first instant, 0A is revoked once, the spare token is gone,
    // the second revoke returned it unchanged and it is no longer listed as enrolled
    assertThat(revoked.state()).isEqualTo(DeviceState.REVOKED);
    assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(revoked.certificateSerial()).isEqualTo("0A");
    assertThat(again).get().usingRecursiveComparison().isEqualTo(revoked);
    assertThat(await(repo.findById("dev-1"))).get().usingRecursiveComparison().isEqualTo(revoked);
    assertThat(await(repo.revokedCertificateSerials())).containsExactly("0A");
    assertThat(await(repo.findToken(spare.tokenHash()))).isEmpty();
    assertThat(await(repo.findToken(usedToken))).isPresent(); // the used one stays as history
    assertThat(await(repo.listEnrolled())).isEmpty();
    assertThat(await(repo.listRevokedIds())).containsExactly("dev-1");
  }

  @Test
  void verifiesThatRevokingAPendingDeviceRecordsNoCertificate() {
    // given a pending device (no certificate yet)
    createPending("dev-1", null, T0);
    String tokenHash = tokenHashOf("dev-1");

    // when it is revoked
    Device revoked = await(repo.revoke("dev-1", T0.plusSeconds(5))).orElseThrow();

    // then it is REVOKED, its token is gone and no serial is recorded
    assertThat(revoked.state()).isEqualTo(DeviceState.REVOKED);
    assertThat(revoked.certificateSerial()).isNull();
    assertThat(await(repo.findToken(tokenHash))).isEmpty();
    assertThat(await(repo.revokedCertificateSerials())).isEmpty();
  }

  @Test
  void verifiesThatRevokingAnUnknownDeviceIsEmpty() {
    // given an empty store
    // when an unknown device is revoked
    Optional<Device> result = await(repo.revoke("nope", T0));

    // then nothing is returned or recorded
    assertThat(result).isEmpty();
    assertThat(await(repo.revokedCertificateSerials())).isEmpty();
  }

  // ------------------------------------------------------------------------------------ delete

  @Test
  void verifiesThatDeleteRemovesTheDeviceAndItsTokensAndRecordsItsCertificate() {
    // given an enrolled device with certificate 0B, its used token and a spare token
    Device enrolled = enrolled("dev-1", T0, "0B");
    String usedToken = tokenHashOf("dev-1");
    EnrollmentToken spare = token("dev-1", T0.plusSeconds(1), T0.plusSeconds(3600));
    await(repo.addToken(spare));

    // when it is deleted
    Optional<Device> deleted = await(repo.delete("dev-1", T0.plusSeconds(10)));

    // then the deleted device is returned, it and all its tokens are gone, and 0B is revoked
    assertThat(deleted).get().usingRecursiveComparison().isEqualTo(enrolled);
    assertThat(await(repo.findById("dev-1"))).isEmpty();
    assertThat(await(repo.findToken(usedToken))).isEmpty();
    assertThat(await(repo.findToken(spare.tokenHash()))).isEmpty();
    assertThat(await(repo.revokedCertificateSerials())).containsExactly("0B");
    assertThat(await(repo.list(0, 10))).isEmpty();
  }

  @Test
  void verifiesThatDeletingARevokedDeviceKeepsOneRevocationRecord() {
    // given a revoked device
    enrolled("dev-1", T0, "0C");
    await(repo.revoke("dev-1", T0.plusSeconds(1)));

    // when it is deleted, and its id is reused by a new device
    assertThat(await(repo.delete("dev-1", T0.plusSeconds(2)))).isPresent();
    createPending("dev-1", null, T0.plusSeconds(3));

    // then its serial is recorded once, and the new device starts clean
    assertThat(await(repo.revokedCertificateSerials())).containsExactly("0C");
    assertThat(await(repo.findById("dev-1"))).get().extracting(Device::state).isEqualTo(DeviceState.PENDING);
  }

  @Test
  void verifiesThatDeletingAnUnknownDeviceIsEmpty() {
    // given an empty store
    // when an unknown device is deleted
    Optional<Device> result = await(repo.delete("nope", T0));

    // then nothing is returned or recorded
    assertThat(result).isEmpty();
    assertThat(await(repo.revokedCertificateSerials())).isEmpty();
  }
  @Test
  void verifiesThatReportedAppliancesReplaceTheEarlierReportAndGoWithTheDevice() {
    // given a device that reported two appliances
    createPending("dev-1", null, T0);
    HostedAppliance ac = new HostedAppliance("echonet-lite", "home-air-conditioner", "192.168.1.50#1");
    HostedAppliance lamp = new HostedAppliance("echonet-lite", "general-lighting", "192.168.1.51#1");
    await(repo.replaceAppliances("dev-1", List.of(lamp, ac), T0));
    assertThat(await(repo.appliances("dev-1"))).containsExactly(lamp, ac);

    // when it reports again with one of them
    await(repo.replaceAppliances("dev-1", List.of(ac), T0.plusSeconds(1)));

    // then only that one is recorded, and a report for an unknown device is refused without a trace
    assertThat(await(repo.appliances("dev-1"))).containsExactly(ac);
    assertThat(failure(repo.replaceAppliances("nobody", List.of(ac), T0))).isInstanceOf(Refusal.NotFound.class);
    assertThat(await(repo.appliances("nobody"))).isEmpty();
    await(repo.delete("dev-1", T0.plusSeconds(2)));
    assertThat(await(repo.appliances("dev-1"))).isEmpty();
  }

  @Test
  void verifiesThatReplacingGroupsReplacesThemAllAndTheyGoWithTheDevice() {
    // given a device created in two groups and one in none
    Device device = Device.pending("dev-1", null, "acme", null, T0);
    await(repo.create(device, token("dev-1", T0, T0.plusSeconds(60)), java.util.Set.of("kitchen", "floor-1")));
    createPending("dev-2", null, T0);
    assertThat(await(repo.groups("dev-1"))).containsExactly("floor-1", "kitchen");
    assertThat(await(repo.groups("dev-2"))).isEmpty();

    // when its groups are replaced, and the other device is put into one
    await(repo.replaceGroups("dev-1", java.util.Set.of("kitchen", "sensors")));
    await(repo.replaceGroups("dev-2", java.util.Set.of("sensors")));

    // then only the new groups are recorded, and allGroups has every member
    assertThat(await(repo.groups("dev-1"))).containsExactly("kitchen", "sensors");
    assertThat(await(repo.allGroups())).isEqualTo(java.util.Map.of(
        "dev-1", java.util.Set.of("kitchen", "sensors"), "dev-2", java.util.Set.of("sensors")));

    // and an empty set leaves none, deleting the device removes its groups
    await(repo.replaceGroups("dev-2", java.util.Set.of()));
    assertThat(await(repo.groups("dev-2"))).isEmpty();
    await(repo.delete("dev-1", T0.plusSeconds(1)));
    assertThat(await(repo.groups("dev-1"))).isEmpty();
    assertThat(await(repo.allGroups())).isEmpty();
  }

  @Test
  void verifiesThatGroupsOfAnUnknownDeviceAreRefusedWithoutATrace() {
    // given no device "nobody"
    // when its groups are replaced
    Throwable failure = failure(repo.replaceGroups("nobody", java.util.Set.of("kitchen")));

    // then the store refuses and records nothing
    assertThat(failure).isInstanceOf(Refusal.NotFound.class);
    assertThat(await(repo.groups("nobody"))).isEmpty();
    assertThat(await(repo.allGroups())).isEmpty();
    assertThatNullPointerException().isThrownBy(() -> repo.replaceGroups("dev-1", null));
  }


  @Test
  void verifiesThatRenamingGivesAUniqueNameOrNoneAndARefusalChangesNothing() {
    // given dev-1 named "kitchen" and dev-2 without a name
    createPending("dev-1", "kitchen", T0);
    createPending("dev-2", null, T0);

    // when dev-2 is named "hall", then asks for "kitchen", and dev-1 drops its name
    Device hall = await(repo.rename("dev-2", "hall"));
    Throwable taken = failure(repo.rename("dev-2", "kitchen"));
    Device unnamed = await(repo.rename("dev-1", null));

    // then the new name is stored and returned, a taken name is refused naming the field and leaves
    // dev-2's name as it was, and a dropped name frees it for others
    assertThat(hall.name()).isEqualTo("hall");
    assertThat(taken).isInstanceOf(Refusal.Duplicate.class);
    assertThat(((Refusal.Duplicate) taken).field()).isEqualTo("name");
    assertThat(await(repo.findById("dev-2"))).get().extracting(Device::name).isEqualTo("hall");
    assertThat(unnamed.name()).isNull();
    assertThat(await(repo.rename("dev-2", "kitchen")).name()).isEqualTo("kitchen");
    // and a device is found by its current name only
    assertThat(await(repo.findByName("kitchen"))).get().extracting(Device::id).isEqualTo("dev-2");
    assertThat(await(repo.findByName("hall"))).isEmpty();
    // and an unknown device is refused without a trace
    assertThat(failure(repo.rename("nobody", "attic"))).isInstanceOf(Refusal.NotFound.class);
    assertThat(await(repo.list(0, 10))).extracting(Device::name).containsExactlyInAnyOrder(null, "kitchen");
    assertThatNullPointerException().isThrownBy(() -> repo.rename(null, "x"));
  }

  // ----------------------------------------------------------------------------------- helpers

  /**
   * The first token of each device created by {@link #createPending} is derived from its id, so a test
   * can find it again.
   */
  protected static String tokenHashOf(String deviceId) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(("token-of-" + deviceId).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates a pending device with a first token from {@link #tokenHashOf}, valid for a day. */
  protected Device createPending(String id, String name, Instant createdAt) {
    Device device = Device.pending(id, name, "acme", "{\"n\":1}", createdAt);
    await(repo.create(device, new EnrollmentToken(tokenHashOf(id), id, createdAt, createdAt.plus(Duration.ofDays(1)), null)));
    return device;
  }

  /** Creates and enrolls a device with certificate {@code serial}, one second after creation. */
  protected Device enrolled(String id, Instant createdAt, String serial) {
    createPending(id, null, createdAt);
    return await(repo.enroll(enrollment(tokenHashOf(id), id, createdAt.plusSeconds(1), serial)));
  }

  protected static Enrollment enrollment(String tokenHash, String deviceId, Instant at, String serial) {
    return new Enrollment(tokenHash, deviceId, at, serial, at.plus(Duration.ofDays(365)).truncatedTo(ChronoUnit.MILLIS),
        randomBytes(32));
  }

  protected static EnrollmentToken token(String deviceId, Instant createdAt, Instant expiresAt) {
    return new EnrollmentToken(randomHex(32), deviceId, createdAt, expiresAt, null);
  }

  protected static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  protected static String randomHex(int bytes) {
    return HexFormat.of().formatHex(randomBytes(bytes));
  }

}
