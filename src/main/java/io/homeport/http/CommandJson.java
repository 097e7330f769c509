package io.homeport.http;

import io.homeport.command.Command;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;

/** JSON forms of a command: the full one for the API, the device's view for the device channel. */
public final class CommandJson {
  private CommandJson() {}

  public static JsonObject api(Command c) {
    JsonObject json = new JsonObject()
        .put("id", c.id())
        .put("deviceId", c.deviceId())
        .put("action", c.action())
        .put("params", value(c.paramsJson()))
        .put("state", c.state().wireName())
        .put("createdAt", time(c.createdAt()))
        .put("notBefore", time(c.notBefore()))
        .put("expiresAt", time(c.expiresAt()))
        .put("idempotencyKey", c.idempotencyKey())
        .put("retryable", c.retryable())
        .put("deliveredAt", time(c.deliveredAt()))
        .put("resultDeadline", time(c.resultDeadline()))
        .put("completedAt", time(c.completedAt()))
        .put("deliveries", c.deliveries());
    if (c.target() != null) {
      json.put("plugin", c.target().plugin()).put("appliance", appliance(c));
    }
    if (c.result() != null) {
      json.put("result", new JsonObject()
          .put("status", c.result().status().wireName())
          .put("code", c.result().code())
          .put("data", value(c.result().dataJson())));
    }
    return json;
  }

  /**
   * What the device needs to run the command and report on it in time; for a plugin command also the
   * appliance and the encoded payload (base64) to forward to it.
   */
  public static JsonObject device(Command c) {
    JsonObject json = new JsonObject()
        .put("id", c.id())
        .put("action", c.action())
        .put("params", value(c.paramsJson()))
        .put("createdAt", time(c.createdAt()))
        .put("resultDeadline", time(c.resultDeadline()));
    if (c.target() != null) {
      json.put("plugin", c.target().plugin())
          .put("appliance", appliance(c))
          .put("payload", Base64.getEncoder().encodeToString(c.target().payload()))
          .put("contentType", c.target().payloadType());
    }
    return json;
  }

  private static JsonObject appliance(Command c) {
    return new JsonObject().put("type", c.target().applianceType()).put("address", c.target().applianceAddress());
  }

  private static Object value(String json) {
    return json == null ? null : Json.decodeValue(json);
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
