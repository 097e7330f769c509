package io.homeport.api;

import io.homeport.beacon.BeaconCounters;
import io.homeport.presence.PresenceDirectory;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;

/** The beacon's counters: datagrams by outcome, suppressed answers and devices online now. */
final class BeaconRoutes {
  private final BeaconCounters counters;
  private final PresenceDirectory presence;

  BeaconRoutes(BeaconCounters counters, PresenceDirectory presence) {
    this.counters = counters;
    this.presence = presence;
  }

  void mount(Router router, Authorize read) {
    router.get("/api/v1/beacon/counters").handler(read).handler(this::counters);
  }

  private void counters(RoutingContext ctx) {
    ctx.json(new JsonObject()
        .put("datagrams", counters.total())
        .put("outcomes", new JsonObject(new LinkedHashMap<>(counters.snapshot())))
        .put("suppressedResponses", counters.suppressedResponses())
        .put("online", presence.onlineCount()));
  }
}
