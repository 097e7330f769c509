package io.homeport.http;

import io.homeport.command.Command;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

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
    if (c.result() != null) {
      json.put("result", new JsonObject()
          .put("status", c.result().status().wireName())
          .put("code", c.result().code())
          .put("data", value(c.result().dataJson())));
    }
    return json;
  }

  /** What the device needs to run the command and report on it in time. */
  public static JsonObject device(Command c) {
    return new JsonObject()
        .put("id", c.id())
        .put("action", c.action())
        .put("params", value(c.paramsJson()))
        .put("createdAt", time(c.createdAt()))
        .put("resultDeadline", time(c.resultDeadline()));
  }

  private static Object value(String json) {
    return json == null ? null : Json.decodeValue(json);
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
