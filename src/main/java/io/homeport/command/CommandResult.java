package io.homeport.command;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a device reports for one command.
 *
 * @param code optional device- or vendor-specific code, may be null
 * @param dataJson optional JSON value as text, may be null
 */
public record CommandResult(Status status, String code, String dataJson) {
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
  }

  /** The final state this result puts a command in. */
  public CommandState finalState() {
    return status == Status.OK ? CommandState.SUCCEEDED : CommandState.FAILED;
  }
}
