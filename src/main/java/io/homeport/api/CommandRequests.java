package io.homeport.api;

import io.homeport.command.CommandService;
import io.homeport.config.Durations;
import io.homeport.http.JsonBodies;
import io.homeport.http.Problem;
import io.homeport.http.ProblemException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Parses and checks {@code POST /api/v1/devices/{id}/commands} bodies; every refusal names the field. */
final class CommandRequests {
  static final int PARAMS_LIMIT = 16 * 1024;
  static final Duration DEFAULT_TTL = Duration.ofHours(1);
  static final Duration MAX_TTL = Duration.ofDays(30);
  private static final Set<String> FIELDS = Set.of("action", "params", "ttl", "notBefore", "idempotencyKey", "retryable",
      "plugin", "appliance");

  private CommandRequests() {}

  static CommandService.NewCommand parse(JsonObject body) {
    JsonBodies.onlyFields(body, FIELDS);
    String action = JsonBodies.requiredString(body, "action");
    if (action.length() > 128 || action.isBlank()) {
      throw JsonBodies.invalid("action", "'action' must be 1-128 characters");
    }
    Object params = body.getValue("params");
    String paramsJson = params == null ? null : Json.encode(params);
    if (paramsJson != null && paramsJson.length() > PARAMS_LIMIT) {
      throw new ProblemException(new Problem(413, "params-too-large", "Parameters too large",
          "'params' is " + paramsJson.length() + " bytes of JSON; the limit is " + PARAMS_LIMIT).with("field", "params"));
    }
    Duration ttl = ttl(body.getValue("ttl"));
    Instant notBefore = null;
    String nb = JsonBodies.optionalString(body, "notBefore");
    if (nb != null) {
      try {
        notBefore = Instant.parse(nb);
      } catch (DateTimeParseException e) {
        throw JsonBodies.invalid("notBefore", "'notBefore' must be an ISO-8601 instant such as 2026-11-21T18:00:00Z");
      }
    }
    String key = JsonBodies.optionalString(body, "idempotencyKey");
    if (key != null && (key.isEmpty() || key.length() > 128)) {
      throw JsonBodies.invalid("idempotencyKey", "'idempotencyKey' must be 1-128 characters");
    }
    Object retryable = body.getValue("retryable");
    if (retryable != null && !(retryable instanceof Boolean)) {
      throw JsonBodies.invalid("retryable", "'retryable' must be true or false");
    }
    return new CommandService.NewCommand(action, paramsJson, ttl, notBefore, key, Boolean.TRUE.equals(retryable),
        appliance(body));
  }

  /** {@code plugin} and {@code appliance: {type, address}} come together or not at all. */
  private static CommandService.ApplianceRequest appliance(JsonObject body) {
    String plugin = JsonBodies.optionalString(body, "plugin");
    Object appliance = body.getValue("appliance");
    if (plugin == null && appliance == null) {
      return null;
    }
    if (plugin == null) {
      throw JsonBodies.invalid("plugin", "'plugin' is required with 'appliance'");
    }
    if (!(appliance instanceof JsonObject a)) {
      throw JsonBodies.invalid("appliance", "'appliance' must be an object {type, address} with 'plugin'");
    }
    JsonBodies.onlyFields(a, Set.of("type", "address"));
    String type = JsonBodies.optionalString(a, "type");
    String address = JsonBodies.optionalString(a, "address");
    if (type == null || type.isBlank()) {
      throw JsonBodies.invalid("appliance.type", "'appliance.type' is required");
    }
    if (address == null || address.isBlank() || address.length() > 256) {
      throw JsonBodies.invalid("appliance.address", "'appliance.address' is required (at most 256 characters)");
    }
    return new CommandService.ApplianceRequest(plugin, type, address);
  }

  private static Duration ttl(Object value) {
    if (value == null) {
      return DEFAULT_TTL;
    }
    Duration ttl;
    try {
      ttl = value instanceof Number n && n.longValue() == n.doubleValue() ? Duration.ofSeconds(n.longValue())
          : value instanceof String s ? Durations.parse(s) : null;
    } catch (IllegalArgumentException e) {
      ttl = null;
    }
    if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw JsonBodies.invalid("ttl", "'ttl' must be a duration from 1s to 30d, as seconds or text such as \"90s\" or \"2h\"");
    }
    return ttl;
  }
}
