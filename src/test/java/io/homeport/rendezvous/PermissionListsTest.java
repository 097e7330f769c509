package io.homeport.rendezvous;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceBundle;
import io.homeport.auth.Role;
import io.homeport.testing.DeviceHttp;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Permission lists (DESIGN 5, seed 004): edited by operators on the API and by the target device itself. */
class PermissionListsTest {
  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("Verifies that an operator writes a list by ids and names, it is shown with both, and a rename does not change whom it admits")
  void operatorList() throws Exception {
    // given a target without a list, a device named "phone" and one known by id only
    server.admin("POST", "/api/v1/devices", "{\"id\":\"ol-target\"}", 201);
    server.admin("POST", "/api/v1/devices", "{\"id\":\"ol-phone\",\"name\":\"phone\"}", 201);
    server.admin("POST", "/api/v1/devices", "{\"id\":\"ol-tablet\"}", 201);
    String path = "/api/v1/devices/ol-target/permissions";
    assertThat(server.admin("GET", path, null, 200))
        .isEqualTo(new JsonObject().put("mode", "server").put("allow", new JsonArray()).putNull("maxDuration"));

    // when an operator admits "phone" by name and ol-tablet by id (and phone again by id)
    String operator = server.server().tokens().mint(Role.OPERATOR, "ops", 300);
    HttpResponse<String> put = server.api("PUT", path, operator,
        "{\"mode\":\"device\",\"allow\":[\"phone\",\"ol-tablet\",\"ol-phone\"]}");

    // then the list holds both devices once, by id, shown with their names
    JsonObject expected = new JsonObject().put("mode", "device").put("allow", new JsonArray()
        .add(new JsonObject().put("id", "ol-phone").put("name", "phone"))
        .add(new JsonObject().put("id", "ol-tablet").putNull("name"))).putNull("maxDuration");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(new JsonObject(put.body())).isEqualTo(expected);

    // and renaming the phone keeps it admitted, under its new name
    server.admin("PUT", "/api/v1/devices/ol-phone/name", "{\"name\":\"old-phone\"}", 200);
    assertThat(server.admin("GET", path, null, 200).getJsonArray("allow").getJsonObject(0))
        .isEqualTo(new JsonObject().put("id", "ol-phone").put("name", "old-phone"));
  }

  @Test
  @DisplayName("Verifies that bad lists get 4xx problems naming the field, and change nothing")
  void badLists() throws Exception {
    // given a target admitting one device
    server.admin("POST", "/api/v1/devices", "{\"id\":\"bl-target\"}", 201);
    server.admin("POST", "/api/v1/devices", "{\"id\":\"bl-friend\"}", 201);
    String path = "/api/v1/devices/bl-target/permissions";
    server.admin("PUT", path, "{\"mode\":\"server\",\"allow\":[\"bl-friend\"]}", 200);
    String admin = server.adminToken();
    String integrator = server.server().tokens().mint(Role.INTEGRATOR, "dash", 300);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 257; i++) {
      tooMany.add("d" + i);
    }

    // when lists with an unknown device, a bad mode, too many entries, an unknown field, a missing
    // list or an empty entry are written, one by an integrator, one for an unknown target
    // then each is refused with its problem
    assertThat(assertProblem(server.api("PUT", path, admin, "{\"mode\":\"server\",\"allow\":[\"bl-friend\",\"ghost\"]}"),
        400, "invalid-field").getString("field")).isEqualTo("allow");
    assertThat(assertProblem(server.api("PUT", path, admin, "{\"mode\":\"everyone\",\"allow\":[]}"), 400,
        "invalid-field").getString("field")).isEqualTo("mode");
    assertProblem(server.api("PUT", path, admin, new JsonObject().put("mode", "server").put("allow", tooMany).encode()),
        400, "invalid-field");
    assertProblem(server.api("PUT", path, admin, "{\"mode\":\"server\",\"allow\":[],\"deny\":[]}"), 400, "invalid-field");
    assertProblem(server.api("PUT", path, admin, "{\"mode\":\"server\"}"), 400, "invalid-field");
    assertProblem(server.api("PUT", path, admin, "{\"mode\":\"server\",\"allow\":[\"\"]}"), 400, "invalid-field");
    assertProblem(server.api("PUT", path, integrator, "{\"mode\":\"server\",\"allow\":[]}"), 403, "forbidden");
    assertProblem(server.api("PUT", "/api/v1/devices/nobody/permissions", admin, "{\"mode\":\"server\",\"allow\":[]}"),
        404, "device-not-found");
    assertProblem(server.api("GET", "/api/v1/devices/nobody/permissions", admin, null), 404, "device-not-found");

    // and the list is as it was
    assertThat(server.admin("GET", path, null, 200).getJsonArray("allow")).extracting(o -> ((JsonObject) o).getString("id"))
        .containsExactly("bl-friend");
  }

  @Test
  @DisplayName("Verifies that a device reads and replaces its own list on the device channel, and only its own")
  void deviceOwnList() throws Exception {
    // given two enrolled devices
    DeviceBundle owner = server.enrollDevice("dl-owner");
    server.enrollDevice("dl-guest");
    DeviceHttp asOwner = DeviceHttp.as(server, owner);

    // when the owner writes its list admitting the guest, and reads it back
    HttpResponse<String> put = asOwner.send("PUT", "/device/v1/permissions", "{\"mode\":\"server\",\"allow\":[\"dl-guest\"]}");
    HttpResponse<String> get = asOwner.send("GET", "/device/v1/permissions", null);

    // then the list is the owner's (the id comes from its certificate), as the operator sees it too
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(new JsonObject(get.body())).isEqualTo(server.admin("GET", "/api/v1/devices/dl-owner/permissions", null, 200));
    assertThat(new JsonObject(get.body()).getJsonArray("allow").getJsonObject(0).getString("id")).isEqualTo("dl-guest");
    assertThat(server.admin("GET", "/api/v1/devices/dl-guest/permissions", null, 200).getJsonArray("allow")).isEmpty();

    // and a body naming another device as the owner is refused, as is a request without a certificate
    assertProblem(asOwner.send("PUT", "/device/v1/permissions",
        "{\"deviceId\":\"dl-guest\",\"mode\":\"server\",\"allow\":[]}"), 400, "invalid-field");
    DeviceHttp anonymous = DeviceHttp.anonymous(server, owner);
    assertProblem(anonymous.send("GET", "/device/v1/permissions", null), 401, "client-certificate-required");
  }

  @Test
  @DisplayName("Verifies that an integrator limited to other devices cannot read a device's list")
  void integratorScope() throws Exception {
    // given a target with a list and an integrator token limited to another device
    server.admin("POST", "/api/v1/devices", "{\"id\":\"is-target\"}", 201);
    server.admin("POST", "/api/v1/devices", "{\"id\":\"is-other\"}", 201);
    String limited = server.server().tokens().mint(Role.INTEGRATOR, "dash", 300,
        new JsonObject().put("devices", new JsonArray().add("is-other")));
    // when it asks for the target's list, then the target does not exist for it
    assertProblem(server.api("GET", "/api/v1/devices/is-target/permissions", limited, null), 404, "device-not-found");
    assertThat(server.api("GET", "/api/v1/devices/is-other/permissions", limited, null).statusCode()).isEqualTo(200);
  }
}
