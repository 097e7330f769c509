package io.homeport.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the API's OpenAPI 3.1 document ({@code src/main/resources/openapi/homeport-api.yaml}) at
 * {@link #PATH}. The route sits under {@code /api/v1}, so it needs a token like every other API route.
 */
final class OpenApiRoute {
  static final String PATH = "/api/v1/openapi.yaml";
  static final String RESOURCE = "openapi/homeport-api.yaml";
  static final String CONTENT_TYPE = "application/yaml";
  private static final byte[] DOCUMENT = load();

  private OpenApiRoute() {}

  static void serve(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(Buffer.buffer(DOCUMENT));
  }

  /** The document as packaged. */
  static byte[] load() {
    try (InputStream in = OpenApiRoute.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
