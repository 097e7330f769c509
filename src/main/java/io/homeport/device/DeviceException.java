package io.homeport.device;

import java.util.Locale;

/**
 * A device operation was refused. The kind says how a client should react; the problem slug is the
 * stable machine-readable reason (the API turns it into an RFC 9457 {@code type}).
 */
public final class DeviceException extends RuntimeException {

  public enum Kind { INVALID, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, GONE }

  private final Kind kind;
  private final String problem;
  private final String field;

  public DeviceException(Kind kind, String problem, String message) {
    this(kind, problem, message, null);
  }

  /** @param field the request field at fault, e.g. {@code params.temperature}; null when none */
  public DeviceException(Kind kind, String problem, String message, String field) {
    super(message, null, false, false);
    this.kind = kind;
    this.problem = problem;
    this.field = field;
  }

  public String field() {
    return field;
  }

  public Kind kind() {
    return kind;
  }

  /** Stable lower-case slug, e.g. {@code enrollment-token-expired}. */
  public String problem() {
    return problem.toLowerCase(Locale.ROOT);
  }
}
