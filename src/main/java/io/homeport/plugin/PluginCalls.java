package io.homeport.plugin;

import io.homeport.refusal.Refusal;
import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.EncodedCommand;
import io.homeport.plugin.spi.InvalidCommandException;
import io.homeport.plugin.spi.InvalidResultException;
import io.homeport.plugin.spi.PluginCommand;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls into plugins for the command path: on worker threads (plugin code may block), holding the
 * plugin set for the duration of the call, and translating plugin refusals into request errors that
 * name the field at fault.
 */
public final class PluginCalls {
  private final Vertx vertx;
  private final PluginRegistry registry;

  public PluginCalls(Vertx vertx, PluginRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
  }

  /** Validates and encodes; fails with a {@link Refusal} (INVALID) naming the parameter. */
  public Future<EncodedCommand> encode(String pluginId, PluginCommand command) {
    return vertx.executeBlocking(() -> registry.use(set -> {
      LoadedPlugin plugin = set.plugin(pluginId).orElseThrow(() -> new Refusal.Invalid("plugin-not-loaded", "no plugin '" + pluginId + "' is loaded (see GET /api/v1/plugins)", "plugin"));
      try {
        plugin.plugin().validate(command);
        return plugin.plugin().encode(command);
      } catch (InvalidCommandException e) {
        String field = e.parameter() == null ? null
            : e.parameter().startsWith("appliance") ? e.parameter() : "params." + e.parameter();
        throw new Refusal.Invalid("invalid-field", e.getMessage(), field);
      } catch (RuntimeException e) {
        if (e instanceof Refusal) {
          throw e;
        }
        throw new Refusal.Invalid("plugin-failed",
            "plugin " + pluginId + " failed on this command: " + e);
      }
    }), false);
  }

  /** Decodes a device's report with the plugin that encoded the command. */
  public Future<Map<String, Object>> decode(String pluginId, PluginCommand command, DeviceReport report) {
    return vertx.executeBlocking(() -> registry.use(set -> {
      LoadedPlugin plugin = set.plugin(pluginId).orElseThrow(() -> new IllegalStateException(
          "plugin " + pluginId + " is no longer loaded"));
      try {
        return plugin.plugin().decode(command, report);
      } catch (InvalidResultException e) {
        throw new IllegalStateException("plugin " + pluginId + " cannot decode the result: " + e.getMessage());
      }
    }), false);
  }

  /** JSON from the wire as plain Java values (maps, lists, strings, numbers, booleans), as the SPI promises. */
  public static Object plain(Object json) {
    if (json instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), plain(e.getValue())));
      return m;
    }
    if (json instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      a.forEach(v -> l.add(plain(v)));
      return l;
    }
    return json;
  }
}
