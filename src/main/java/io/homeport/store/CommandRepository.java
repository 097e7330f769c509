package io.homeport.store;

import io.homeport.command.Command;
import io.homeport.command.CommandResult;
import io.homeport.command.CommandState;
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
 */
public interface CommandRepository {

  /** The outcome of {@link #create}: the stored command, and whether this call stored it. */
  record Created(Command command, boolean created) {}

  /**
   * Stores a new QUEUED command. When the command has an idempotency key and the device already has
   * a command with that key, nothing is stored and that command is returned with {@code created=false}.
   *
   * @return fails with {@link NotFoundException} when the device does not exist
   */
  Future<Created> create(Command command);

  Future<Optional<Command>> findById(String id);

  /** The device's commands, oldest first; {@code states} empty means all. */
  Future<List<Command>> listByDevice(String deviceId, Set<CommandState> states, int offset, int limit);

  /** Commands that may be delivered now ({@link Command#isDueAt}), oldest first. */
  Future<List<Command>> due(String deviceId, Instant now, int limit);

  /**
   * Atomically moves up to {@code limit} of the device's due commands to DELIVERED (deliveredAt =
   * now, resultDeadline = now + resultTimeout, deliveries + 1) and returns them as updated, oldest
   * first. A command is delivered by at most one call.
   */
  Future<List<Command>> deliver(String deviceId, Instant now, Duration resultTimeout, int limit);

  /** Moves the device's due QUEUED commands to WOKEN and returns them as updated. */
  Future<List<Command>> markWoken(String deviceId, Instant now);

  /**
   * Records the result of a DELIVERED (or, for a late result, TIMED_OUT) command of this device:
   * SUCCEEDED or FAILED, completedAt = now.
   *
   * @return the updated command; fails with {@link NotFoundException} when no such command belongs
   *     to the device, {@link ConflictException} when it already has a result or was never delivered
   */
  Future<Command> complete(String id, String deviceId, CommandResult result, Instant now);

  /**
   * Cancels a command that was not delivered yet.
   *
   * @return the cancelled command; fails with {@link NotFoundException} or, when it was already
   *     delivered or is final, {@link ConflictException}
   */
  Future<Command> cancel(String id, Instant now);

  /** Moves every undelivered command whose expiresAt is at or before now to EXPIRED; returns them. */
  Future<List<Command>> expire(Instant now);

  /**
   * Every DELIVERED command whose resultDeadline is at or before now: retryable ones that have not
   * expired go back to QUEUED, the others to TIMED_OUT. Returns them as updated.
   */
  Future<List<Command>> timeOut(Instant now);

  /** Ids of devices that have commands due now. */
  Future<List<String>> devicesWithDueCommands(Instant now);

  /** The earliest notBefore after now among undelivered, unexpired commands: when the next one becomes due. */
  Future<Optional<Instant>> nextNotBefore(Instant now);
}
