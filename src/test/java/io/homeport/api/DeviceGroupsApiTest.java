package io.homeport.api;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device groups ({@code groups} of devices, {@code PUT /api/v1/devices/{id}/groups}) and group-limited tokens. */
class DeviceGroupsApiTest {
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
  @DisplayName("Verifies that a group-limited integrator sees exactly the devices of its groups: list, get, commands, get command")
  void groupScope() throws Exception {
    // given devices in groups kitchen and cellar, one in none, and a command for each
    server.admin("POST", "/api/v1/devices", "{\"id\":\"gs-k1\",\"groups\":[\"kitchen\"]}", 201);
    server.admin("POST", "/api/v1/devices", "{\"id\":\"gs-k2\",\"groups\":[\"kitchen\",\"floor-1\"]}", 201);
    server.admin("POST", "/api/v1/devices", "{\"id\":\"gs-c\",\"groups\":[\"cellar\"]}", 201);
    server.createDevice("gs-none");
    String cmdK1 = command("gs-k1");
    String cmdC = command("gs-c");
    String cmdNone = command("gs-none");

    // when an admin mints an integrator token limited to the kitchen group
    JsonObject minted = server.admin("POST", "/api/v1/tokens",
        "{\"role\":\"integrator\",\"subject\":\"kitchen-panel\",\"groups\":[\"kitchen\"]}", 201);
    String token = minted.getString("token");

    // then the record shows the groups, and the token sees the kitchen devices only
    assertThat(minted.getJsonArray("groups")).containsExactly("kitchen");
    assertThat(minted.getValue("devices")).isNull();
    assertThat(listed(token)).containsExactly("gs-k1", "gs-k2");
    JsonObject k2 = new JsonObject(server.api("GET", "/api/v1/devices/gs-k2", token, null).body());
    assertThat(k2.getJsonArray("groups")).containsExactly("floor-1", "kitchen");
    assertThat(server.api("GET", "/api/v1/devices/gs-k1/commands", token, null).statusCode()).isEqualTo(200);
    assertThat(server.api("GET", "/api/v1/commands/" + cmdK1, token, null).statusCode()).isEqualTo(200);
    for (String other : List.of("gs-c", "gs-none")) {
      assertProblem(server.api("GET", "/api/v1/devices/" + other, token, null), 404, "device-not-found");
      assertProblem(server.api("GET", "/api/v1/devices/" + other + "/commands", token, null), 404, "device-not-found");
    }
    assertProblem(server.api("GET", "/api/v1/commands/" + cmdC, token, null), 404, "command-not-found");
    assertProblem(server.api("GET", "/api/v1/commands/" + cmdNone, token, null), 404, "command-not-found");
    // and the token listing shows the groups too
    JsonObject listedToken = server.admin("GET", "/api/v1/tokens", null, 200).getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(t -> t.getString("id").equals(minted.getString("id"))).findFirst().orElseThrow();
    assertThat(listedToken.getJsonArray("groups")).containsExactly("kitchen");

    // and a token limited to a device and a group sees either
    String both = server.admin("POST", "/api/v1/tokens",
        "{\"role\":\"integrator\",\"subject\":\"both\",\"devices\":[\"gs-none\"],\"groups\":[\"cellar\"]}", 201)
        .getString("token");
    assertThat(listed(both)).containsExactly("gs-c", "gs-none");
  }

  @Test
  @DisplayName("Verifies that a device moved into the token's group is visible at once, and invisible at once when moved out")
  void regrouping() throws Exception {
    // given a device in no group and an integrator limited to the group lab
    server.createDevice("rg-a");
    String cmd = command("rg-a");
    String token = server.admin("POST", "/api/v1/tokens",
        "{\"role\":\"integrator\",\"subject\":\"lab\",\"groups\":[\"lab\"]}", 201).getString("token");
    assertProblem(server.api("GET", "/api/v1/devices/rg-a", token, null), 404, "device-not-found");

    // when the device is moved into lab
    JsonObject moved = server.admin("PUT", "/api/v1/devices/rg-a/groups", "{\"groups\":[\"lab\",\"north\"]}", 200);

    // then the answer is the device with its groups, and the token sees it, its commands and the list has it
    assertThat(moved.getString("id")).isEqualTo("rg-a");
    assertThat(moved.getJsonArray("groups")).containsExactly("lab", "north");
    assertThat(server.api("GET", "/api/v1/devices/rg-a", token, null).statusCode()).isEqualTo(200);
    assertThat(server.api("GET", "/api/v1/commands/" + cmd, token, null).statusCode()).isEqualTo(200);
    assertThat(listed(token)).containsExactly("rg-a");

    // when it is moved out again
    server.admin("PUT", "/api/v1/devices/rg-a/groups", "{\"groups\":[\"north\"]}", 200);

    // then it is invisible at once
    assertProblem(server.api("GET", "/api/v1/devices/rg-a", token, null), 404, "device-not-found");
    assertProblem(server.api("GET", "/api/v1/devices/rg-a/commands", token, null), 404, "device-not-found");
    assertProblem(server.api("GET", "/api/v1/commands/" + cmd, token, null), 404, "command-not-found");
    assertThat(listed(token)).isEmpty();
    // and the admin's view keeps the groups, also after a restart (loaded from the store)
    server.restart();
    assertThat(server.admin("GET", "/api/v1/devices/rg-a", null, 200).getJsonArray("groups")).containsExactly("north");
    server.admin("PUT", "/api/v1/devices/rg-a/groups", "{\"groups\":[\"lab\"]}", 200);
    assertThat(listed(token)).containsExactly("rg-a");
  }

