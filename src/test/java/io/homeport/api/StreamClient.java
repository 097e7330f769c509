package io.homeport.api;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An event stream subscriber for tests, on the JDK's own WebSocket client (an implementation independent
 * of the server's): collects every event, optionally aborts the connection after a number of them.
 */
final class StreamClient implements WebSocket.Listener {
  /** How a subscriber ended: a close frame's code and reason, or an abort / error. */
  record Closed(int code, String reason) {}

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final List<JsonObject> events = Collections.synchronizedList(new ArrayList<>());
  final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final int abortAfter;
  private final StringBuilder partial = new StringBuilder();
  private volatile WebSocket ws;

  private StreamClient(int abortAfter) {
    this.abortAfter = abortAfter;
  }

  /** Subscribes with {@code Authorization: Bearer <token>}. */
  static StreamClient connect(int port, String query, String token) throws Exception {
    return connect(port, query, b -> b.header("Authorization", "Bearer " + token), Integer.MAX_VALUE);
  }

  /**
   * Subscribes; {@code auth} adds the credentials to the handshake; after {@code abortAfter} events the
   * connection is aborted (TCP closed without a close frame), as a crashing client would.
   */
  static StreamClient connect(int port, String query, Consumer<WebSocket.Builder> auth, int abortAfter)
      throws Exception {
    StreamClient client = new StreamClient(abortAfter);
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    auth.accept(b);
    URI uri = URI.create("ws://127.0.0.1:" + port + EventStreamRoutes.PATH + (query.isEmpty() ? "" : "?" + query));
    client.ws = b.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
    return client;
  }

  WebSocket socket() {
    return ws;
  }

  int count() {
    return events.size();
  }

  /** The id of the last event received, or {@code otherwise} when none arrived. */
  long lastId(long otherwise) {
    synchronized (events) {
      return events.isEmpty() ? otherwise : events.get(events.size() - 1).getLong("id");
    }
  }

  List<JsonObject> snapshot() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    ws.abort();
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      events.add(new JsonObject(partial.toString()));
      partial.setLength(0);
      if (events.size() >= abortAfter) {
        webSocket.abort();
        closed.complete(new Closed(-1, "aborted by the client"));
        return null;
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(new Closed(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(new Closed(-1, String.valueOf(error)));
  }
}
