package io.homeport.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Reading and checking JSON request bodies, with problems that name the offending field. */
public final class JsonBodies {
  private JsonBodies() {}

  /** The body as a JSON object; an empty body counts as {}. Fails with 400 when it is not an object. */
  public static JsonObject object(RoutingContext ctx) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (io.vertx.core.json.DecodeException e) {
      throw new ProblemException(Problem.badRequest("malformed-json", "the request body is not valid JSON"));
    }
    if (!(parsed instanceof JsonObject json)) {
      throw new ProblemException(Problem.badRequest("malformed-json", "the request body must be a JSON object"));
    }
    return json;
  }

  /** Refuses fields outside {@code allowed}, so typos do not pass silently. */
  public static void onlyFields(JsonObject body, Set<String> allowed) {
    for (String name : body.fieldNames()) {
      if (!allowed.contains(name)) {
        throw invalid(name, "unknown field '" + name + "' (allowed: " + String.join(", ", allowed) + ")");
      }
    }
  }

  /** An optional string field; fails when present with another type. */
  public static String optionalString(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw invalid(field, "'" + field + "' must be a string");
    }
    return s;
  }

  /** A field that must be present, as a string or as null (null clears what it names). */
  public static String requiredStringOrNull(JsonObject body, String field) {
    if (!body.containsKey(field)) {
      throw invalid(field, "'" + field + "' is required (null to remove it)");
    }
    return optionalString(body, field);
  }

  public static String requiredString(JsonObject body, String field) {
    String s = optionalString(body, field);
    if (s == null || s.isEmpty()) {
      throw invalid(field, "'" + field + "' is required");
    }
    return s;
  }

  /**
   * A positive duration given as whole seconds (a number) or as a duration text such as {@code 30m};
   * refused naming the field with {@code detail} otherwise.
   */
  public static java.time.Duration positiveDuration(Object value, String field, String detail) {
    java.time.Duration d;
    try {
      d = value instanceof Integer n ? java.time.Duration.ofSeconds(n)
          : value instanceof String s ? io.homeport.config.Durations.parse(s) : null;
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw invalid(field, detail);
    }
    return d;
  }

  public static ProblemException invalid(String field, String detail) {
    return new ProblemException(Problem.badRequest("invalid-field", detail).with("field", field));
  }
}
