package io.homeport.http;

import io.homeport.config.Durations;
import io.homeport.refusal.Refusal;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Typed reading of a request's query parameters. Every malformed value is a {@link Refusal.Invalid} with
 * problem {@code invalid-field} whose {@code field} names the parameter. A parameter meant once takes its
 * last value (a client resuming by appending {@code &after=N} to its URL means the new one); values are
 * trimmed.
 */
public final class QueryParams {
  private final MultiMap params;

  private QueryParams(MultiMap params) {
    this.params = params;
  }

  public static QueryParams of(RoutingContext ctx) {
    return new QueryParams(ctx.queryParams());
  }

  public static QueryParams of(MultiMap params) {
    return new QueryParams(params);
  }

  /** An integer from {@code min} to {@code max}; {@code absent} when the parameter is not given. */
  public int integer(String name, int absent, int min, int max) {
    String v = value(name);
    if (v == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // refused below
    }
    throw invalid(name, "query parameter '" + name + "' must be an integer from " + min + " to " + max);
  }

  /** A whole number >= 0 that means {@code what} (for the message); empty when the parameter is not given. */
  public OptionalLong wholeNumber(String name, String what) {
    String v = value(name);
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return OptionalLong.of(n);
      }
    } catch (NumberFormatException ignored) {
      // refused below
    }
    throw invalid(name, "query parameter '" + name + "' must be " + what + " (a whole number >= 0), got '"
        + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'");
  }

  /**
   * A duration up to {@code max}, as whole seconds ({@code 15}) or as text ({@code 15s}, {@code 500ms}, see
   * {@link Durations}); zero when the parameter is not given.
   */
  public Duration duration(String name, Duration max) {
    String v = value(name);
    if (v == null) {
      return Duration.ZERO;
    }
    Duration d;
    try {
      d = v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : Durations.parse(v);
    } catch (IllegalArgumentException e) { // NumberFormatException too
      d = null;
    }
    if (d == null || d.compareTo(max) > 0) {
      throw invalid(name, "query parameter '" + name + "' must be a duration up to " + max.toSeconds()
          + "s, such as 15s");
    }
    return d;
  }

  /**
   * The items of a list parameter, comma-separated and/or repeated ({@code state=queued,woken&state=failed}),
   * trimmed, empty items left out; empty when the parameter is not given (see {@link #has}).
   */
  public List<String> list(String name) {
    List<String> items = new ArrayList<>();
    for (String value : params.getAll(name)) {
      for (String part : value.split(",")) {
        String item = part.trim();
        if (!item.isEmpty()) {
          items.add(item);
        }
      }
    }
    return items;
  }

  /** Whether the parameter is given at all, even empty (for lists where "none" differs from "any"). */
  public boolean has(String name) {
    return params.contains(name);
  }

  /** The refusal of a parameter's value, for checks beyond the shape read here. */
  public static Refusal.Invalid invalid(String name, String message) {
    return new Refusal.Invalid("invalid-field", message, name);
  }

  /** The last value, trimmed; null when absent. */
  private String value(String name) {
    List<String> all = params.getAll(name);
    return all.isEmpty() ? null : all.get(all.size() - 1).trim();
  }
}
