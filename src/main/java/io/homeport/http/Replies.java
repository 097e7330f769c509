package io.homeport.http;

import io.homeport.refusal.Refusal;
import io.vertx.core.AsyncResult;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Answers the resource routes of the API and the device channel share. */
public final class Replies {
  private Replies() {}

  /** 200 with the JSON, or the failure for the failure handler. */
  public static void json(RoutingContext ctx, AsyncResult<JsonObject> result) {
    if (result.failed()) {
      ctx.fail(result.cause());
    } else {
      ctx.json(result.result());
    }
  }

  /** What a device-limited token gets for anything outside its devices: the same as for nothing there. */
  public static Refusal notFound(String what, String id) {
    return new Refusal.NotFound(what + "-not-found", "no " + what + " with id '" + id + "'");
  }
}
