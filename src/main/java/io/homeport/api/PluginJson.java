package io.homeport.api;

import io.homeport.plugin.PluginSet;
import io.homeport.plugin.spi.ActionSpec;
import io.homeport.plugin.spi.ApplianceType;
import io.homeport.plugin.spi.ParamSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The API's JSON form of the plugin set: what loaded (with its appliance types and actions) and what failed. */
final class PluginJson {
  private PluginJson() {}

  static JsonObject of(PluginSet set, String directory) {
    JsonArray loaded = new JsonArray();
    set.loaded().forEach(p -> {
      JsonArray types = new JsonArray();
      p.descriptor().applianceTypes().forEach(t -> types.add(type(t)));
      loaded.add(new JsonObject()
          .put("id", p.descriptor().id())
          .put("version", p.descriptor().version())
          .put("spiVersion", p.descriptor().spiVersion())
          .put("jar", p.jar())
          .put("applianceTypes", types));
    });
    JsonArray failed = new JsonArray();
    set.failed().forEach(f -> failed.add(new JsonObject().put("jar", f.jar()).put("reason", f.reason())));
    return new JsonObject().put("directory", directory).put("loaded", loaded).put("failed", failed);
  }

  private static JsonObject type(ApplianceType t) {
    JsonArray actions = new JsonArray();
    t.actions().forEach(a -> actions.add(action(a)));
    return new JsonObject().put("name", t.name()).put("description", t.description()).put("actions", actions);
  }

  private static JsonObject action(ActionSpec a) {
    JsonArray params = new JsonArray();
    a.params().forEach(p -> params.add(param(p)));
    return new JsonObject().put("name", a.name()).put("description", a.description()).put("params", params);
  }

  private static JsonObject param(ParamSpec p) {
    JsonObject json = new JsonObject()
        .put("name", p.name())
        .put("type", p.type().name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .put("required", p.required())
        .put("description", p.description());
    if (p.min() != null) json.put("min", p.min());
    if (p.max() != null) json.put("max", p.max());
    if (!p.allowed().isEmpty()) json.put("allowed", new JsonArray(p.allowed()));
    return json;
  }
}
