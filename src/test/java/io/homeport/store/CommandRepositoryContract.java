package io.homeport.store;

import io.homeport.command.CommandRepository;

import io.homeport.refusal.Refusal;
import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static io.homeport.store.StoreFutures.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.homeport.command.ApplianceTarget;
import io.homeport.command.Command;
import io.homeport.command.CommandResult;
import io.homeport.command.CommandResult.Status;
import io.homeport.command.CommandState;
import io.homeport.device.Device;
import io.homeport.device.EnrollmentToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CommandRepository} must have, whatever the database. A backend's test
 * extends this class and says how to open an empty store and how to open the same database again; the
 * tests themselves must pass unchanged.
 *
 * <p>The repository never reads a clock: every test passes its own instants. Tests run on the JUnit
 * thread (never an event loop) and wait for each future in turn, except where they issue calls
 * together on purpose to race them.
 */
public abstract class CommandRepositoryContract extends StoreContract<CommandRepository> {
  protected CommandRepositoryContract() {}

  /** The suite on the store {@code fixture} opens. */
  protected CommandRepositoryContract(StoreFixture fixture) {
    super(fixture);
  }

  @Override
  protected CommandRepository repository(Store opened) {
    return opened.commands();
  }

  /** All instants are whole milliseconds: that is what a store keeps. */
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");
  protected static final Duration TTL = Duration.ofHours(1);
  protected static final Duration RESULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Opens the database that {@link #openStore} opened, after that store was closed, keeping its
   * content: what a restart of the server sees.
   */

  // ------------------------------------------------------------------------------ create / find

  @Test
  void verifiesThatCreateThenFindByIdReturnsEveryFieldOfAQueuedCommand() {
    // given a device and a command with every optional field set, params JSON with unicode
    device("dev-1");
    Command command = Command.queued("cmd-1", "dev-1", "set-temperature",
        "{\"celsius\":21.5,\"mode\":\"cool\",\"label\":\"Wohnzimmer ü\"}", T0, T0.plusSeconds(60),
        T0.plus(TTL), "key-1", true);

    // when it is created and read back
    CommandRepository.Created created = await(repo.create(command));
    Optional<Command> found = await(repo.findById("cmd-1"));

    // then it was stored by this call, and every field round-trips
    assertThat(created.created()).isTrue();
    assertThat(created.command()).usingRecursiveComparison().isEqualTo(command);
    assertThat(found).get().usingRecursiveComparison().isEqualTo(command);
    assertThat(found.get().state()).isEqualTo(CommandState.QUEUED);
    assertThat(found.get().deliveries()).isZero();
  }

  @Test
  void verifiesThatNullOptionalFieldsStayNull() {
    // given a command without params, notBefore or idempotency key
    device("dev-1");
    Command command = Command.queued("cmd-1", "dev-1", "ping", null, T0, null, T0.plus(TTL), null, false);

    // when it is created and read back
    await(repo.create(command));
    Command found = await(repo.findById("cmd-1")).orElseThrow();

    // then the absent fields are null, not empty strings or zeros
    assertThat(found.paramsJson()).isNull();
    assertThat(found.notBefore()).isNull();
    assertThat(found.idempotencyKey()).isNull();
    assertThat(found.retryable()).isFalse();
    assertThat(found.deliveredAt()).isNull();
    assertThat(found.resultDeadline()).isNull();
    assertThat(found.completedAt()).isNull();
    assertThat(found.result()).isNull();
    assertThat(found).usingRecursiveComparison().isEqualTo(command);
  }

  @Test
  void verifiesThatACommandForAnUnknownDeviceIsNotFoundAndNothingIsStored() {
    // given an empty store
    // when a command for a device that does not exist is created
    Throwable failure = failure(repo.create(command("cmd-1", "nope", T0)));

    // then it fails as not found, naming the device, and nothing is stored
    assertThat(failure).isInstanceOf(Refusal.NotFound.class).hasMessageContaining("nope");
    assertThat(await(repo.findById("cmd-1"))).isEmpty();
  }

  @Test
  void verifiesThatADuplicateIdIsRefusedAndTheOriginalIsKept() {
    // given a stored command
    device("dev-1");
    Command original = queue(command("cmd-1", "dev-1", T0));

    // when another command with the same id (and no idempotency key) is created
    Throwable failure = failure(repo.create(command("cmd-1", "dev-1", T0.plusSeconds(1))));

    // then it fails naming the id, and the original is unchanged
    assertThat(failure).isInstanceOf(Refusal.Duplicate.class).hasMessageContaining("cmd-1");
    assertThat(((Refusal.Duplicate) failure).field()).isEqualTo("id");
    assertThat(await(repo.findById("cmd-1"))).get().usingRecursiveComparison().isEqualTo(original);
  }

  @Test
  void verifiesThatCreateRefusesACommandThatIsNotQueued() {
    // given a device and a command that claims to be delivered already
    device("dev-1");
    Command delivered = new Command("cmd-1", "dev-1", "ping", null, CommandState.DELIVERED, T0, null, T0.plus(TTL),
        null, false, T0, T0.plusSeconds(30), null, null, 1, null);

    // when it is created
    Throwable failure = failure(repo.create(delivered));

    // then it is refused as a caller error and nothing is stored
    assertThat(failure).isInstanceOf(IllegalArgumentException.class);
    assertThat(await(repo.findById("cmd-1"))).isEmpty();
  }

  @Test
  void verifiesThatDevicesWithUnansweredDeliveriesAreThoseWithOldDeliveredCommandsWithoutResult() {
    // given dev-1 with a command delivered at T0+1s and dev-2 whose delivered command got its result
    device("dev-1");
    device("dev-2");
    queue(Command.queued("c1", "dev-1", "a", null, T0, null, T0.plus(TTL), null, false));
    queue(Command.queued("c2", "dev-2", "a", null, T0, null, T0.plus(TTL), null, false));
    await(repo.deliver("dev-1", T0.plusSeconds(1), Duration.ofMinutes(5), 10));
    await(repo.deliver("dev-2", T0.plusSeconds(1), Duration.ofMinutes(5), 10));
    await(repo.complete("c2", "dev-2", new CommandResult(CommandResult.Status.OK, null, null), T0.plusSeconds(2)));
    // then only dev-1 counts, and only for instants after its delivery
    assertThat(await(repo.devicesWithUnansweredDeliveries(T0.plusSeconds(11)))).containsExactly("dev-1");
    assertThat(await(repo.devicesWithUnansweredDeliveries(T0.plusSeconds(1)))).isEmpty();
  }

  @Test
  void verifiesThatAPluginCommandKeepsItsApplianceTargetAndPayload() {
    // given a command encoded by a plugin for an appliance
    device("dev-1");
    ApplianceTarget target = new ApplianceTarget("echonet-lite", "home-air-conditioner", "192.168.1.50#1",
        new byte[] {0x10, (byte) 0x81, 0, 1}, "application/x-echonet-lite");
    Command command = Command.queued("cmd-1", "dev-1", "set", "{\"operation\":\"on\"}", T0, null, T0.plus(TTL), null, false)
        .withTarget(target);

    // when it is stored and delivered
    queue(command);
    List<Command> delivered = await(repo.deliver("dev-1", T0.plusSeconds(1), Duration.ofSeconds(30), 10));

    // then the target comes back unchanged, plain commands have none
    assertThat(await(repo.findById("cmd-1")).orElseThrow().target()).isEqualTo(target);
    assertThat(delivered).singleElement().extracting(Command::target).isEqualTo(target);
    queue(Command.queued("cmd-2", "dev-1", "ping", null, T0, null, T0.plus(TTL), null, false));
    assertThat(await(repo.findById("cmd-2")).orElseThrow().target()).isNull();
  }

  @Test
  void verifiesThatAnIdempotencyKeyAlreadyUsedReturnsTheOriginalCommandAndStoresNothing() {
    // given a command of dev-1 with idempotency key "k"
    device("dev-1");
    Command original = queue(Command.queued("cmd-1", "dev-1", "on", null, T0, null, T0.plus(TTL), "k", false));

    // when another command with the same key is created for the same device
    Command retry = Command.queued("cmd-2", "dev-1", "off", "{}", T0.plusSeconds(5), null, T0.plus(TTL), "k", true);
    CommandRepository.Created result = await(repo.create(retry));

    // then the original is returned, not stored again, and the second command does not exist
    assertThat(result.created()).isFalse();
    assertThat(result.command()).usingRecursiveComparison().isEqualTo(original);
    assertThat(await(repo.findById("cmd-2"))).isEmpty();
    assertThat(await(repo.listByDevice("dev-1", Set.of(), 0, 10))).extracting(Command::id).containsExactly("cmd-1");
  }

  @Test
  void verifiesThatAnIdempotencyKeyStillNamesTheCommandAfterItsStateChanged() {
    // given a command with key "k" that was delivered and completed
    device("dev-1");
    queue(Command.queued("cmd-1", "dev-1", "on", null, T0, null, T0.plus(TTL), "k", false));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10));
    Command done = await(repo.complete("cmd-1", "dev-1", new CommandResult(Status.OK, null, null), T0.plusSeconds(1)));

