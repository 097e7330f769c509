package io.homeport.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A {@code command.*} event: a command moved to the state its {@link #type} names.
 *
 * @param state the command state's wire name ({@code succeeded}); {@link #isFinal} says whether it is final
 * @param status the result status ({@code ok}, {@code error}, {@code rejected}) once there is a result, else null
 * @param code the result code the device gave, or null
 * @param result the result data decoded to plain JSON values (maps, lists, strings, numbers), or null
 * @param appliance the appliance the command addresses through a plugin, or null for a plain command
 */
public record CommandEvent(
    EventType type,
    Instant time,
    String deviceId,
    String commandId,
    String action,
    String state,
    boolean isFinal,
    String status,
    String code,
    Object result,
    Appliance appliance) implements DomainEvent {

  /** The plugin and the appliance a plugin command is for. */
  public record Appliance(String plugin, String type, String address) {
    public Appliance {
      Objects.requireNonNull(plugin, "plugin");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(address, "address");
    }
  }

  public CommandEvent {
    Objects.requireNonNull(type, "type");
    if (!type.wireName().startsWith("command.")) {
      throw new IllegalArgumentException("not a command event type: " + type);
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(state, "state");
  }
}
