package io.homeport.bench;

import io.homeport.stun.StunMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * coturn running as a plain STUN server on a loopback port, started through the project's script
 * ({@code scripts/coturn-stun.sh}: {@code --stun-only}, no authentication, loopback only) and stopped
 * on {@link #close()}.
 */
public final class CoturnStun implements AutoCloseable {
  private final Process process;
  private final Thread stopOnExit;
  private final InetSocketAddress address;

  private CoturnStun(Process process, InetSocketAddress address) {
    this.process = process;
    this.stopOnExit = ExitHooks.stopOnExit(process);
    this.address = address;
  }

  /** Starts coturn on a free loopback port and waits until it answers a Binding request. */
  public static CoturnStun start(Path script, Path log, Duration timeout) throws IOException, InterruptedException {
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException(script + " is not there or not executable: run the bench from the project's "
          + "root or name the script with --coturn-script");
    }
    int port = FreePorts.udp();
    Process process = new ProcessBuilder(List.of(script.toString(), Integer.toString(port)))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    CoturnStun coturn = new CoturnStun(process, new InetSocketAddress("127.0.0.1", port));
    try {
      coturn.awaitAnswer(timeout, log);
      return coturn;
    } catch (IOException | InterruptedException | RuntimeException e) {
      coturn.close();
      throw e;
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  /** A Binding request as a STUN client sends it: header only, random transaction id, FINGERPRINT. */
  public static byte[] bindingRequest() {
    return StunMessage.builder(StunMessage.BINDING_REQUEST, StunMessage.randomTransactionId()).fingerprint().encode();
  }

  private void awaitAnswer(Duration timeout, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (UdpClient client = new UdpClient(address)) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("coturn exited (" + process.exitValue() + "):\n" + TempFiles.tail(log, 20));
        }
        client.send(bindingRequest());
        if (client.receive(Duration.ofMillis(100)) != null) {
          return;
        }
      }
    }
    throw new IllegalStateException("coturn did not answer within " + timeout + ":\n" + TempFiles.tail(log, 20));
  }

  /** Stops coturn (SIGTERM, then SIGKILL after 5 s). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    ExitHooks.remove(stopOnExit);
  }
}
