package io.homeport.api;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.auth.Role;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Address lists on the operator API (DESIGN 4): publish, read, empty, list, a device's effective list, refusals. */
class AddressListsApiTest {
  private static final String PIN = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  private static final JsonObject WEBPKI = new JsonObject().put("url", "https://app.example").put("trust", "webpki");

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
  @DisplayName("Verifies that an operator publishes, reads and empties a scope's list, each publication a new version, "
      + "and that an integrator reads but cannot write")
  void publishReadEmpty() throws Exception {
    // given an operator and an integrator
    String operator = server.server().tokens().mint(Role.OPERATOR, "ops", 300);
    String integrator = server.server().tokens().mint(Role.INTEGRATOR, "dash", 300);
    JsonObject entries = new JsonObject().put("vendor", WEBPKI)
        .put("oven", new JsonObject().put("url", "https://oven.example:8443/v1").put("pins", new JsonArray().add(PIN)))
        .put("homeport:beacon", new JsonObject().put("url", "udp://beacon2.example:7400"))
        .put("homeport:device-channel", new JsonObject().put("url", "https://dc2.example:7443"));

    // when the operator publishes group:lab urgently, reads it, and empties it
    HttpResponse<String> put = server.api("PUT", "/api/v1/address-lists/group:lab", operator,
        new JsonObject().put("entries", entries).put("urgent", true).encode());
    JsonObject read = new JsonObject(server.api("GET", "/api/v1/address-lists/group:lab", integrator, null).body());
    HttpResponse<String> emptied = server.api("DELETE", "/api/v1/address-lists/group:lab", operator, null);

    // then the publication is answered and read back whole, with its version
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    JsonObject published = new JsonObject(put.body());
    assertThat(published.getString("scope")).isEqualTo("group:lab");
    assertThat(published.getBoolean("urgent")).isTrue();
    assertThat(published.getInteger("entryCount")).isEqualTo(4);
    assertThat(published.getJsonObject("entries")).isEqualTo(entries);
    assertThat(read).isEqualTo(published);
    // and emptying is a publication of its own: a newer version with no entries
    assertThat(emptied.statusCode()).as(emptied.body()).isEqualTo(200);
    JsonObject empty = new JsonObject(emptied.body());
    assertThat(empty.getLong("version")).isGreaterThan(published.getLong("version"));
    assertThat(empty.getJsonObject("entries")).isEmpty();
    // and the listing shows the scope at its newest version
    JsonObject listed = server.admin("GET", "/api/v1/address-lists", null, 200).getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(i -> i.getString("scope").equals("group:lab")).findFirst().orElseThrow();
    assertThat(listed.getLong("version")).isEqualTo(empty.getLong("version"));
    assertThat(listed.getInteger("entryCount")).isZero();
    // and the integrator may not write
    assertProblem(server.api("PUT", "/api/v1/address-lists/group:lab", integrator, "{\"entries\":{}}"), 403, "forbidden");
    assertProblem(server.api("DELETE", "/api/v1/address-lists/group:lab", integrator, null), 403, "forbidden");
  }

  @Test
  @DisplayName("Verifies that malformed ids, URLs and pins, both or neither of pins and trust, too many entries and an "
      + "unknown scope each get a clear 4xx naming the field, and store nothing")
  void badInput() throws Exception {
    // given global published once
    String path = "/api/v1/address-lists/global";
    JsonObject before = server.admin("PUT", path, body(new JsonObject().put("vendor", WEBPKI)), 200);
    JsonObject tooMany = new JsonObject();
    for (int i = 0; i < 257; i++) {
      tooMany.put("s" + i, WEBPKI);
    }
    JsonArray ninePins = new JsonArray();
    for (int i = 0; i < 9; i++) {
      ninePins.add(PIN.substring(0, 42) + (char) ('A' + i) + "=");
    }

    // when bad lists are published (body, expected field)
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put(body(new JsonObject().put("bad id!", WEBPKI)), "entries");
    cases.put(body(new JsonObject().put("x".repeat(65), WEBPKI)), "entries");
    cases.put(body(new JsonObject().put("homeport:other", WEBPKI)), "entries");
    cases.put(body(entry("url", "http://app.example")), "entries.app.url");
    cases.put(body(entry("url", "https://user@app.example")), "entries.app.url");
    cases.put(body(entry("url", "https://app.example/?q=1")), "entries.app.url");
    cases.put(body(entry("url", "https://app.example:70000")), "entries.app.url");
    cases.put(body(entry("url", "not a url")), "entries.app.url");
    cases.put(body(new JsonObject().put("homeport:beacon", new JsonObject().put("url", "https://b.example"))),
        "entries.homeport:beacon.url");
    cases.put(body(new JsonObject().put("homeport:beacon", new JsonObject().put("url", "udp://b.example"))),
        "entries.homeport:beacon.url");
    cases.put(body(new JsonObject().put("app", new JsonObject().put("url", "https://a.example")
        .put("pins", new JsonArray().add("c2hvcnQ=")))), "entries.app.pins");
    cases.put(body(new JsonObject().put("app", new JsonObject().put("url", "https://a.example")
        .put("pins", new JsonArray().add("!".repeat(43) + "=")))), "entries.app.pins");
    cases.put(body(new JsonObject().put("app", new JsonObject().put("url", "https://a.example").put("pins", ninePins))),
        "entries.app.pins");
    cases.put(body(new JsonObject().put("app", new JsonObject().put("url", "https://a.example")
        .put("pins", new JsonArray().add(PIN)).put("trust", "webpki"))), "entries.app");
    cases.put(body(new JsonObject().put("app", new JsonObject().put("url", "https://a.example"))), "entries.app");
    cases.put(body(new JsonObject().put("app", new JsonObject().put("url", "https://a.example").put("trust", "system"))),
        "entries.app.trust");
    cases.put(body(tooMany), "entries");
    cases.put("{\"entries\":[]}", "entries");
    cases.put("{\"entries\":{},\"urgent\":\"yes\"}", "urgent");
    cases.put("{\"entries\":{},\"extra\":1}", "extra");
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = server.api("PUT", path, server.adminToken(), c.getKey());
      JsonObject problem = r.statusCode() == 400 ? new JsonObject(r.body()) : new JsonObject();
      if (!"urn:homeport:problem:invalid-field".equals(problem.getString("type"))
          || !c.getValue().equals(problem.getString("field"))) {
        wrong.add(c.getKey().substring(0, Math.min(120, c.getKey().length())) + " -> " + r.statusCode() + " " + r.body());
      }
    }
    // and published to scopes that do not exist
    HttpResponse<String> region = server.api("PUT", "/api/v1/address-lists/region:eu", server.adminToken(), body(new JsonObject()));
    HttpResponse<String> badGroup = server.api("PUT", "/api/v1/address-lists/group:bad%20name", server.adminToken(),
        body(new JsonObject()));

