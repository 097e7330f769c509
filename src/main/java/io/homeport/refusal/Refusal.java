package io.homeport.refusal;

import java.util.Locale;

/**
 * An operation was refused for a reason the caller can act on: the one exception type every
 * capability and every store adapter throws for a refusal (as opposed to a failure). The subclass
 * says what was refused and so how a client should react; {@link #problem()} is the stable
 * machine-readable reason, which the HTTP layer turns into an RFC 9457 {@code type}
 * ({@code urn:homeport:problem:<problem>}) in exactly one place, {@code http.Problems}.
 *
 * <p>Refusals carry no stack trace: they are expected outcomes, created often (a keepalive of an
 * unknown device, a cancel that came too late), and logging them with a trace would only be noise.
 */
public abstract sealed class Refusal extends RuntimeException
    permits Refusal.Invalid, Refusal.Unauthenticated, Refusal.Forbidden, Refusal.NotFound, Refusal.Conflict,
        Refusal.Gone, Refusal.TooMany, Refusal.Unavailable {

  private final String problem;
  private final String field;

  private Refusal(String problem, String message, String field) {
    super(message, null, false, false);
    this.problem = problem.toLowerCase(Locale.ROOT);
    this.field = field;
  }

  /** Stable lower-case slug, e.g. {@code enrollment-token-expired}. */
  public String problem() {
    return problem;
  }

  /** The request field at fault, e.g. {@code params.temperature}; null when none. */
  public String field() {
    return field;
  }

  /** The request is malformed or names values outside what is allowed (HTTP 400). */
  public static final class Invalid extends Refusal {
    public Invalid(String problem, String message) {
      this(problem, message, null);
    }

    public Invalid(String problem, String message, String field) {
      super(problem, message, field);
    }
  }

  /** The caller could not be authenticated: a credential is missing, unknown or expired (HTTP 401). */
  public static final class Unauthenticated extends Refusal {
    public Unauthenticated(String problem, String message) {
      super(problem, message, null);
    }
  }

  /** The caller is known but may not do this (HTTP 403). */
  public static final class Forbidden extends Refusal {
    public Forbidden(String problem, String message) {
      super(problem, message, null);
    }
  }

  /** The thing the operation names does not exist, or not for this caller (HTTP 404). */
  public static final class NotFound extends Refusal {
    public NotFound(String problem, String message) {
      super(problem, message, null);
    }

    /** A store adapter's refusal: the record a write refers to does not exist. */
    public NotFound(String message) {
      this("not-found", message);
    }
  }

  /**
   * The thing exists but is in a state that does not allow the operation, or a concurrent operation
   * won (HTTP 409). Of writes that race, exactly one succeeds and the others get this.
   */
  public static sealed class Conflict extends Refusal permits Duplicate {
    public Conflict(String problem, String message) {
      this(problem, message, null);
    }

    /** A store adapter's refusal: a conditional write found the record in another state than it requires. */
    public Conflict(String message) {
      this("conflict", message, null);
    }

    public Conflict(String problem, String message, String field) {
      super(problem, message, field);
    }
  }

  /** A unique value is already taken; {@link #field()} names it (for example {@code id} or {@code name}). */
  public static final class Duplicate extends Conflict {
    public Duplicate(String field, String message) {
      super("duplicate", message, field);
    }
  }

  /** The thing existed and is gone for good, such as a revoked device (HTTP 410). */
  public static final class Gone extends Refusal {
    public Gone(String problem, String message) {
      super(problem, message, null);
    }
  }

  /** The caller asked too often; it may try again after {@link #retryAfterSeconds()} (HTTP 429). */
  public static final class TooMany extends Refusal {
    private final int retryAfterSeconds;

    public TooMany(String problem, String message, int retryAfterSeconds) {
      super(problem, message, null);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** The operation cannot be served right now; trying again later may succeed (HTTP 503). */
  public static final class Unavailable extends Refusal {
    public Unavailable(String problem, String message) {
      super(problem, message, null);
    }
  }
}
