package io.homeport.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operator console (issue 14): static files from the class path's {@code console/} folder at
 * {@code /console/}. They carry no data and need no token; every data call the page makes goes to
 * {@code /api/v1} with the signed-in token. Mounted as a prefix route without a method, so it is not an
 * API operation and stays out of the OpenAPI document.
 */
final class ConsoleRoutes {
  static final String PATH = "/console";
  static final String RESOURCES = "console";
  /**
   * Only this origin's scripts, styles, images and connections (the API and its WebSocket); no inline
   * script or style, no frames, no form posts: the page loads nothing from anywhere else.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private ConsoleRoutes() {}

  static void mount(Router router) {
    StaticHandler files = StaticHandler.create(RESOURCES).setDirectoryListing(false).setIndexPage("index.html")
        .setCachingEnabled(true);
    // "/console/*" also matches "/console", which gets the trailing slash the page's relative URLs need
    router.route(PATH + "/*").handler(ConsoleRoutes::headers).handler(files);
  }

  private static void headers(RoutingContext ctx) {
    if (ctx.normalizedPath().equals(PATH)) {
      ctx.response().setStatusCode(301).putHeader("Location", PATH + "/").end();
      return;
    }
    ctx.addHeadersEndHandler(v -> ctx.response().headers()
        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        // the file names carry no version, so the browser asks again each time (a 304 when unchanged)
        .set("Cache-Control", "no-cache")
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer"));
    ctx.next();
  }
}
