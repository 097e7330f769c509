package io.homeport.devicechannel;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.Enroller;
import io.homeport.device.EnrollmentTokens;
import io.homeport.pki.DeviceCsr;
import io.homeport.pki.DeviceKeys;
import io.homeport.pki.TlsContexts;
import io.homeport.testing.DeviceHttp;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Address lists on the device channel (DESIGN 4): the initial list at enrollment, then 304, deltas and whole lists. */
class AddressListChannelTest {
  private static final JsonObject VENDOR = new JsonObject().put("url", "https://vendor.example").put("trust", "webpki");
  private static final JsonObject OVEN = new JsonObject().put("url", "https://oven.example:8443/calls")
      .put("pins", new JsonArray().add("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
  private static final JsonObject FRIDGE = new JsonObject().put("url", "https://fridge.example").put("trust", "webpki");

  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir.resolve("data"));
    publish("global", new JsonObject().put("vendor", VENDOR));
    publish("group:kitchen", new JsonObject().put("oven", OVEN));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("Verifies that enrollment hands the device its effective list and version")
  void enrollmentCarriesTheList() throws Exception {
    // given a list for group pantry, and a device created in it
    publish("group:pantry", new JsonObject().put("oven", OVEN));
    String token = server.admin("POST", "/api/v1/devices", "{\"id\":\"al-enroll\",\"groups\":[\"pantry\"]}", 201)
        .getJsonObject("enrollment").getString("token");

    // when it enrolls
    HttpClient pinned = HttpClient.newBuilder().sslContext(TlsContexts.pinnedContext(EnrollmentTokens.parse(token).caPin()))
        .build();
    String csr = DeviceCsr.create(DeviceKeys.generate(), "al-enroll");
    HttpResponse<String> r = pinned.send(HttpRequest.newBuilder(server.deviceChannel().resolve("/device/v1/enroll"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", token).put("csr", csr).encode())).build(),
        HttpResponse.BodyHandlers.ofString());

    // then the answer carries global overlaid by pantry, at the version the API shows for the device
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject list = new JsonObject(r.body()).getJsonObject("addressList");
    JsonObject shown = server.admin("GET", "/api/v1/devices/al-enroll/address-list", null, 200);
    assertThat(list.getJsonObject("entries")).isEqualTo(new JsonObject().put("oven", OVEN).put("vendor", VENDOR));
    assertThat(list.getLong("version")).isPositive().isEqualTo(shown.getLong("version"));
  }

  @Test
  @DisplayName("Verifies that a device gets 304 when current, a delta after a publication touching it, and the whole list "
      + "after a regrouping or with a version it never held; a device outside the group never sees the group's entries")
  void fetches() throws Exception {
    // given a kitchen device and a device in no group, both enrolled
    String cookToken = server.admin("POST", "/api/v1/devices", "{\"id\":\"al-cook\",\"groups\":[\"kitchen\"]}", 201)
        .getJsonObject("enrollment").getString("token");
    DeviceHttp cook = DeviceHttp.as(server, Enroller.enroll(server.deviceChannel(), cookToken));
    DeviceHttp plain = DeviceHttp.as(server, server.enrollDevice("al-plain"));

    // when the kitchen device fetches with nothing held, then with the version it got
    JsonObject first = json(cook.send("GET", "/device/v1/address-list", null));
    long v1 = first.getLong("version");
    HttpResponse<String> current = cook.send("GET", "/device/v1/address-list?since=" + v1, null);

    // then it got the whole list, then 304 without a body
    assertThat(first).isEqualTo(new JsonObject().put("version", v1).put("full", true)
        .put("entries", new JsonObject().put("oven", OVEN).put("vendor", VENDOR)));
    assertThat(current.statusCode()).isEqualTo(304);
    assertThat(current.body()).isEmpty();

    // and when kitchen replaces oven by fridge, the device gets exactly that change from v1
    long v2 = publish("group:kitchen", new JsonObject().put("fridge", FRIDGE)).getLong("version");
    JsonObject delta = json(cook.send("GET", "/device/v1/address-list?since=" + v1, null));
    assertThat(delta).isEqualTo(new JsonObject().put("version", v2).put("full", false).put("since", v1)
        .put("upserts", new JsonObject().put("fridge", FRIDGE)).put("removes", new JsonArray().add("oven")));

    // and the device outside the group has the global list only, at global's version
    JsonObject outside = json(plain.send("GET", "/device/v1/address-list?since=0", null));
    assertThat(outside.getJsonObject("entries")).isEqualTo(new JsonObject().put("vendor", VENDOR));
    assertThat(outside.getLong("version")).isLessThan(v1);

    // and when the plain device is moved into kitchen, its version grows and it gets its new list whole
    long held = outside.getLong("version");
    server.admin("PUT", "/api/v1/devices/al-plain/groups", "{\"groups\":[\"kitchen\"]}", 200);
    JsonObject moved = json(plain.send("GET", "/device/v1/address-list?since=" + held, null));
    assertThat(moved.getLong("version")).isGreaterThan(v2);
    assertThat(moved.getBoolean("full")).isTrue();
    assertThat(moved.getJsonObject("entries")).isEqualTo(new JsonObject().put("fridge", FRIDGE).put("vendor", VENDOR));

    // and a version the server never gave gets the whole list, a malformed one a problem
    assertThat(json(cook.send("GET", "/device/v1/address-list?since=" + (v2 + 1000), null)).getBoolean("full")).isTrue();
    assertProblem(cook.send("GET", "/device/v1/address-list?since=-1", null), 400, "invalid-field");
    assertProblem(cook.send("GET", "/device/v1/address-list?since=abc", null), 400, "invalid-field");
  }

  private static JsonObject json(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static JsonObject publish(String scope, JsonObject entries) throws Exception {
    return server.admin("PUT", "/api/v1/address-lists/" + scope, new JsonObject().put("entries", entries).encode(), 200);
  }
}
