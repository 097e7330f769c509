package io.homeport.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/**
 * Writes the datagram file {@link UdpLoad} replays (format in {@code udpload.c}): per client socket
 * the local port it must use and its datagrams in sending order.
 */
public final class DatagramFile {

  /** One client socket: the local port it binds (0: any) and its datagrams, in sending order. */
  public record Socket(int localPort, List<byte[]> datagrams) {
    public Socket {
      if (localPort < 0 || localPort > 65535) {
        throw new IllegalArgumentException("local port out of range: " + localPort);
      }
      for (byte[] d : datagrams) {
        if (d.length == 0 || d.length > 65535) {
          throw new IllegalArgumentException("datagram length out of range: " + d.length);
        }
      }
    }

    long sectionBytes() {
      long bytes = 0;
      for (byte[] d : datagrams) {
        bytes += 2 + d.length;
      }
      return bytes;
    }
  }

  private static final byte[] MAGIC = "UDPLOAD1".getBytes(StandardCharsets.US_ASCII);
  private static final int FLAG_CYCLE = 1;

  private DatagramFile() {}

  /**
   * Writes {@code count} sockets, building them on all cores (building may be costly: signed keepalives)
   * and writing them in order.
   *
   * @param cycle whether a socket at the end of its datagrams starts again from its first (only for
   *     servers that keep no state per request)
   * @return the number of datagrams written
   */
  public static long write(Path file, boolean cycle, int count, IntFunction<Socket> socketAt)
      throws IOException, InterruptedException {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      List<CompletableFuture<Socket>> sockets = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int index = i;
        sockets.add(CompletableFuture.supplyAsync(() -> socketAt.apply(index), pool));
      }
      ByteBuffer header = ByteBuffer.allocate(16 + 16 * count).order(ByteOrder.LITTLE_ENDIAN);
      header.put(MAGIC).putInt(count).putInt(cycle ? FLAG_CYCLE : 0);
      ch.position(header.capacity());
      long datagrams = 0;
      ByteBuffer out = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        Socket socket = sockets.set(i, null).get(); // dropped once written: the datagrams may be large
        header.putShort((short) socket.localPort()).putShort((short) 0).putInt(socket.datagrams().size())
            .putLong(socket.sectionBytes());
        for (byte[] d : socket.datagrams()) {
          if (out.remaining() < 2 + d.length) {
            drain(ch, out);
          }
          out.putShort((short) d.length).put(d);
        }
        datagrams += socket.datagrams().size();
      }
      drain(ch, out);
      ch.write(header.flip(), 0);
      return datagrams;
    } catch (ExecutionException e) {
      throw new IllegalStateException("building the datagrams failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void drain(FileChannel ch, ByteBuffer out) throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      ch.write(out);
    }
    out.clear();
  }
}
