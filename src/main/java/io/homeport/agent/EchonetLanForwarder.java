package io.homeport.agent;

import io.homeport.command.CommandResult;
import io.homeport.plugins.echonet.ApplianceAddress;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Forwards ECHONET Lite payloads (encoded by the server's plugin) to appliances on the home LAN over
 * UDP and returns the appliance's answer as the command's result payload, for the plugin to decode.
 * Answers are matched by sender address and transaction id (TID). Appliances that follow the
 * specification answer to port 3610 of the controller: run the agent with {@code --echonet-port 3610}
 * on a real gateway; 0 (an ephemeral port) suits appliances that answer the sending port, such as
 * {@code homeport appliance simulate}.
 */
public final class EchonetLanForwarder implements CommandHandler {
  public static final String CONTENT_TYPE = "application/x-echonet-lite";

  private final Vertx vertx;
  private final int localPort;
  private final Duration timeout;
  private final Map<String, Promise<byte[]>> waiting = new HashMap<>();
  private Future<DatagramSocket> socket;

  public EchonetLanForwarder(Vertx vertx, int localPort, Duration timeout) {
    this.vertx = vertx;
    this.localPort = localPort;
    this.timeout = timeout;
  }

  @Override
  public Future<CommandResult> handle(JsonObject command) {
    ApplianceAddress address;
    byte[] frame;
    try {
      address = ApplianceAddress.parse(command.getJsonObject("appliance", new JsonObject()).getString("address"));
      frame = Base64.getDecoder().decode(command.getString("payload"));
    } catch (RuntimeException e) {
      return Future.succeededFuture(new CommandResult(CommandResult.Status.REJECTED, "bad-appliance-command",
          new JsonObject().put("error", String.valueOf(e.getMessage())).encode()));
    }
    if (frame.length < 4) {
      return Future.succeededFuture(new CommandResult(CommandResult.Status.REJECTED, "bad-appliance-command", null));
    }
    String key = key(address.host(), frame[2], frame[3]);
    Promise<byte[]> answer = Promise.promise();
    waiting.put(key, answer);
    long timer = vertx.setTimer(timeout.toMillis(), id -> answer.tryFail("timeout"));
    return socket().compose(s -> s.send(Buffer.buffer(frame), address.port(), address.host()))
        .compose(v -> answer.future())
        .map(bytes -> new CommandResult(CommandResult.Status.OK, null, null, bytes, CONTENT_TYPE))
        .otherwise(e -> new CommandResult(CommandResult.Status.ERROR,
            "timeout".equals(e.getMessage()) ? "appliance-timeout" : "appliance-unreachable",
            new JsonObject().put("error", String.valueOf(e.getMessage())).encode()))
        .onComplete(r -> {
          vertx.cancelTimer(timer);
          waiting.remove(key, answer);
        });
  }

  private Future<DatagramSocket> socket() {
    if (socket == null) {
      DatagramSocket s = vertx.createDatagramSocket();
      s.handler(packet -> {
        byte[] data = packet.data().getBytes();
        if (data.length >= 4) {
          Promise<byte[]> p = waiting.remove(key(packet.sender().hostAddress(), data[2], data[3]));
          if (p != null) {
            p.tryComplete(data);
          }
        }
      });
      socket = s.listen(localPort, "0.0.0.0");
    }
    return socket;
  }

  private static String key(String host, byte tidHigh, byte tidLow) {
    return host + "/" + ((tidHigh & 0xff) << 8 | (tidLow & 0xff));
  }

  public Future<Void> close() {
    return socket == null ? Future.succeededFuture() : socket.compose(DatagramSocket::close);
  }
}