  @Test
  @DisplayName("Verifies that bad groups of devices and tokens are invalid-field problems naming groups")
  void validation() throws Exception {
    // given a device and the operator and integrator roles
    server.createDevice("val-a");
    String operator = server.admin("POST", "/api/v1/tokens", "{\"role\":\"operator\",\"subject\":\"ops\"}", 201)
        .getString("token");
    String integrator = server.admin("POST", "/api/v1/tokens", "{\"role\":\"integrator\",\"subject\":\"i\"}", 201)
        .getString("token");
    String tooMany = new JsonArray(IntStream.range(0, 33).mapToObj(i -> "g" + i).toList()).encode();
    // when bad groups are sent, then each is refused naming the field, and nothing changes
    List<String> badBodies = List.of("{\"groups\":\"kitchen\"}", "{\"groups\":[1]}", "{\"groups\":[\"-bad\"]}",
        "{\"groups\":[\"has space\"]}", "{\"groups\":[\"a\",\"a\"]}", "{\"groups\":" + tooMany + "}", "{}",
        "{\"groups\":null}");
    for (String body : badBodies) {
      JsonObject p = assertProblem(server.api("PUT", "/api/v1/devices/val-a/groups", operator, body), 400, "invalid-field");
      assertThat(p.getString("field")).as(body).isEqualTo("groups");
    }
    assertThat(assertProblem(server.api("POST", "/api/v1/devices", server.adminToken(),
        "{\"id\":\"val-b\",\"groups\":[\"ok\",\"not ok\"]}"), 400, "invalid-field").getString("field")).isEqualTo("groups");
    assertProblem(server.api("GET", "/api/v1/devices/val-b", server.adminToken(), null), 404, "device-not-found");
    assertThat(server.admin("GET", "/api/v1/devices/val-a", null, 200).getJsonArray("groups")).isEmpty();
    // and an unknown device is 404, an integrator may not regroup
    assertProblem(server.api("PUT", "/api/v1/devices/nobody/groups", operator, "{\"groups\":[\"x\"]}"), 404, "device-not-found");
    assertProblem(server.api("PUT", "/api/v1/devices/val-a/groups", integrator, "{\"groups\":[\"x\"]}"), 403, "forbidden");
    // and tokens: groups only for integrators, a non-empty list of valid names
    for (String body : List.of("{\"role\":\"operator\",\"subject\":\"x\",\"groups\":[\"lab\"]}",
        "{\"role\":\"integrator\",\"subject\":\"x\",\"groups\":[]}",
        "{\"role\":\"integrator\",\"subject\":\"x\",\"groups\":\"lab\"}",
        "{\"role\":\"integrator\",\"subject\":\"x\",\"groups\":[\"no/slash\"]}")) {
      JsonObject p = assertProblem(server.api("POST", "/api/v1/tokens", server.adminToken(), body), 400, "invalid-field");
      assertThat(p.getString("field")).as(body).isEqualTo("groups");
    }
  }

  private static String command(String deviceId) throws Exception {
    return server.admin("POST", "/api/v1/devices/" + deviceId + "/commands", "{\"action\":\"x\"}", 201).getString("id");
  }

  private static List<String> listed(String token) throws Exception {
    var r = server.api("GET", "/api/v1/devices", token, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonArray("items").stream().map(d -> ((JsonObject) d).getString("id")).toList();
  }
}
