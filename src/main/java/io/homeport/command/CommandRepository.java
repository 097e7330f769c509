package io.homeport.command;

import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable commands. Every state change is a conditional write (the state it leaves is part of the
 * WHERE clause), so concurrent sweeps, deliveries and results cannot both win, and nothing is
 * half-written on failure. Commands of a deleted device are deleted with it.
 *
 * <p>The repository reads no clock: every method that depends on time is given {@code now}. Instants
 * are stored with millisecond precision. "Oldest first" means by {@code createdAt}, then by id. Null
 * arguments throw {@link NullPointerException}; a negative offset, limit or result timeout fails the
 * returned future with {@link IllegalArgumentException}; every other failure is reported through the
 * returned future. The behaviour is pinned down by {@code CommandRepositoryContract} in the tests,
 * which every implementation runs.
 */
public interface CommandRepository {

  /** The outcome of {@link #create}: the stored command, and whether this call stored it. */
  record Created(Command command, boolean created) {}

  /**
   * Stores a new QUEUED command. When the command has an idempotency key and the device already has
   * a command with that key, nothing is stored and that command is returned with {@code created=false},
   * in whatever state it is now (also when the call repeats the stored command's id). Of concurrent
   * creates with the same key, exactly one stores its command and all return that one.
   *
   * @return fails with {@link Refusal.NotFound} when the device does not exist, with {@link
   *     Refusal.Duplicate} (field {@code id}) when another command has the id, with {@link
   *     IllegalArgumentException} when the command is not QUEUED
   */
  Future<Created> create(Command command);

  Future<Optional<Command>> findById(String id);

  /** The device's commands, oldest first; {@code states} empty means all. Empty for an unknown device. */
  Future<List<Command>> listByDevice(String deviceId, Set<CommandState> states, int offset, int limit);

  /** The device's commands that may be delivered now ({@link Command#isDueAt}), oldest first; changes nothing. */
  Future<List<Command>> due(String deviceId, Instant now, int limit);

  /**
   * What a device's hello may hand out, in one read: its commands due now ({@link Command#isDueAt}) and
   * its DELIVERED commands delivered before {@code unansweredBefore} that still have no result; oldest
   * first, at most {@code limit}. Changes nothing.
   */
  Future<List<Command>> toOffer(String deviceId, Instant now, Instant unansweredBefore, int limit);

  /**
   * Atomically moves up to {@code limit} of the device's due commands to DELIVERED (deliveredAt =
   * now, resultDeadline = now + resultTimeout, deliveries + 1) and returns them as updated, oldest
   * first. A command is delivered by at most one call, also when calls for the same device run
   * concurrently; a command is due until (excluding) its expiresAt.
   */
  Future<List<Command>> deliver(String deviceId, Instant now, Duration resultTimeout, int limit);

  /**
   * Moves the device's due QUEUED commands to WOKEN and returns them as updated, oldest first. WOKEN
   * commands stay due; they are not returned again.
   */
  Future<List<Command>> markWoken(String deviceId, Instant now);

  /**
   * Records the result of a DELIVERED (or, for a late result, TIMED_OUT) command of this device:
   * SUCCEEDED or FAILED, completedAt = now, the result stored as given. A late result moves a
   * TIMED_OUT command on to SUCCEEDED or FAILED, so that it is not lost; a result is recorded once.
   *
   * @return the updated command; fails with {@link Refusal.NotFound} when no such command belongs
   *     to the device (a command of another device is reported as not found), {@link Refusal.Conflict}
   *     when it already has a result or was never delivered (QUEUED, WOKEN, EXPIRED, CANCELLED)
   */
  Future<Command> complete(String id, String deviceId, CommandResult result, Instant now);

  /**
   * Cancels a command that was not delivered yet (QUEUED or WOKEN): CANCELLED, completedAt = now.
   *
   * @return the cancelled command; fails with {@link Refusal.NotFound} or, when it was already
   *     delivered or is final, {@link Refusal.Conflict}
   */
  Future<Command> cancel(String id, Instant now);

  /**
   * Moves every undelivered command whose expiresAt is at or before now to EXPIRED (completedAt = now);
   * returns them, oldest first.
   */
  Future<List<Command>> expire(Instant now);

  /**
   * Every DELIVERED command whose resultDeadline is at or before now: retryable ones that have not
   * expired (expiresAt after now) go back to QUEUED, with deliveredAt and resultDeadline cleared and
   * deliveries kept; the others go to TIMED_OUT with completedAt = now. Returns them as updated, oldest
   * first.
   */
  Future<List<Command>> timeOut(Instant now);

  /** Ids of devices with DELIVERED commands, delivered before this instant, that still have no result. */
  Future<List<String>> devicesWithUnansweredDeliveries(Instant deliveredBefore);

  /** Ids of devices that have commands due now, each once, in id order. */
  Future<List<String>> devicesWithDueCommands(Instant now);
}
