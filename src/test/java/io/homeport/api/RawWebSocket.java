package io.homeport.api;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client by hand on a plain socket, for what a library client hides: the HTTP answer to a
 * refused handshake, and a client that stops reading (the socket's receive buffer is made small, and
 * nothing reads it until the test says so).
 */
final class RawWebSocket implements AutoCloseable {
  record Response(int status, Map<String, String> headers, String body) {}

  record Frame(int opcode, byte[] payload) {
    static final int TEXT = 1;
    static final int CLOSE = 8;

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }

    String closeReason() {
      return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to the loopback port; {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting. */
  static RawWebSocket connect(int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.setSoTimeout(30_000);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return new RawWebSocket(s);
  }

  /** Sends an upgrade request for {@code pathAndQuery} with these extra headers and reads the answer's head. */
  Response handshake(String pathAndQuery, Map<String, String> headers) throws IOException {
    StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\n")
        .append("Upgrade: websocket\r\n")
        .append("Connection: Upgrade\r\n")
        .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
        .append("Sec-WebSocket-Version: 13\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    req.append("\r\n");
    out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return readResponse();
  }

  /** Sends a plain GET (no upgrade) and reads the whole answer. */
  Response get(String pathAndQuery, Map<String, String> headers) throws IOException {
    StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    req.append("\r\n");
    out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return readResponse();
  }

  private Response readResponse() throws IOException {
    String status = line();
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    String body = "";
    if (code != 101 && headers.containsKey("content-length")) {
      body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
    }
    return new Response(code, headers, body);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException("connection closed in the HTTP head");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads one (unfragmented, unmasked) server frame. */
  Frame readFrame() throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = (readByte() << 8) | readByte();
    } else if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | readByte();
      }
    }
    if ((b1 & 0x80) != 0) {
      throw new IOException("a server frame must not be masked");
    }
    return new Frame(b0 & 0x0f, in.readNBytes((int) len));
  }

  private int readByte() throws IOException {
    int c = in.read();
    if (c < 0) {
      throw new EOFException("connection closed");
    }
    return c;
  }

  /** How long a read may block before it fails with a {@link java.net.SocketTimeoutException}. */
  void readTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
