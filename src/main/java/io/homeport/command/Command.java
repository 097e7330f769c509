package io.homeport.command;

import java.time.Instant;
import java.util.Objects;

/**
 * A command for one device, as stored.
 *
 * @param paramsJson the parameters, a JSON value as text (free JSON until plugins validate it)
 * @param notBefore not delivered before this instant; null for at once
 * @param expiresAt creation + TTL: not delivered from this instant on
 * @param idempotencyKey caller-chosen key, unique per device; may be null
 * @param retryable a delivered command without a result by its deadline is queued again instead of timing out
 * @param deliveredAt when last handed to the device; null until then
 * @param resultDeadline when a delivered command without a result times out; null until delivered
 * @param completedAt when it reached a final state; null until then
 * @param result the device's report; null unless SUCCEEDED or FAILED
 * @param deliveries how many times it was handed to the device (more than one only if retryable)
 * @param target the plugin, appliance and encoded payload; null for a command without a plugin
 */
public record Command(
    String id,
    String deviceId,
    String action,
    String paramsJson,
    CommandState state,
    Instant createdAt,
    Instant notBefore,
    Instant expiresAt,
    String idempotencyKey,
    boolean retryable,
    Instant deliveredAt,
    Instant resultDeadline,
    Instant completedAt,
    CommandResult result,
    int deliveries,
    ApplianceTarget target) {

  public Command {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** A new command as the API creates it. */
  public static Command queued(String id, String deviceId, String action, String paramsJson, Instant createdAt,
      Instant notBefore, Instant expiresAt, String idempotencyKey, boolean retryable) {
    return new Command(id, deviceId, action, paramsJson, CommandState.QUEUED, createdAt, notBefore, expiresAt,
        idempotencyKey, retryable, null, null, null, null, 0, null);
  }

  /** This command, for an appliance through a plugin. */
  public Command withTarget(ApplianceTarget applianceTarget) {
    return new Command(id, deviceId, action, paramsJson, state, createdAt, notBefore, expiresAt, idempotencyKey,
        retryable, deliveredAt, resultDeadline, completedAt, result, deliveries, applianceTarget);
  }

  /** True when it may be delivered at {@code now}: undelivered, past notBefore, before expiry. */
  public boolean isDueAt(Instant now) {
    return CommandState.UNDELIVERED.contains(state) && (notBefore == null || !notBefore.isAfter(now))
        && now.isBefore(expiresAt);
  }
}
