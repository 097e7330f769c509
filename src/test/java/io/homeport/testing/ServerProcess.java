package io.homeport.testing;

import io.homeport.auth.AdminToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code target/homeport.jar serve}) as a separate process on loopback with
 * fixed free ports and a data directory, so a test can kill it (SIGKILL) and start it again.
 */
public final class ServerProcess implements AutoCloseable {
  public static final Path JAR = Path.of(System.getProperty("homeport.jar", "target/homeport.jar"));

  private final Map<String, String> env = new HashMap<>();
  private final Path dataDir;
  private final int apiPort;
  private final int beaconPort;
  private final int channelPort;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  /** @param extraEnv further HOMEPORT_* settings */
  public ServerProcess(Path dataDir, Map<String, String> extraEnv) throws IOException {
    this.dataDir = dataDir;
    this.apiPort = Ports.freeTcp();
    this.beaconPort = Ports.freeUdp();
    this.channelPort = Ports.freeTcp();
    env.putAll(extraEnv);
    env.put("HOMEPORT_DATA_DIR", dataDir.toString());
    env.put("HOMEPORT_API_BIND", "127.0.0.1");
    env.put("HOMEPORT_API_PORT", String.valueOf(apiPort));
    env.put("HOMEPORT_BEACON_BIND", "127.0.0.1");
    env.put("HOMEPORT_BEACON_PORT", String.valueOf(beaconPort));
    env.put("HOMEPORT_BEACON_ALT_PORT", "0");
    env.put("HOMEPORT_DEVICE_CHANNEL_BIND", "127.0.0.1");
    env.put("HOMEPORT_DEVICE_CHANNEL_PORT", String.valueOf(channelPort));
    env.put("HOMEPORT_RELAY_BIND", "127.0.0.1");
    env.put("HOMEPORT_RELAY_PORT", String.valueOf(Ports.freeUdp()));
  }

  /** Starts the server and waits until /health answers. */
  public ServerProcess start() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("java", "-jar", JAR.toString(), "serve").redirectErrorStream(true);
    pb.environment().putAll(env);
    process = pb.start();
    Process p = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited with " + process.exitValue() + ":\n" + String.join("\n", output));
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(apiBase() + "/health")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return this;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new AssertionError("server did not answer /health within 60 s:\n" + String.join("\n", output));
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  public String apiBase() {
    return "http://127.0.0.1:" + apiPort;
  }

  public URI deviceChannel() {
    return URI.create("https://localhost:" + channelPort);
  }

  public String adminToken() throws IOException {
    return AdminToken.read(dataDir).orElseThrow();
  }

  public HttpResponse<String> api(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiBase() + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + adminToken())
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public List<String> output() {
    return output;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
