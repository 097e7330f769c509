package io.homeport.command;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a device reports for one command, and what is stored of it.
 *
 * @param code optional device- or vendor-specific code, may be null
 * @param dataJson optional JSON value as text, may be null; for a plugin command, what the plugin decoded
 * @param payload the appliance's raw answer as the device forwards it, for the plugin to decode; not stored
 * @param payloadType the payload's content type, null without payload
 */
public record CommandResult(Status status, String code, String dataJson, byte[] payload, String payloadType) {
  public enum Status {
    OK, ERROR, REJECTED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Status> fromWireName(String s) {
      for (Status v : values()) {
        if (v.wireName().equals(s)) return Optional.of(v);
      }
      return Optional.empty();
    }
  }

  public CommandResult {
    Objects.requireNonNull(status, "status");
    payload = payload == null ? null : payload.clone();
  }

  public CommandResult(Status status, String code, String dataJson) {
    this(status, code, dataJson, null, null);
  }

  @Override
  public byte[] payload() {
    return payload == null ? null : payload.clone();
  }

  /** The final state this result puts a command in. */
  public CommandState finalState() {
    return status == Status.OK ? CommandState.SUCCEEDED : CommandState.FAILED;
  }
}
