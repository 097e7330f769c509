package io.homeport.cli;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.auth.AdminToken;
import io.homeport.pki.SecretFiles;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotating the bootstrap admin token through the API and with {@code homeport admin rotate-token}. */
class AdminTokenRotationTest {

  @Test
  @DisplayName("Verifies that rotating the admin token through the API revokes the old one at once and after a restart, "
      + "that the new one works and is the one stored (mode 0600) and printed by admin token, and that no other "
      + "token changes")
  void rotateThroughTheApi(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("data");
    try (TestServer server = TestServer.start(dataDir)) {
      // given the bootstrap admin token and two other tokens, one of them revoked
      String old = server.adminToken();
      server.admin("POST", "/api/v1/tokens", "{\"role\":\"operator\",\"subject\":\"ops\"}", 201);
      String revokedId = server.admin("POST", "/api/v1/tokens", "{\"role\":\"integrator\",\"subject\":\"gone\"}", 201)
          .getString("id");
      server.admin("DELETE", "/api/v1/tokens/" + revokedId, null, 200);
      Map<String, JsonObject> before = tokenList(server, old);

      // when an admin rotates the admin token
      assertProblem(server.api("POST", "/api/v1/tokens/admin/rotate", old, "{\"keep\":true}"), 400, "invalid-field");
      JsonObject rotated = server.admin("POST", "/api/v1/tokens/admin/rotate", null, 201);

      // then the old one is refused at once and the new one works
      String fresh = rotated.getString("token");
      assertThat(rotated.getString("role")).isEqualTo("admin");
      assertThat(rotated.getString("expiresAt")).isNull();
      assertProblem(server.api("GET", "/api/v1/tokens", old, null), 401, "token-revoked");
      assertThat(server.api("GET", "/api/v1/tokens", fresh, null).statusCode()).isEqualTo(200);
      assertStored(dataDir, fresh);
      // and the token list holds what it held, the old admin token revoked and the new one
      assertOnlyTheAdminTokensChanged(before, tokenList(server, fresh), rotated.getString("id"));

      // when the server restarts
      server.restart();
      // then the old token is still refused and the new one still works
      assertProblem(server.api("GET", "/api/v1/devices", old, null), 401, "token-revoked");
      assertThat(server.adminToken()).isEqualTo(fresh);
      assertThat(server.api("GET", "/api/v1/devices", fresh, null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("Verifies that homeport admin rotate-token, run beside a running server, prints a new admin token "
      + "once, stores it, and the running server refuses the old one and accepts the new one")
  void rotateFromTheCommandLineBesideARunningServer(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("data");
    try (TestServer server = TestServer.start(dataDir)) {
      // given a running server and another token
      String old = server.adminToken();
      server.admin("POST", "/api/v1/tokens", "{\"role\":\"operator\",\"subject\":\"ops\"}", 201);
      Map<String, JsonObject> before = tokenList(server, old);

      // when the command rotates the admin token on the same data directory and store
      Run rotation = run("admin", "rotate-token", "--data-dir", dataDir.toString());

      // then it prints the new token once, as the last line on stdout
      assertThat(rotation.exit()).as(rotation.err()).isZero();
      String fresh = rotation.out().strip().substring(rotation.out().strip().lastIndexOf('\n') + 1);
      assertThat(fresh).isNotEqualTo(old).startsWith("ey");
      assertThat(rotation.out().split(java.util.regex.Pattern.quote(fresh), -1)).hasSize(2);
      assertThat(rotation.err()).doesNotContain(fresh);
      assertStored(dataDir, fresh);
      // and the running server refuses the old token (once it reloads the revocations) and accepts the new one
      TestServer.await("the running server refuses the old admin token", Duration.ofSeconds(10),
          () -> status(server, old) == 401);
      assertProblem(server.api("GET", "/api/v1/tokens", old, null), 401, "token-revoked");
      assertThat(status(server, fresh)).isEqualTo(200);
      Map<String, JsonObject> after = tokenList(server, fresh);
      String freshId = after.values().stream().filter(t -> t.getString("revokedAt") == null
          && t.getString("role").equals("admin")).map(t -> t.getString("id")).findFirst().orElseThrow();
      assertOnlyTheAdminTokensChanged(before, after, freshId);
    }
  }

  @Test
  @DisplayName("Verifies that homeport admin rotate-token refuses a data directory without an admin token")
  void rotateNeedsAnAdminToken(@TempDir Path dir) {
    // when the command runs on an empty data directory
    Run rotation = run("admin", "rotate-token", "--data-dir", dir.resolve("empty").toString());
    // then it says so and prints no token
    assertThat(rotation.exit()).isEqualTo(1);
    assertThat(rotation.out()).isEmpty();
    assertThat(rotation.err()).contains("no admin token");
  }

  /** The stored token is this one, mode 0600, and {@code homeport admin token} prints it. */
  private static void assertStored(Path dataDir, String token) throws Exception {
    assertThat(AdminToken.read(dataDir)).hasValue(token);
    assertThat(Files.getPosixFilePermissions(AdminToken.file(dataDir))).isEqualTo(SecretFiles.SECRET_FILE_MODE);
    Run print = run("admin", "token", "--data-dir", dataDir.toString());
    assertThat(print.exit()).isZero();
    assertThat(print.out()).isEqualTo(token + System.lineSeparator());
  }

  /**
   * The list after holds every token of the list before unchanged, but for the old admin token (now listed,
   * revoked: it was recorded when replaced), and the new admin token.
   */
  private static void assertOnlyTheAdminTokensChanged(Map<String, JsonObject> before, Map<String, JsonObject> after,
      String freshId) {
    Map<String, JsonObject> others = new TreeMap<>(after);
    JsonObject fresh = others.remove(freshId);
    assertThat(fresh.getString("role")).isEqualTo("admin");
    assertThat(fresh.getString("revokedAt")).isNull();
    Map<String, JsonObject> replaced = new TreeMap<>(others);
    replaced.keySet().removeAll(before.keySet());
    assertThat(replaced).as("the replaced admin token").hasSize(1);
    JsonObject old = replaced.values().iterator().next();
    assertThat(old.getString("role")).isEqualTo("admin");
    assertThat(old.getString("subject")).isEqualTo(AdminToken.SUBJECT);
    assertThat(old.getString("revokedAt")).isNotNull();
    others.keySet().retainAll(before.keySet());
    assertThat(others).isEqualTo(new TreeMap<>(before));
  }

  private static Map<String, JsonObject> tokenList(TestServer server, String adminToken) throws Exception {
    var r = server.api("GET", "/api/v1/tokens", adminToken, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, JsonObject> byId = new TreeMap<>();
    new JsonObject(r.body()).getJsonArray("items").forEach(t -> byId.put(((JsonObject) t).getString("id"), (JsonObject) t));
    return byId;
  }

  private static int status(TestServer server, String token) {
    try {
      return server.api("GET", "/api/v1/devices", token, null).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private record Run(int exit, String out, String err) {}

  /** Runs the homeport command line in this process, capturing what it prints. */
  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = Homeport.commandLine().execute(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }
}