    // when the same key is used again
    CommandRepository.Created again = await(repo.create(
        Command.queued("cmd-2", "dev-1", "on", null, T0.plusSeconds(2), null, T0.plus(TTL), "k", false)));

    // then the completed command is returned as it is now
    assertThat(again.created()).isFalse();
    assertThat(again.command()).usingRecursiveComparison().isEqualTo(done);
  }

  @Test
  void verifiesThatRepeatingTheSameCreateWithItsIdempotencyKeyReturnsTheOriginal() {
    // given a command with id cmd-1 and key "k"
    device("dev-1");
    Command original = queue(Command.queued("cmd-1", "dev-1", "on", null, T0, null, T0.plus(TTL), "k", false));

    // when exactly the same create is issued again (a client retrying after a lost answer)
    CommandRepository.Created again = await(repo.create(original));

    // then it is answered as an idempotent repeat, not as a duplicate id
    assertThat(again.created()).isFalse();
    assertThat(again.command()).usingRecursiveComparison().isEqualTo(original);
  }

  @Test
  void verifiesThatTheSameIdempotencyKeyOnAnotherDeviceIsAnotherCommand() {
    // given two devices and a command of dev-1 with key "k"
    device("dev-1");
    device("dev-2");
    queue(Command.queued("cmd-1", "dev-1", "on", null, T0, null, T0.plus(TTL), "k", false));

    // when dev-2 gets a command with the same key
    CommandRepository.Created other = await(repo.create(
        Command.queued("cmd-2", "dev-2", "on", null, T0, null, T0.plus(TTL), "k", false)));

    // then it is stored: keys are unique per device only
    assertThat(other.created()).isTrue();
    assertThat(await(repo.findById("cmd-2"))).isPresent();
  }

  @Test
  void verifiesThatCommandsWithoutIdempotencyKeyNeverCollide() {
    // given a device
    device("dev-1");

    // when three commands without a key are created
    for (int i = 0; i < 3; i++) {
      assertThat(await(repo.create(command("cmd-" + i, "dev-1", T0.plusSeconds(i)))).created()).isTrue();
    }

    // then all three are stored
    assertThat(await(repo.listByDevice("dev-1", Set.of(), 0, 10))).hasSize(3);
  }

  @Test
  void verifiesThatConcurrentCreatesWithTheSameIdempotencyKeyStoreExactlyOneCommand() {
    // given a device
    device("dev-1");

    // when eight creates with different ids but the same key are issued together
    List<Future<CommandRepository.Created>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(repo.create(
          Command.queued("cmd-" + i, "dev-1", "on", null, T0.plusMillis(i), null, T0.plus(TTL), "same", false)));
    }
    List<CommandRepository.Created> results = new ArrayList<>();
    for (Future<CommandRepository.Created> attempt : attempts) {
      results.add(await(attempt));
    }

    // then all succeed, exactly one stored its command, and every call returned that one command
    assertThat(results).filteredOn(CommandRepository.Created::created).hasSize(1);
    String winner = results.stream().filter(CommandRepository.Created::created).findFirst().orElseThrow().command().id();
    assertThat(results).allSatisfy(r -> assertThat(r.command().id()).isEqualTo(winner));
    assertThat(await(repo.listByDevice("dev-1", Set.of(), 0, 100))).extracting(Command::id).containsExactly(winner);
  }

  @Test
  void verifiesThatUnknownIdsAndEmptyStoresGiveEmptyResults() {
    // given an empty store
    // when unknown records are looked up
    // then nothing is found and no sweep changes anything
    assertThat(await(repo.findById("nope"))).isEmpty();
    assertThat(await(repo.listByDevice("nope", Set.of(), 0, 10))).isEmpty();
    assertThat(await(repo.due("nope", T0, 10))).isEmpty();
    assertThat(await(repo.deliver("nope", T0, RESULT_TIMEOUT, 10))).isEmpty();
    assertThat(await(repo.markWoken("nope", T0))).isEmpty();
    assertThat(await(repo.expire(T0))).isEmpty();
    assertThat(await(repo.timeOut(T0))).isEmpty();
    assertThat(await(repo.devicesWithDueCommands(T0))).isEmpty();
  }

  @Test
  void verifiesThatNullArgumentsAreRefusedAtOnce() {
    // given a repository
    CommandResult ok = new CommandResult(Status.OK, null, null);
    // when a method is called with a null argument
    // then it throws NullPointerException before touching the database
    assertThatNullPointerException().isThrownBy(() -> repo.create(null));
    assertThatNullPointerException().isThrownBy(() -> repo.findById(null));
    assertThatNullPointerException().isThrownBy(() -> repo.listByDevice(null, Set.of(), 0, 1));
    assertThatNullPointerException().isThrownBy(() -> repo.listByDevice("d", null, 0, 1));
    assertThatNullPointerException().isThrownBy(() -> repo.due(null, T0, 1));
    assertThatNullPointerException().isThrownBy(() -> repo.due("d", null, 1));
    assertThatNullPointerException().isThrownBy(() -> repo.deliver(null, T0, RESULT_TIMEOUT, 1));
    assertThatNullPointerException().isThrownBy(() -> repo.deliver("d", null, RESULT_TIMEOUT, 1));
    assertThatNullPointerException().isThrownBy(() -> repo.deliver("d", T0, null, 1));
    assertThatNullPointerException().isThrownBy(() -> repo.markWoken(null, T0));
    assertThatNullPointerException().isThrownBy(() -> repo.markWoken("d", null));
    assertThatNullPointerException().isThrownBy(() -> repo.complete(null, "d", ok, T0));
    assertThatNullPointerException().isThrownBy(() -> repo.complete("c", null, ok, T0));
    assertThatNullPointerException().isThrownBy(() -> repo.complete("c", "d", null, T0));
    assertThatNullPointerException().isThrownBy(() -> repo.complete("c", "d", ok, null));
    assertThatNullPointerException().isThrownBy(() -> repo.cancel(null, T0));
    assertThatNullPointerException().isThrownBy(() -> repo.cancel("c", null));
    assertThatNullPointerException().isThrownBy(() -> repo.expire(null));
    assertThatNullPointerException().isThrownBy(() -> repo.timeOut(null));
    assertThatNullPointerException().isThrownBy(() -> repo.devicesWithDueCommands(null));
  }

  // -------------------------------------------------------------------------------------- lists

  @Test
  void verifiesThatListByDeviceOrdersByCreationTimeThenIdFiltersByStateAndPages() {
    // given two devices; dev-1 has five commands created out of order (two at the same instant),
    // one of them delivered and one cancelled
    device("dev-1");
    device("dev-2");
    queue(command("c-c", "dev-1", T0.plusSeconds(2)));
    queue(command("c-b", "dev-1", T0.plusSeconds(1)));
    queue(command("c-z", "dev-1", T0));
    queue(command("c-a", "dev-1", T0.plusSeconds(1)));
    queue(command("c-d", "dev-1", T0.plusSeconds(3)));
    queue(command("c-other", "dev-2", T0));
    await(repo.deliver("dev-1", T0.plusSeconds(10), RESULT_TIMEOUT, 1)); // c-z
    await(repo.cancel("c-c", T0.plusSeconds(10)));

    // when they are listed whole, page by page and filtered by state
    List<Command> all = await(repo.listByDevice("dev-1", Set.of(), 0, 100));
    List<Command> page1 = await(repo.listByDevice("dev-1", Set.of(), 0, 2));
    List<Command> page2 = await(repo.listByDevice("dev-1", Set.of(), 2, 2));
    List<Command> page3 = await(repo.listByDevice("dev-1", Set.of(), 4, 2));
    List<Command> none = await(repo.listByDevice("dev-1", Set.of(), 0, 0));
    List<Command> queued = await(repo.listByDevice("dev-1", Set.of(CommandState.QUEUED), 0, 100));
    List<Command> notQueued = await(repo.listByDevice("dev-1",
        EnumSet.of(CommandState.DELIVERED, CommandState.CANCELLED, CommandState.SUCCEEDED), 0, 100));
    List<Command> queuedPage = await(repo.listByDevice("dev-1", Set.of(CommandState.QUEUED), 1, 1));

    // then the order is creation time, then id; the pages cut it without overlap; only dev-1's
    // commands appear; the filter keeps exactly the states asked for
    assertThat(all).extracting(Command::id).containsExactly("c-z", "c-a", "c-b", "c-c", "c-d");
    assertThat(page1).extracting(Command::id).containsExactly("c-z", "c-a");
    assertThat(page2).extracting(Command::id).containsExactly("c-b", "c-c");
    assertThat(page3).extracting(Command::id).containsExactly("c-d");
    assertThat(none).isEmpty();
    assertThat(queued).extracting(Command::id).containsExactly("c-a", "c-b", "c-d");
    assertThat(notQueued).extracting(Command::id).containsExactly("c-z", "c-c");
    assertThat(queuedPage).extracting(Command::id).containsExactly("c-b");
  }

  @Test
  void verifiesThatListAndDueAndDeliverRefuseNegativeNumbers() {
    // given a device with a command
    device("dev-1");
    queue(command("cmd-1", "dev-1", T0));

    // when a negative offset, limit or result timeout is asked for
    // then the call fails as a caller error and nothing changes
    assertThat(failure(repo.listByDevice("dev-1", Set.of(), -1, 10))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.listByDevice("dev-1", Set.of(), 0, -1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.due("dev-1", T0, -1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.deliver("dev-1", T0, RESULT_TIMEOUT, -1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.deliver("dev-1", T0, Duration.ofSeconds(-1), 10)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 0))).isEmpty();
    assertThat(await(repo.findById("cmd-1"))).get().extracting(Command::state).isEqualTo(CommandState.QUEUED);
  }

  // ---------------------------------------------------------------------------------------- due

  @Test
  void verifiesThatDueHonoursNotBeforeExpiryStateAndOrderWithoutChangingAnything() {
    // given commands of dev-1: two plain, one not before T0+60s, one expiring at T0+30s, one already
    // delivered, one cancelled, the due ones then marked woken; and one of dev-2
    device("dev-1");
    device("dev-2");
    queue(command("c-plain", "dev-1", T0));
    queue(command("c-woken", "dev-1", T0.plusMillis(1)));
    queue(Command.queued("c-later", "dev-1", "on", null, T0.plusMillis(2), T0.plusSeconds(60), T0.plus(TTL), null, false));
    queue(Command.queued("c-short", "dev-1", "on", null, T0.plusMillis(3), null, T0.plusSeconds(30), null, false));
    queue(command("c-delivered", "dev-1", T0.minusSeconds(10)));
    queue(command("c-cancelled", "dev-1", T0.minusSeconds(9)));
    queue(command("c-other", "dev-2", T0));
    await(repo.deliver("dev-1", T0.minusSeconds(5), RESULT_TIMEOUT, 1)); // c-delivered
    await(repo.cancel("c-cancelled", T0));
    await(repo.markWoken("dev-1", T0.plusMillis(1)));

    // when the due commands are asked for at several instants
    List<Command> atT1 = await(repo.due("dev-1", T0.plusSeconds(1), 100));
    List<Command> justBeforeExpiry = await(repo.due("dev-1", T0.plusSeconds(30).minusMillis(1), 100));
    List<Command> atExpiry = await(repo.due("dev-1", T0.plusSeconds(30), 100));
    List<Command> atNotBefore = await(repo.due("dev-1", T0.plusSeconds(60), 100));
    List<Command> limited = await(repo.due("dev-1", T0.plusSeconds(60), 1));

    // then notBefore in the future is not due and is due from that instant on, a command is no longer
    // due from its expiry on, delivered and final commands and other devices' commands never are,
    // the order is oldest first, and nothing was changed by asking
    assertThat(atT1).extracting(Command::id).containsExactly("c-plain", "c-woken", "c-short");
    assertThat(justBeforeExpiry).extracting(Command::id).containsExactly("c-plain", "c-woken", "c-short");
    assertThat(atExpiry).extracting(Command::id).containsExactly("c-plain", "c-woken");
    assertThat(atNotBefore).extracting(Command::id).containsExactly("c-plain", "c-woken", "c-later");
    assertThat(limited).extracting(Command::id).containsExactly("c-plain");
    // and at each instant they are exactly the commands Command#isDueAt accepts: one rule, in SQL and Java
    List<Command> all = await(repo.listByDevice("dev-1", Set.of(), 0, 100));
    for (Instant at : List.of(T0.plusSeconds(1), T0.plusSeconds(30).minusMillis(1), T0.plusSeconds(30),
        T0.plusSeconds(60))) {
      assertThat(await(repo.due("dev-1", at, 100))).as("due at %s", at).usingRecursiveFieldByFieldElementComparator()
          .containsExactlyElementsOf(all.stream().filter(c -> c.isDueAt(at)).toList());
    }
    assertThat(await(repo.findById("c-plain"))).get().extracting(Command::state).isEqualTo(CommandState.WOKEN);
    assertThat(await(repo.findById("c-later"))).get().extracting(Command::state).isEqualTo(CommandState.QUEUED);
  }

  @Test
  void verifiesThatToOfferFindsTheDueCommandsAndTheLongUnansweredDeliveriesOfOneDeviceWithoutChangingAnything() {
    // given dev-1 with: a command delivered at T0 and one delivered at T0 + 20 s (both unanswered), one
    // delivered and answered, a due one, one not before T0 + 60 s, a cancelled one; and dev-2 with a due one
    device("dev-1");
    device("dev-2");
    queue(command("c-old-delivery", "dev-1", T0.minusSeconds(30)));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 1));
    queue(command("c-answered", "dev-1", T0.minusSeconds(29)));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 1));
    await(repo.complete("c-answered", "dev-1", new CommandResult(Status.OK, null, null), T0.plusSeconds(1)));
    queue(command("c-new-delivery", "dev-1", T0.minusSeconds(28)));
    await(repo.deliver("dev-1", T0.plusSeconds(20), RESULT_TIMEOUT, 1));
    queue(command("c-due", "dev-1", T0.minusSeconds(27)));
    queue(Command.queued("c-later", "dev-1", "on", null, T0.minusSeconds(26), T0.plusSeconds(60), T0.plus(TTL), null,
        false));
    queue(command("c-cancelled", "dev-1", T0.minusSeconds(25)));
    await(repo.cancel("c-cancelled", T0));
    queue(command("c-other", "dev-2", T0.minusSeconds(40)));
    List<Command> before = await(repo.listByDevice("dev-1", Set.of(), 0, 100));

    // when a hello at T0 + 25 s asks for what to offer, deliveries before T0 + 15 s counting as unanswered
    List<Command> offer = await(repo.toOffer("dev-1", T0.plusSeconds(25), T0.plusSeconds(15), 10));
    List<Command> limited = await(repo.toOffer("dev-1", T0.plusSeconds(25), T0.plusSeconds(15), 1));

    // then it gets the old unanswered delivery and the due command, oldest first, nothing of dev-2's, the
    // limit is honoured, and asking changed nothing
    assertThat(offer).extracting(Command::id).containsExactly("c-old-delivery", "c-due");
    assertThat(limited).extracting(Command::id).containsExactly("c-old-delivery");
    assertThat(await(repo.listByDevice("dev-1", Set.of(), 0, 100))).usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(before);
    // and once c-later's notBefore has passed, it is offered too
    assertThat(await(repo.toOffer("dev-1", T0.plusSeconds(60), T0.plusSeconds(15), 10))).extracting(Command::id)
        .containsExactly("c-old-delivery", "c-due", "c-later");
    assertThatNullPointerException().isThrownBy(() -> repo.toOffer("dev-1", T0, null, 1));
    assertThat(failure(repo.toOffer("dev-1", T0, T0, -1))).isInstanceOf(IllegalArgumentException.class);
  }

  // -------------------------------------------------------------------------------------- deliver

  @Test
  void verifiesThatDeliverMovesTheOldestDueCommandsUpToTheLimitAndRecordsTheDelivery() {
    // given four due commands of dev-1 created out of order, and one of dev-2
    device("dev-1");
    device("dev-2");
    queue(command("c-3", "dev-1", T0.plusSeconds(3)));
    queue(command("c-1", "dev-1", T0.plusSeconds(1)));
    queue(command("c-2b", "dev-1", T0.plusSeconds(2)));
    queue(command("c-2a", "dev-1", T0.plusSeconds(2)));
    queue(command("c-other", "dev-2", T0));
    Instant now = T0.plusSeconds(10);

    // when three are delivered, then the rest
    List<Command> first = await(repo.deliver("dev-1", now, RESULT_TIMEOUT, 3));
    List<Command> second = await(repo.deliver("dev-1", now.plusSeconds(1), RESULT_TIMEOUT, 3));
    List<Command> third = await(repo.deliver("dev-1", now.plusSeconds(2), RESULT_TIMEOUT, 3));

    // then the first call got the three oldest (creation time, then id), DELIVERED with the delivery
    // recorded; the second got the last one; the third nothing; dev-2's command was not touched
    assertThat(first).extracting(Command::id).containsExactly("c-1", "c-2a", "c-2b");
    assertThat(first).allSatisfy(c -> {
      assertThat(c.state()).isEqualTo(CommandState.DELIVERED);
      assertThat(c.deliveredAt()).isEqualTo(now);
      assertThat(c.resultDeadline()).isEqualTo(now.plus(RESULT_TIMEOUT));
      assertThat(c.deliveries()).isEqualTo(1);
      assertThat(c.completedAt()).isNull();
      assertThat(c.result()).isNull();
      assertThat(await(repo.findById(c.id()))).get().usingRecursiveComparison().isEqualTo(c);
    });
    assertThat(second).extracting(Command::id).containsExactly("c-3");
    assertThat(third).isEmpty();
    assertThat(await(repo.findById("c-other"))).get().extracting(Command::state).isEqualTo(CommandState.QUEUED);
  }

  @Test
  void verifiesThatACommandWithNotBeforeInTheFutureIsDeliveredOnlyFromThatInstant() {
    // given a command of dev-1 not to be delivered before T0 + 60 s
    device("dev-1");
    queue(Command.queued("cmd-1", "dev-1", "cook", null, T0, T0.plusSeconds(60), T0.plus(TTL), null, false));

    // when it is delivered one millisecond before, and at that instant
    List<Command> early = await(repo.deliver("dev-1", T0.plusSeconds(60).minusMillis(1), RESULT_TIMEOUT, 10));
    List<Command> onTime = await(repo.deliver("dev-1", T0.plusSeconds(60), RESULT_TIMEOUT, 10));

    // then it is held back first and delivered on time
    assertThat(early).isEmpty();
    assertThat(onTime).extracting(Command::id).containsExactly("cmd-1");
  }

  @Test
  void verifiesThatAnExpiredCommandIsNotDeliveredAndExpireMovesIt() {
    // given a command that expires at T0 + 30 s, and one that lives longer
    device("dev-1");
    queue(Command.queued("c-short", "dev-1", "on", null, T0, null, T0.plusSeconds(30), null, false));
    queue(command("c-long", "dev-1", T0.plusMillis(1)));
    Instant expiry = T0.plusSeconds(30);

    // when the device asks for its commands at the expiry instant, then the expiry sweep runs
    List<Command> delivered = await(repo.deliver("dev-1", expiry, RESULT_TIMEOUT, 10));
    List<Command> expired = await(repo.expire(expiry));
    List<Command> expiredAgain = await(repo.expire(expiry.plusSeconds(1)));

    // then only the long-lived one was delivered; the sweep moved the short one to EXPIRED (once),
    // with completedAt, and the delivered one is not expired by it
    assertThat(delivered).extracting(Command::id).containsExactly("c-long");
    assertThat(expired).extracting(Command::id).containsExactly("c-short");
    assertThat(expired.get(0).state()).isEqualTo(CommandState.EXPIRED);
    assertThat(expired.get(0).completedAt()).isEqualTo(expiry);
    assertThat(expired.get(0).deliveries()).isZero();
    assertThat(expiredAgain).isEmpty();
    assertThat(await(repo.findById("c-short"))).get().usingRecursiveComparison().isEqualTo(expired.get(0));
    assertThat(await(repo.findById("c-long"))).get().extracting(Command::state).isEqualTo(CommandState.DELIVERED);
  }

  @Test
  void verifiesThatExpireMovesQueuedAndWokenCommandsButNotUnexpiredOrDeliveredOnes() {
    // given a queued and a woken command expiring at T0 + 30 s, one expiring later, and a delivered one
    // whose TTL also passed
    device("dev-1");
    device("dev-2");
    queue(Command.queued("c-queued", "dev-1", "on", null, T0, null, T0.plusSeconds(30), null, false));
    queue(Command.queued("c-woken", "dev-2", "on", null, T0.plusMillis(1), null, T0.plusSeconds(30), null, false));
    queue(Command.queued("c-delivered", "dev-1", "on", null, T0.minusSeconds(1), null, T0.plusSeconds(30), null, false));
    queue(command("c-later", "dev-1", T0.plusMillis(2)));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 1)); // c-delivered
    await(repo.markWoken("dev-2", T0));

    // when the sweep runs one millisecond before the expiry, and after it
    List<Command> early = await(repo.expire(T0.plusSeconds(30).minusMillis(1)));
    List<Command> swept = await(repo.expire(T0.plusSeconds(31)));

    // then nothing expires early; afterwards both undelivered ones are EXPIRED, oldest first
    assertThat(early).isEmpty();
    assertThat(swept).extracting(Command::id).containsExactly("c-queued", "c-woken");
    assertThat(swept).allSatisfy(c -> assertThat(c.state()).isEqualTo(CommandState.EXPIRED));
    assertThat(await(repo.findById("c-delivered"))).get().extracting(Command::state).isEqualTo(CommandState.DELIVERED);
    assertThat(await(repo.findById("c-later"))).get().extracting(Command::state).isEqualTo(CommandState.QUEUED);
  }

  @Test
  void verifiesThatConcurrentDeliveriesNeverHandOutTheSameCommandTwice() {
    // given forty due commands of one device
    device("dev-1");
    for (int i = 0; i < 40; i++) {
      queue(command(String.format("cmd-%02d", i), "dev-1", T0.plusMillis(i)));
    }

    // when twelve deliveries of up to five commands each are issued together
    List<Future<List<Command>>> attempts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      attempts.add(repo.deliver("dev-1", T0.plusSeconds(1), RESULT_TIMEOUT, 5));
    }
    List<String> handedOut = new ArrayList<>();
    for (Future<List<Command>> attempt : attempts) {
      List<Command> got = await(attempt);
      assertThat(got).hasSizeLessThanOrEqualTo(5);
      got.forEach(c -> handedOut.add(c.id()));
    }

    // then every command was handed out exactly once, and each was delivered once
    assertThat(handedOut).doesNotHaveDuplicates().hasSize(40);
    assertThat(await(repo.listByDevice("dev-1", Set.of(), 0, 100))).allSatisfy(c -> {
      assertThat(c.state()).isEqualTo(CommandState.DELIVERED);
      assertThat(c.deliveries()).isEqualTo(1);
    });
  }

  @Test
  void verifiesThatDeliveriesRacingTheExpirySweepAndCancelsNeverBothWin() {
    // given twenty due commands that expire at T0 + 30 s
    device("dev-1");
    for (int i = 0; i < 20; i++) {
      queue(Command.queued(String.format("cmd-%02d", i), "dev-1", "on", null, T0.plusMillis(i), null,
          T0.plusSeconds(30), null, false));
    }

    // when deliveries (just before expiry), cancels and an expiry sweep (after expiry) run together
    List<Future<List<Command>>> deliveries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      deliveries.add(repo.deliver("dev-1", T0.plusSeconds(29), RESULT_TIMEOUT, 3));
    }
    List<Future<Command>> cancels = new ArrayList<>();
    for (int i = 0; i < 20; i += 4) {
      cancels.add(repo.cancel(String.format("cmd-%02d", i), T0.plusSeconds(29)));
    }
    Future<List<Command>> sweep = repo.expire(T0.plusSeconds(31));

    // then every command was moved by exactly one of them, and its stored state is that one's
    List<String> moved = new ArrayList<>();
    for (Future<List<Command>> d : deliveries) {
      await(d).forEach(c -> moved.add(c.id() + ":DELIVERED"));
    }
    for (Future<Command> c : cancels) {
      if (outcome(c) == null) {
        moved.add(c.result().id() + ":CANCELLED");
      } else {
        assertThat(c.cause()).isInstanceOf(Refusal.Conflict.class);
      }
    }
    await(sweep).forEach(c -> moved.add(c.id() + ":EXPIRED"));
    assertThat(moved).hasSize(20);
    assertThat(moved.stream().map(m -> m.substring(0, m.indexOf(':')))).doesNotHaveDuplicates();
    for (String m : moved) {
      String id = m.substring(0, m.indexOf(':'));
      assertThat(await(repo.findById(id))).get().extracting(c -> c.state().name()).isEqualTo(m.substring(m.indexOf(':') + 1));
    }
  }

  // ------------------------------------------------------------------------------------ markWoken

  @Test
  void verifiesThatMarkWokenMovesOnlyDueQueuedCommandsOfTheDevice() {
    // given dev-1 with a due command, one not before T0 + 60 s, an expired one and a delivered one,
    // and dev-2 with a due command
    device("dev-1");
    device("dev-2");
    queue(command("c-due", "dev-1", T0));
    queue(Command.queued("c-later", "dev-1", "on", null, T0, T0.plusSeconds(60), T0.plus(TTL), null, false));
    queue(Command.queued("c-gone", "dev-1", "on", null, T0, null, T0.plusSeconds(1), null, false));
    queue(command("c-delivered", "dev-1", T0.minusSeconds(1)));
    queue(command("c-other", "dev-2", T0));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 1)); // c-delivered

    // when dev-1 is marked woken at T0 + 10 s, and again
    List<Command> woken = await(repo.markWoken("dev-1", T0.plusSeconds(10)));
    List<Command> again = await(repo.markWoken("dev-1", T0.plusSeconds(11)));

    // then only the due queued command is WOKEN (and returned once); it is still due and deliverable
    assertThat(woken).extracting(Command::id).containsExactly("c-due");
    assertThat(woken.get(0).state()).isEqualTo(CommandState.WOKEN);
    assertThat(woken.get(0).deliveredAt()).isNull();
    assertThat(again).isEmpty();
    assertThat(await(repo.findById("c-later"))).get().extracting(Command::state).isEqualTo(CommandState.QUEUED);
    assertThat(await(repo.findById("c-gone"))).get().extracting(Command::state).isEqualTo(CommandState.QUEUED);
    assertThat(await(repo.findById("c-other"))).get().extracting(Command::state).isEqualTo(CommandState.QUEUED);
    assertThat(await(repo.due("dev-1", T0.plusSeconds(12), 10))).extracting(Command::id).containsExactly("c-due");
    assertThat(await(repo.deliver("dev-1", T0.plusSeconds(12), RESULT_TIMEOUT, 10)))
        .extracting(Command::id).containsExactly("c-due");
  }

  // ------------------------------------------------------------------------------------- complete

  @Test
  void verifiesThatCompleteRecordsTheResultAndTheFinalState() {
    // given three delivered commands
    device("dev-1");
    queue(command("c-ok", "dev-1", T0));
    queue(command("c-error", "dev-1", T0.plusMillis(1)));
    queue(command("c-rejected", "dev-1", T0.plusMillis(2)));
    await(repo.deliver("dev-1", T0.plusSeconds(1), RESULT_TIMEOUT, 10));
    Instant at = T0.plusSeconds(5);

    // when the device reports ok with data, error with a code, and rejected without anything
    Command ok = await(repo.complete("c-ok", "dev-1", new CommandResult(Status.OK, "0x80", "{\"temp\":21}"), at));
    Command error = await(repo.complete("c-error", "dev-1", new CommandResult(Status.ERROR, "E42", null), at));
    Command rejected = await(repo.complete("c-rejected", "dev-1", new CommandResult(Status.REJECTED, null, null), at));

    // then ok is SUCCEEDED, the others FAILED, each with completedAt and its result as reported,
    // the delivery record kept, and the stored commands equal the returned ones
    assertThat(ok.state()).isEqualTo(CommandState.SUCCEEDED);
    assertThat(ok.result()).isEqualTo(new CommandResult(Status.OK, "0x80", "{\"temp\":21}"));
    assertThat(error.state()).isEqualTo(CommandState.FAILED);
    assertThat(error.result()).isEqualTo(new CommandResult(Status.ERROR, "E42", null));
    assertThat(rejected.state()).isEqualTo(CommandState.FAILED);
    assertThat(rejected.result()).isEqualTo(new CommandResult(Status.REJECTED, null, null));
    for (Command c : List.of(ok, error, rejected)) {
      assertThat(c.completedAt()).isEqualTo(at);
      assertThat(c.deliveredAt()).isEqualTo(T0.plusSeconds(1));
      assertThat(c.deliveries()).isEqualTo(1);
      assertThat(await(repo.findById(c.id()))).get().usingRecursiveComparison().isEqualTo(c);
    }
  }

  @Test
  void verifiesThatASecondResultIsAConflictAndTheFirstIsKept() {
    // given a delivered command that already has a result
    device("dev-1");
    queue(command("cmd-1", "dev-1", T0));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10));
    Command first = await(repo.complete("cmd-1", "dev-1", new CommandResult(Status.OK, null, "1"), T0.plusSeconds(1)));

    // when another result is reported for it
    Throwable failure = failure(repo.complete("cmd-1", "dev-1", new CommandResult(Status.ERROR, "x", null),
        T0.plusSeconds(2)));

    // then it is a conflict, and the first result stays
    assertThat(failure).isInstanceOf(Refusal.Conflict.class).hasMessageContaining("cmd-1");
    assertThat(await(repo.findById("cmd-1"))).get().usingRecursiveComparison().isEqualTo(first);
  }

  @Test
  void verifiesThatConcurrentResultsForOneCommandLetExactlyOneWin() {
    // given a delivered command
    device("dev-1");
    queue(command("cmd-1", "dev-1", T0));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10));

    // when eight results, each with its own code, are reported together
    List<Future<Command>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(repo.complete("cmd-1", "dev-1", new CommandResult(Status.OK, "r" + i, null), T0.plusSeconds(1)));
    }
    List<Command> winners = new ArrayList<>();
    List<Throwable> losers = new ArrayList<>();
    for (Future<Command> attempt : attempts) {
      Throwable f = outcome(attempt);
      if (f == null) {
        winners.add(attempt.result());
      } else {
        losers.add(f);
      }
    }

    // then exactly one is recorded, and the others are conflicts
    assertThat(winners).hasSize(1);
    assertThat(losers).hasSize(7).allSatisfy(f -> assertThat(f).isInstanceOf(Refusal.Conflict.class));
    assertThat(await(repo.findById("cmd-1"))).get().usingRecursiveComparison().isEqualTo(winners.get(0));
  }

  @Test
  void verifiesThatAResultFromAnotherDeviceOrForAnUnknownCommandIsNotFound() {
    // given a delivered command of dev-1, and another device dev-2
    device("dev-1");
    device("dev-2");
    queue(command("cmd-1", "dev-1", T0));
    Command delivered = await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10)).get(0);
    CommandResult ok = new CommandResult(Status.OK, null, null);

    // when dev-2 reports a result for it, and dev-1 for a command that does not exist
    Throwable foreign = failure(repo.complete("cmd-1", "dev-2", ok, T0.plusSeconds(1)));
    Throwable unknown = failure(repo.complete("nope", "dev-1", ok, T0.plusSeconds(1)));

    // then both are not found (a device learns nothing of other devices' commands), and the command
    // still waits for dev-1's result
    assertThat(foreign).isInstanceOf(Refusal.NotFound.class);
    assertThat(unknown).isInstanceOf(Refusal.NotFound.class);
    assertThat(await(repo.findById("cmd-1"))).get().usingRecursiveComparison().isEqualTo(delivered);
    assertThat(await(repo.complete("cmd-1", "dev-1", ok, T0.plusSeconds(2))).state()).isEqualTo(CommandState.SUCCEEDED);
  }

  @Test
  void verifiesThatAResultForACommandThatWasNeverDeliveredIsAConflict() {
    // given a queued, a woken, a cancelled and an expired command
    device("dev-1");
    device("dev-2");
    queue(command("c-queued", "dev-1", T0));
    queue(command("c-woken", "dev-2", T0));
    queue(command("c-cancelled", "dev-1", T0.plusMillis(1)));
    queue(Command.queued("c-expired", "dev-1", "on", null, T0.plusMillis(2), null, T0.plusSeconds(1), null, false));
    await(repo.markWoken("dev-2", T0));
    await(repo.cancel("c-cancelled", T0));
    await(repo.expire(T0.plusSeconds(2)));
    CommandResult ok = new CommandResult(Status.OK, null, null);

    // when a result is reported for each
    // then each is a conflict and none changes
    for (String id : List.of("c-queued", "c-cancelled", "c-expired")) {
      Command before = await(repo.findById(id)).orElseThrow();
      assertThat(failure(repo.complete(id, "dev-1", ok, T0.plusSeconds(3)))).as(id).isInstanceOf(Refusal.Conflict.class);
      assertThat(await(repo.findById(id))).get().usingRecursiveComparison().isEqualTo(before);
    }
    assertThat(failure(repo.complete("c-woken", "dev-2", ok, T0.plusSeconds(3)))).isInstanceOf(Refusal.Conflict.class);
    assertThat(await(repo.findById("c-woken"))).get().extracting(Command::state).isEqualTo(CommandState.WOKEN);
  }

  // -------------------------------------------------------------------------------------- timeOut

  @Test
  void verifiesThatADeliveredCommandWithoutAResultTimesOutAtItsDeadline() {
    // given a command delivered at T0 + 1 s, with a 30 s result timeout
    device("dev-1");
    queue(command("cmd-1", "dev-1", T0));
    await(repo.deliver("dev-1", T0.plusSeconds(1), RESULT_TIMEOUT, 10));
    Instant deadline = T0.plusSeconds(1).plus(RESULT_TIMEOUT);

    // when the timeout sweep runs one millisecond before the deadline, at it, and again later
    List<Command> early = await(repo.timeOut(deadline.minusMillis(1)));
    List<Command> onTime = await(repo.timeOut(deadline));
    List<Command> again = await(repo.timeOut(deadline.plusSeconds(1)));

    // then it times out exactly at the deadline, once, with completedAt and no result
    assertThat(early).isEmpty();
    assertThat(onTime).extracting(Command::id).containsExactly("cmd-1");
    Command timedOut = onTime.get(0);
    assertThat(timedOut.state()).isEqualTo(CommandState.TIMED_OUT);
    assertThat(timedOut.completedAt()).isEqualTo(deadline);
    assertThat(timedOut.result()).isNull();
    assertThat(again).isEmpty();
    assertThat(await(repo.findById("cmd-1"))).get().usingRecursiveComparison().isEqualTo(timedOut);
  }

  @Test
  void verifiesThatALateResultAfterTheTimeoutIsStillRecorded() {
    // given a delivered command that timed out
    device("dev-1");
    queue(command("cmd-1", "dev-1", T0));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10));
    await(repo.timeOut(T0.plus(RESULT_TIMEOUT)));

    // when its result arrives late
    Instant late = T0.plus(RESULT_TIMEOUT).plusSeconds(5);
    Command completed = await(repo.complete("cmd-1", "dev-1", new CommandResult(Status.ERROR, "late", null), late));

    // then it is recorded: FAILED with the result and the time it arrived; a second one is refused
    assertThat(completed.state()).isEqualTo(CommandState.FAILED);
    assertThat(completed.result()).isEqualTo(new CommandResult(Status.ERROR, "late", null));
    assertThat(completed.completedAt()).isEqualTo(late);
    assertThat(failure(repo.complete("cmd-1", "dev-1", new CommandResult(Status.OK, null, null), late.plusSeconds(1))))
        .isInstanceOf(Refusal.Conflict.class);
    assertThat(await(repo.findById("cmd-1"))).get().usingRecursiveComparison().isEqualTo(completed);
  }

  @Test
  void verifiesThatARetryableCommandThatTimesOutIsQueuedAgainAndDeliveredAgain() {
    // given a retryable command delivered at T0
    device("dev-1");
    queue(Command.queued("cmd-1", "dev-1", "on", null, T0, null, T0.plus(TTL), null, true));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10));

    // when its result deadline passes
    List<Command> swept = await(repo.timeOut(T0.plus(RESULT_TIMEOUT)));

    // then it is QUEUED again, its delivery instants cleared, its delivery count kept, and it is due
    assertThat(swept).hasSize(1);
    Command requeued = swept.get(0);
    assertThat(requeued.state()).isEqualTo(CommandState.QUEUED);
    assertThat(requeued.deliveredAt()).isNull();
    assertThat(requeued.resultDeadline()).isNull();
    assertThat(requeued.completedAt()).isNull();
    assertThat(requeued.deliveries()).isEqualTo(1);
    assertThat(await(repo.findById("cmd-1"))).get().usingRecursiveComparison().isEqualTo(requeued);
    assertThat(await(repo.devicesWithDueCommands(T0.plus(RESULT_TIMEOUT)))).containsExactly("dev-1");

    // and when it is delivered again, it counts a second delivery and can be completed
    Instant again = T0.plus(RESULT_TIMEOUT).plusSeconds(1);
    List<Command> redelivered = await(repo.deliver("dev-1", again, RESULT_TIMEOUT, 10));
    assertThat(redelivered).hasSize(1);
    assertThat(redelivered.get(0).deliveries()).isEqualTo(2);
    assertThat(redelivered.get(0).deliveredAt()).isEqualTo(again);
    assertThat(redelivered.get(0).resultDeadline()).isEqualTo(again.plus(RESULT_TIMEOUT));
    assertThat(await(repo.complete("cmd-1", "dev-1", new CommandResult(Status.OK, null, null), again.plusSeconds(1)))
        .state()).isEqualTo(CommandState.SUCCEEDED);
  }

  @Test
  void verifiesThatARetryableCommandPastItsTtlTimesOutInsteadOfRequeueing() {
    // given a retryable command that expires at T0 + 20 s, delivered at T0 with a 30 s result timeout,
    // and a non-retryable one delivered with it
    device("dev-1");
    queue(Command.queued("c-retry", "dev-1", "on", null, T0, null, T0.plusSeconds(20), null, true));
    queue(command("c-once", "dev-1", T0.plusMillis(1)));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10));

    // when the timeout sweep runs at the deadline
    List<Command> swept = await(repo.timeOut(T0.plus(RESULT_TIMEOUT)));

    // then both time out, oldest first: a retry after the TTL would deliver an expired command
    assertThat(swept).extracting(Command::id).containsExactly("c-retry", "c-once");
    assertThat(swept).allSatisfy(c -> {
      assertThat(c.state()).isEqualTo(CommandState.TIMED_OUT);
      assertThat(c.completedAt()).isEqualTo(T0.plus(RESULT_TIMEOUT));
    });
  }

  // --------------------------------------------------------------------------------------- cancel

  @Test
  void verifiesThatQueuedAndWokenCommandsCanBeCancelled() {
    // given a queued and a woken command
    device("dev-1");
    device("dev-2");
    queue(command("c-queued", "dev-1", T0));
    queue(command("c-woken", "dev-2", T0));
    await(repo.markWoken("dev-2", T0));

    // when both are cancelled
    Command queued = await(repo.cancel("c-queued", T0.plusSeconds(1)));
    Command woken = await(repo.cancel("c-woken", T0.plusSeconds(2)));

    // then both are CANCELLED with completedAt, no longer due, and never delivered
    assertThat(queued.state()).isEqualTo(CommandState.CANCELLED);
    assertThat(queued.completedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(woken.state()).isEqualTo(CommandState.CANCELLED);
    assertThat(woken.completedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(await(repo.findById("c-queued"))).get().usingRecursiveComparison().isEqualTo(queued);
    assertThat(await(repo.due("dev-1", T0.plusSeconds(3), 10))).isEmpty();
    assertThat(await(repo.deliver("dev-2", T0.plusSeconds(3), RESULT_TIMEOUT, 10))).isEmpty();
    assertThat(await(repo.devicesWithDueCommands(T0.plusSeconds(3)))).isEmpty();
  }

  @Test
  void verifiesThatCancellingADeliveredFinalOrUnknownCommandFails() {
    // given a delivered command, a completed one and an already cancelled one
    device("dev-1");
    queue(command("c-delivered", "dev-1", T0));
    queue(command("c-done", "dev-1", T0.plusMillis(1)));
    queue(command("c-cancelled", "dev-1", T0.plusMillis(2)));
    await(repo.cancel("c-cancelled", T0));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10));
    await(repo.complete("c-done", "dev-1", new CommandResult(Status.OK, null, null), T0.plusSeconds(1)));

    // when each is cancelled, and a command that does not exist
    // then the first three are conflicts and leave the command unchanged, the last is not found
    for (String id : List.of("c-delivered", "c-done", "c-cancelled")) {
      Command before = await(repo.findById(id)).orElseThrow();
      assertThat(failure(repo.cancel(id, T0.plusSeconds(5)))).as(id).isInstanceOf(Refusal.Conflict.class)
          .hasMessageContaining(id);
      assertThat(await(repo.findById(id))).get().usingRecursiveComparison().isEqualTo(before);
    }
    assertThat(failure(repo.cancel("nope", T0.plusSeconds(5)))).isInstanceOf(Refusal.NotFound.class);
  }

  // ----------------------------------------------------------------------- schedule queries

  @Test
  void verifiesThatDevicesWithDueCommandsListsEachDeviceOnceWhenSomethingIsDue() {
    // given dev-a with two due commands, dev-b with a woken one, dev-c with one not before T0 + 60 s,
    // dev-d with one that expired, dev-e with a delivered one, dev-f with none
    for (String id : List.of("dev-a", "dev-b", "dev-c", "dev-d", "dev-e", "dev-f")) {
      device(id);
    }
    queue(command("a1", "dev-a", T0));
    queue(command("a2", "dev-a", T0.plusMillis(1)));
    queue(command("b1", "dev-b", T0));
    await(repo.markWoken("dev-b", T0));
    queue(Command.queued("c1", "dev-c", "on", null, T0, T0.plusSeconds(60), T0.plus(TTL), null, false));
    queue(Command.queued("d1", "dev-d", "on", null, T0, null, T0.plusSeconds(5), null, false));
    queue(command("e1", "dev-e", T0));
    await(repo.deliver("dev-e", T0, RESULT_TIMEOUT, 10));

    // when the devices with due commands are asked for at T0 + 10 s and at T0 + 60 s
    List<String> now = await(repo.devicesWithDueCommands(T0.plusSeconds(10)));
    List<String> later = await(repo.devicesWithDueCommands(T0.plusSeconds(60)));

    // then each device with something due appears once, in id order
    assertThat(now).containsExactly("dev-a", "dev-b");
    assertThat(later).containsExactly("dev-a", "dev-b", "dev-c");
  }

  // ----------------------------------------------------------------------- devices, durability

  @Test
  void verifiesThatDeletingADeviceDeletesItsCommands() {
    // given two devices with commands in several states
    device("dev-1");
    device("dev-2");
    queue(command("c-1", "dev-1", T0));
    queue(command("c-2", "dev-1", T0.plusMillis(1)));
    queue(Command.queued("c-3", "dev-1", "on", null, T0, null, T0.plus(TTL), "k", false));
    queue(command("c-other", "dev-2", T0));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 1));

    // when dev-1 is deleted
    assertThat(await(store.devices().delete("dev-1", T0.plusSeconds(1)))).isPresent();

    // then its commands are gone, dev-2's stays, and nothing of dev-1 is due or scheduled any more
    for (String id : List.of("c-1", "c-2", "c-3")) {
      assertThat(await(repo.findById(id))).as(id).isEmpty();
    }
    assertThat(await(repo.listByDevice("dev-1", Set.of(), 0, 10))).isEmpty();
    assertThat(await(repo.findById("c-other"))).isPresent();
    assertThat(await(repo.devicesWithDueCommands(T0.plusSeconds(2)))).containsExactly("dev-2");
    assertThat(await(repo.timeOut(T0.plus(TTL)))).isEmpty();

    // and a new device with the same id starts without commands; its idempotency keys are free again
    device("dev-1");
    assertThat(await(repo.create(Command.queued("c-4", "dev-1", "on", null, T0, null, T0.plus(TTL), "k", false)))
        .created()).isTrue();
  }

  @Test
  void verifiesThatCommandsSurviveARestartOfTheStore(Vertx vertx) {
    // given commands in each of the eight states, with every field set somewhere:
    // dev-1 gets four commands delivered at T0 - 5 s: three with a 1 s result timeout (two of them
    // then completed, one timed out), one with a 30 s timeout (still in flight)
    device("dev-1");
    device("dev-2");
    queue(command("c-succeeded", "dev-1", T0.minusSeconds(9)));
    queue(command("c-failed", "dev-1", T0.minusSeconds(8)));
    queue(command("c-timed-out", "dev-1", T0.minusSeconds(7)));
    queue(command("c-delivered", "dev-1", T0.minusSeconds(6)));
    assertThat(await(repo.deliver("dev-1", T0.minusSeconds(5), Duration.ofSeconds(1), 3))).hasSize(3);
    assertThat(await(repo.deliver("dev-1", T0.minusSeconds(5), RESULT_TIMEOUT, 3))).hasSize(1);
    await(repo.complete("c-succeeded", "dev-1", new CommandResult(Status.OK, "0", "{\"t\":\"ü\"}"), T0.minusSeconds(4)));
    await(repo.complete("c-failed", "dev-1", new CommandResult(Status.REJECTED, "busy", null), T0.minusSeconds(4)));
    assertThat(await(repo.timeOut(T0.minusSeconds(4)))).extracting(Command::id).containsExactly("c-timed-out");
    // and a cancelled one, an expired one, a queued one for later; dev-2 a woken one
    queue(command("c-cancelled", "dev-1", T0.minusSeconds(3)));
    await(repo.cancel("c-cancelled", T0.minusSeconds(3)));
    queue(Command.queued("c-expired", "dev-1", "on", null, T0.minusSeconds(2), null, T0.minusSeconds(1), null, false));
    assertThat(await(repo.expire(T0))).extracting(Command::id).containsExactly("c-expired");
    queue(Command.queued("c-queued", "dev-1", "on", "{\"a\":[1,2]}", T0, T0.plusSeconds(60), T0.plus(TTL), "k1", true));
    queue(command("c-woken", "dev-2", T0));
    await(repo.markWoken("dev-2", T0));
    List<Command> before = new ArrayList<>(await(repo.listByDevice("dev-1", Set.of(), 0, 100)));
    before.addAll(await(repo.listByDevice("dev-2", Set.of(), 0, 100)));
    assertThat(before).extracting(Command::state).containsExactlyInAnyOrder(CommandState.values());

    // when the store is closed and the same database opened again
    await(store.close());
    store = null;
    store = await(reopenStore(vertx));
    repo = store.commands();

    // then every command is there as it was
    List<Command> after = new ArrayList<>(await(repo.listByDevice("dev-1", Set.of(), 0, 100)));
    after.addAll(await(repo.listByDevice("dev-2", Set.of(), 0, 100)));
    assertThat(after).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(before);
    for (Command c : before) {
      assertThat(await(repo.findById(c.id()))).as(c.id()).get().usingRecursiveComparison().isEqualTo(c);
    }

    // and the work goes on where it stopped: the idempotency key still holds, the schedule is known,
    // the in-flight command takes its result, the late one too, the woken one is delivered
    assertThat(await(repo.create(Command.queued("c-again", "dev-1", "on", null, T0, null, T0.plus(TTL), "k1", false)))
        .command().id()).isEqualTo("c-queued");
    assertThat(await(repo.devicesWithDueCommands(T0))).containsExactly("dev-2");
    assertThat(await(repo.due("dev-1", T0.plusSeconds(60), 10))).extracting(Command::id).containsExactly("c-queued");
    CommandResult ok = new CommandResult(Status.OK, null, null);
    assertThat(await(repo.complete("c-delivered", "dev-1", ok, T0)).state()).isEqualTo(CommandState.SUCCEEDED);
    assertThat(await(repo.complete("c-timed-out", "dev-1", ok, T0)).state()).isEqualTo(CommandState.SUCCEEDED);
    assertThat(await(repo.deliver("dev-2", T0.plusSeconds(1), RESULT_TIMEOUT, 10)))
        .extracting(Command::id).containsExactly("c-woken");
  }

  // ----------------------------------------------------------------------------------- helpers

  /** Creates a pending device with a first enrollment token (derived from its id), as the API would. */
  protected Device device(String id) {
    Device device = Device.pending(id, null, "acme", null, T0.minus(Duration.ofDays(1)));
    await(store.devices().create(device, new EnrollmentToken(sha256Hex("token-of-" + id), id, device.createdAt(),
        device.createdAt().plus(Duration.ofDays(2)), null)));
    return device;
  }

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A plain command: no params, no notBefore, no idempotency key, not retryable, TTL {@link #TTL}. */
  protected static Command command(String id, String deviceId, Instant createdAt) {
    return Command.queued(id, deviceId, "on", null, createdAt, null, createdAt.plus(TTL), null, false);
  }

  /** Creates {@code command}, which must be stored by this call, and returns it. */
  protected Command queue(Command command) {
    CommandRepository.Created created = await(repo.create(command));
    assertThat(created.created()).as("created " + command.id()).isTrue();
    return created.command();
  }

}
