package io.homeport.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * RFC 9457 problem details. {@code type} is a stable URN per reason ({@code urn:homeport:problem:<slug>})
 * that clients can switch on; {@code title} is the fixed human summary of the type, {@code detail} says
 * what happened in this case.
 */
public record Problem(int status, String slug, String title, String detail, JsonObject extensions) {
  public static final String CONTENT_TYPE = "application/problem+json";
  /** The extension member (seconds) that is also sent as the {@code Retry-After} header. */
  public static final String RETRY_AFTER = "retryAfter";

  public Problem(int status, String slug, String title, String detail) {
    this(status, slug, title, detail, new JsonObject());
  }

  public String type() {
    return "urn:homeport:problem:" + slug;
  }

  public JsonObject toJson(String instance) {
    JsonObject json = new JsonObject()
        .put("type", type())
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
    if (instance != null) {
      json.put("instance", instance);
    }
    return json.mergeIn(extensions);
  }

  /** Ends the request with this problem, unless a response was already started. */
  public void send(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (extensions.containsKey(RETRY_AFTER)) {
      ctx.response().putHeader("Retry-After", String.valueOf(extensions.getValue(RETRY_AFTER)));
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(toJson(ctx.request().path()).encode());
  }

  public static Problem badRequest(String slug, String detail) {
    return new Problem(400, slug, "Bad request", detail);
  }

  public Problem with(String key, Object value) {
    return new Problem(status, slug, title, detail, extensions.copy().put(key, value));
  }
}
