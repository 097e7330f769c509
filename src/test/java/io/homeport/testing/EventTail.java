package io.homeport.testing;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An event-stream subscriber ({@code /api/v1/events}, docs/event-stream.md) as a process of its own, for
 * servers a test reaches only from inside a {@link NatLab} namespace: it prints {@code OPEN}, then one line
 * {@code EVENT <json>} per event, and {@code CLOSED <code> <reason>} at the end. JDK classes only, so it
 * runs from the test classes alone.
 */
public final class EventTail {
  public static final String EVENT_PREFIX = "EVENT ";

  private EventTail() {}

  /** Starts it in namespace {@code ns}, subscribed to {@code url} with {@code token}. */
  public static LabProcess start(NatLab lab, String ns, String name, String url, String token) throws Exception {
    Path classes = Path.of(EventTail.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return LabProcess.reading(name, lab.start(ns, List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-Xmx48m",
        "-cp", classes.toString(), EventTail.class.getName(), url, token), Map.of()));
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + args[1])
        .buildAsync(URI.create(args[0]), new WebSocket.Listener() {
          private final StringBuilder frame = new StringBuilder();

          @Override
          public void onOpen(WebSocket ws) {
            out.println("OPEN");
            ws.request(1);
          }

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            frame.append(data);
            if (last) {
              out.println(EVENT_PREFIX + frame);
              frame.setLength(0);
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            out.println("CLOSED " + code + " " + reason);
            closed.complete(null);
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            out.println("CLOSED error " + error);
            closed.complete(null);
          }
        }).join();
    closed.join();
  }
}
