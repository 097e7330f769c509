package io.homeport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.Ports;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command and the packaged jar, as an operator uses them: separate processes. */
class RunScriptIT {
  private static final Path BASEDIR = Path.of(System.getProperty("homeport.basedir", "."));
  private static final Path JAR = io.homeport.testing.ServerProcess.JAR;
  private static final Pattern TOKEN = Pattern.compile("^\\s+(ey[A-Za-z0-9_.-]+)\\s*$");

  @Test
  @DisplayName("Verifies that scripts/run.sh brings the server up on its defaults, /health and the console answer, the "
      + "printed admin token works on the API, `homeport admin token` prints it again, and the key files are 0600")
  void runScript(@TempDir Path dir) throws Exception {
    // given only environment overrides for the ports and the data directory (the rest: embedded defaults)
    int api = Ports.freeTcp();
    Path data = dir.resolve("data");
    ProcessBuilder pb = new ProcessBuilder(BASEDIR.resolve("scripts/run.sh").toString()).redirectErrorStream(true);
    pb.environment().putAll(Map.of("HOMEPORT_API_PORT", String.valueOf(api),
        "HOMEPORT_BEACON_PORT", String.valueOf(Ports.freeUdp()), "HOMEPORT_BEACON_ALT_PORT", "0",
        "HOMEPORT_DEVICE_CHANNEL_PORT", String.valueOf(Ports.freeTcp()),
        "HOMEPORT_RELAY_PORT", String.valueOf(Ports.freeUdp()),
        "HOMEPORT_DATA_DIR", data.toString()));
    Process p = pb.start();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
        }
      } catch (Exception ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      // when it has started, /health answers without a token
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      HttpResponse<String> health = null;
      while (System.nanoTime() < deadline) {
        try {
          health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/health")).build(),
              HttpResponse.BodyHandlers.ofString());
          break;
        } catch (java.io.IOException notYet) {
          assertThat(p.isAlive()).as("server process alive; output:%n%s", String.join("\n", output)).isTrue();
          Thread.sleep(200);
        }
      }
      assertThat(health).as("/health answered; output:%n%s", String.join("\n", output)).isNotNull();
      assertThat(health.statusCode()).isEqualTo(200);
      // and the operator console is served from the packaged jar
      HttpResponse<String> console = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/console/"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(console.statusCode()).isEqualTo(200);
      assertThat(console.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");

      // then the admin token was printed once, and it works on the API
      String token = output.stream().map(TOKEN::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
          .orElseThrow(() -> new AssertionError("no admin token printed:\n" + String.join("\n", output)));
      HttpResponse<String> devices = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/api/v1/devices"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(devices.statusCode()).isEqualTo(200);
      assertThat(output).noneMatch(line -> line.contains(" - ") && line.contains(token)); // never in a log line

      // and `homeport admin token` prints the same token from the data directory
      Process again = new ProcessBuilder("java", "-jar", JAR.toString(), "admin", "token", "--data-dir", data.toString())
          .redirectErrorStream(true).start();
      String printed = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(again.waitFor()).isZero();
      assertThat(printed).isEqualTo(token);

      // and every file holding a key is 0600, the data directory 0700
      assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
      for (String secret : List.of("ca.key.pem", "server.key.pem", "jwt-signing.key.pem", "admin-token", "homeport.db")) {
        assertThat(Files.getPosixFilePermissions(data.resolve(secret))).as(secret)
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      }
      assertThat(output).anyMatch(line -> line.contains("transport"));
    } finally {
      p.destroy();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
      reader.join(5000);
    }
  }

  @Test
  @DisplayName("Verifies that invalid configuration stops start-up with a message naming the setting")
  void invalidConfiguration() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("java", "-jar", JAR.toString(), "serve").redirectErrorStream(true);
    pb.environment().put("HOMEPORT_BEACON_OFFLINE_GRACE", "soon");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("beacon.offlineGrace").contains("HOMEPORT_BEACON_OFFLINE_GRACE");
  }
}
