package io.homeport.devicechannel;

import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hellos held open with {@code ?wait=N}, per device. Used from the device channel's event loop only.
 * When commands become available for a device its held hellos try again; when a hello's time is up
 * it is answered with no commands.
 */
final class LongPolls {
  private record Held(RoutingContext ctx, Runnable retry, Runnable timeUp) {}

  private final Map<String, List<Held>> held = new HashMap<>();

  void hold(String deviceId, RoutingContext ctx, Runnable retry, Runnable timeUp) {
    held.computeIfAbsent(deviceId, k -> new ArrayList<>()).add(new Held(ctx, retry, timeUp));
    ctx.request().connection().closeHandler(v -> release(deviceId, ctx));
  }

  /** Commands arrived: every held hello of the device tries again. */
  void available(String deviceId) {
    List<Held> waiting = held.remove(deviceId);
    if (waiting != null) {
      waiting.forEach(h -> h.retry().run());
    }
  }

  /** The hello's wait is over: answer it with nothing, if it is still held. */
  void expire(String deviceId, RoutingContext ctx) {
    Held h = release(deviceId, ctx);
    if (h != null) {
      h.timeUp().run();
    }
  }

  private Held release(String deviceId, RoutingContext ctx) {
    List<Held> waiting = held.get(deviceId);
    if (waiting == null) {
      return null;
    }
    Held found = null;
    for (Held h : waiting) {
      if (h.ctx() == ctx) {
        found = h;
      }
    }
    waiting.remove(found);
    if (waiting.isEmpty()) {
      held.remove(deviceId);
    }
    return found;
  }
}
