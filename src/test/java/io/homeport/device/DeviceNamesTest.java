package io.homeport.device;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceBundle;
import io.homeport.auth.Role;
import io.homeport.testing.DeviceHttp;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device names (DESIGN 5): set by an operator on the API or by the device itself on the device channel, unique. */
class DeviceNamesTest {
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
  @DisplayName("Verifies that an operator names a device, renames it and removes its name, and a taken name changes nothing")
  void operatorNames() throws Exception {
    // given two devices, one named "porch"
    server.admin("POST", "/api/v1/devices", "{\"id\":\"op-1\"}", 201);
    server.admin("POST", "/api/v1/devices", "{\"id\":\"op-2\",\"name\":\"porch\"}", 201);
    String operator = server.server().tokens().mint(Role.OPERATOR, "ops", 300);

    // when an operator names op-1 "garage"
    HttpResponse<String> named = server.api("PUT", "/api/v1/devices/op-1/name", operator, "{\"name\":\"garage\"}");

    // then the device answers with its name, and shows it when read
    assertThat(named.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(named.body()).getString("name")).isEqualTo("garage");
    assertThat(server.admin("GET", "/api/v1/devices/op-1", null, 200).getString("name")).isEqualTo("garage");

    // and a taken name is refused, naming the field, with op-1 keeping its name
    JsonObject taken = assertProblem(server.api("PUT", "/api/v1/devices/op-1/name", operator, "{\"name\":\"porch\"}"),
        409, "device-name-taken");
    assertThat(taken.getString("field")).isEqualTo("name");
    assertThat(server.admin("GET", "/api/v1/devices/op-1", null, 200).getString("name")).isEqualTo("garage");

    // and null removes the name, which another device may then take
    server.admin("PUT", "/api/v1/devices/op-1/name", "{\"name\":null}", 200);
    assertThat(server.admin("GET", "/api/v1/devices/op-1", null, 200).getValue("name")).isNull();
    assertThat(server.admin("PUT", "/api/v1/devices/op-2/name", "{\"name\":\"garage\"}", 200).getString("name"))
        .isEqualTo("garage");
  }

  @Test
  @DisplayName("Verifies that bad rename requests get 4xx problems and change nothing")
  void badRenames() throws Exception {
    // given a named device and an integrator token
    server.admin("POST", "/api/v1/devices", "{\"id\":\"bad-1\",\"name\":\"cellar\"}", 201);
    String integrator = server.server().tokens().mint(Role.INTEGRATOR, "dashboard", 300);
    String path = "/api/v1/devices/bad-1/name";
    String admin = server.adminToken();

    // when renames are asked with a bad name, a missing or extra field, broken JSON, by an integrator,
    // or for an unknown device, then each is refused with its problem
    assertProblem(server.api("PUT", path, admin, "{\"name\":\"no spaces\"}"), 400, "invalid-device-name");
    assertProblem(server.api("PUT", path, admin, "{\"name\":\"" + "x".repeat(65) + "\"}"), 400, "invalid-device-name");
    assertProblem(server.api("PUT", path, admin, "{}"), 400, "invalid-field");
    assertProblem(server.api("PUT", path, admin, "{\"name\":7}"), 400, "invalid-field");
    assertProblem(server.api("PUT", path, admin, "{\"name\":\"ok\",\"id\":\"other\"}"), 400, "invalid-field");
    assertProblem(server.api("PUT", path, admin, "{\"name\":"), 400, "malformed-json");
    assertProblem(server.api("PUT", path, integrator, "{\"name\":\"by-integrator\"}"), 403, "forbidden");
    assertProblem(server.api("PUT", "/api/v1/devices/nobody/name", admin, "{\"name\":\"ghost\"}"), 404,
        "device-not-found");

    // and the device kept its name
    assertThat(server.admin("GET", "/api/v1/devices/bad-1", null, 200).getString("name")).isEqualTo("cellar");
  }

  @Test
  @DisplayName("Verifies that a device names itself over the device channel, only itself, and only with a free name")
  void deviceNamesItself() throws Exception {
    // given two enrolled devices, the second named "attic" by the operator
    DeviceBundle first = server.enrollDevice("self-1");
    server.enrollDevice("self-2");
    server.admin("PUT", "/api/v1/devices/self-2/name", "{\"name\":\"attic\"}", 200);
    DeviceHttp asFirst = DeviceHttp.as(server, first);

    // when the first device names itself "loft" over the device channel
    HttpResponse<String> named = asFirst.send("PUT", "/device/v1/name", "{\"name\":\"loft\"}");

    // then the name is its own (the id comes from its certificate, a body cannot name another device)
    assertThat(named.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(named.body())).isEqualTo(new JsonObject().put("deviceId", "self-1").put("name", "loft"));
    assertThat(server.admin("GET", "/api/v1/devices/self-1", null, 200).getString("name")).isEqualTo("loft");
    assertProblem(asFirst.send("PUT", "/device/v1/name", "{\"name\":\"x\",\"deviceId\":\"self-2\"}"), 400, "invalid-field");

    // and the other device's name is refused, a bad one too, and neither changes anything
    assertProblem(asFirst.send("PUT", "/device/v1/name", "{\"name\":\"attic\"}"), 409, "device-name-taken");
    assertProblem(asFirst.send("PUT", "/device/v1/name", "{\"name\":\"-bad\"}"), 400, "invalid-device-name");
    assertThat(server.admin("GET", "/api/v1/devices/self-1", null, 200).getString("name")).isEqualTo("loft");
    assertThat(server.admin("GET", "/api/v1/devices/self-2", null, 200).getString("name")).isEqualTo("attic");

    // and without a client certificate the route answers nothing but 401
    DeviceHttp anonymous = DeviceHttp.anonymous(server, first);
    assertProblem(anonymous.send("PUT", "/device/v1/name", "{\"name\":\"sneaky\"}"), 401, "client-certificate-required");
  }
}
