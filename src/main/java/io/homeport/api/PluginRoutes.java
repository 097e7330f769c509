package io.homeport.api;

import io.homeport.plugin.PluginService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Vendor plugins: what is loaded, and reloading the plugin directory (admins only). */
final class PluginRoutes {
  private final PluginService plugins;

  PluginRoutes(PluginService plugins) {
    this.plugins = plugins;
  }

  void mount(Router router, Authorize read, Authorize admin) {
    router.get("/api/v1/plugins").handler(read).handler(this::list);
    router.post("/api/v1/plugins/reload").handler(admin).handler(this::reload);
  }

  private void list(RoutingContext ctx) {
    ctx.json(PluginJson.of(plugins.registry().current(), directory()));
  }

  private void reload(RoutingContext ctx) {
    plugins.reload().onComplete(set -> {
      if (set.failed()) {
        ctx.fail(set.cause());
      } else {
        ctx.json(PluginJson.of(set.result(), directory()));
      }
    });
  }

  private String directory() {
    return plugins.registry().directory().toAbsolutePath().normalize().toString();
  }
}
