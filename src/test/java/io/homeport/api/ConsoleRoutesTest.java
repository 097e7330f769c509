package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator console's static files on the API listener: no token, right types, strict headers. */
class ConsoleRoutesTest {
  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("Verifies that /console redirects to /console/, which serves the page without a token, with a strict "
      + "Content-Security-Policy, revalidated caching and no sniffing")
  void page() throws Exception {
    // given no token at all
    // when the console is opened without and with the trailing slash
    HttpResponse<String> bare = server.api("GET", "/console", null, null);
    HttpResponse<String> page = server.api("GET", "/console/", null, null);

    // then the first redirects to the second, which is the page
    assertThat(bare.statusCode()).isEqualTo(301);
    assertThat(bare.headers().firstValue("Location")).hasValue("/console/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<script type=\"module\" src=\"js/main.js\"></script>").doesNotContain("<script>");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleRoutes.CONTENT_SECURITY_POLICY);
    assertThat(ConsoleRoutes.CONTENT_SECURITY_POLICY).contains("default-src 'none'", "script-src 'self'",
        "connect-src 'self'").doesNotContain("unsafe");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  @DisplayName("Verifies that scripts, styles and the icon are served with their content types, that an unknown file is "
      + "a 404 problem, and that the API next to it still needs a token")
  void files() throws Exception {
    // when the page's files are fetched without a token
    // then each has its type
    assertThat(contentType("/console/js/main.js")).startsWith("text/javascript");
    assertThat(contentType("/console/js/pages/device.js")).startsWith("text/javascript");
    assertThat(contentType("/console/console.css")).startsWith("text/css");
    assertThat(contentType("/console/icon.svg")).startsWith("image/svg+xml");
    // and what is not there is not found, also outside the folder
    assertThat(server.api("GET", "/console/nope.js", null, null).statusCode()).isEqualTo(404);
    assertThat(server.api("GET", "/console/../openapi/homeport-api.yaml", null, null).statusCode()).isEqualTo(404);
    // and the API stays closed without a token
    assertThat(server.api("GET", "/api/v1/devices", null, null).statusCode()).isEqualTo(401);
  }

  private static String contentType(String path) throws Exception {
    HttpResponse<String> r = server.api("GET", path, null, null);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).isPresent();
    return r.headers().firstValue("Content-Type").orElse("");
  }
}
