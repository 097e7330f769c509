package io.homeport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

/** Checks RFC 9457 problem responses. */
public final class ProblemAssert {
  private ProblemAssert() {}

  /** The response is a problem+json with this status and {@code type} {@code urn:homeport:problem:<slug>}. */
  public static JsonObject assertProblem(HttpResponse<String> r, int status, String slug) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("type")).isEqualTo("urn:homeport:problem:" + slug);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
    return p;
  }
}