    // then each was refused as expected, and global is unchanged with no new version
    assertThat(wrong).isEmpty();
    assertProblem(region, 404, "unknown-scope");
    assertProblem(badGroup, 404, "unknown-scope");
    assertThat(server.admin("GET", path, null, 200)).isEqualTo(before);
    assertThat(server.admin("GET", "/api/v1/address-lists", null, 200).getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getString("scope"))).doesNotContain("region:eu", "group:bad name");
    assertProblem(server.api("GET", "/api/v1/address-lists/group:never", server.adminToken(), null), 404,
        "address-list-not-found");
  }

  @Test
  @DisplayName("Verifies that a device's effective list overlays its groups on global, grows with a regrouping, "
      + "and is hidden from an integrator limited to other devices")
  void effectiveList() throws Exception {
    // given global and group:hall lists and a device in hall
    server.admin("PUT", "/api/v1/address-lists/global", body(new JsonObject().put("vendor", WEBPKI)
        .put("shared", WEBPKI)), 200);
    JsonObject hallEntry = new JsonObject().put("url", "https://hall.example").put("pins", new JsonArray().add(PIN));
    long hall = server.admin("PUT", "/api/v1/address-lists/group:hall", body(new JsonObject().put("shared", hallEntry)),
        200).getLong("version");
    server.admin("POST", "/api/v1/devices", "{\"id\":\"ef-1\",\"groups\":[\"hall\"]}", 201);

    // when its effective list is read, then it is moved out of hall and read again
    JsonObject inHall = server.admin("GET", "/api/v1/devices/ef-1/address-list", null, 200);
    server.admin("PUT", "/api/v1/devices/ef-1/groups", "{\"groups\":[]}", 200);
    JsonObject moved = server.admin("GET", "/api/v1/devices/ef-1/address-list", null, 200);

    // then hall's entry wins over global's, and after the move it has global's at a newer version
    assertThat(inHall).isEqualTo(new JsonObject().put("deviceId", "ef-1").put("version", hall)
        .put("entries", new JsonObject().put("shared", hallEntry).put("vendor", WEBPKI)));
    assertThat(moved.getLong("version")).isGreaterThan(hall);
    assertThat(moved.getJsonObject("entries")).isEqualTo(new JsonObject().put("shared", WEBPKI).put("vendor", WEBPKI));
    // and an integrator limited to another device gets the same 404 as for no device at all
    String limited = server.admin("POST", "/api/v1/tokens",
        "{\"role\":\"integrator\",\"subject\":\"other\",\"devices\":[\"someone-else\"]}", 201).getString("token");
    assertProblem(server.api("GET", "/api/v1/devices/ef-1/address-list", limited, null), 404, "device-not-found");
    assertProblem(server.api("GET", "/api/v1/devices/nobody/address-list", server.adminToken(), null), 404,
        "device-not-found");
  }

  private static JsonObject entry(String member, String value) {
    return new JsonObject().put("app", new JsonObject().put(member, value).put("trust", "webpki"));
  }

  private static String body(JsonObject entries) {
    return new JsonObject().put("entries", entries).encode();
  }
}
