import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A UDP echo and a UDP pinger for tests inside network namespaces (run as a source file: {@code java
 * UdpTool.java ...}).
 *
 * <pre>
 *   echo PORT                                  echoes on 127.0.0.1:PORT; prints "echo ready"
 *   ping HOST:PORT COUNT INTERVAL_MS WAIT_MS   sends COUNT datagrams, one every INTERVAL_MS, then waits WAIT_MS
 *                                              for late echoes; prints "echo SEQ RECEIVED_EPOCH_MS" per echo
 *                                              and "sent N received M last LAST_EPOCH_MS" at the end
 * </pre>
 */
public class UdpTool {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("echo")) {
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
          Integer.parseInt(args[1])))) {
        System.out.println("echo ready");
        System.out.flush();
        byte[] buf = new byte[65535];
        while (true) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          s.receive(p);
          s.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
        }
      }
    }
    int colon = args[1].lastIndexOf(':');
    InetSocketAddress to = new InetSocketAddress(args[1].substring(0, colon), Integer.parseInt(args[1].substring(colon + 1)));
    int count = Integer.parseInt(args[2]);
    long interval = Long.parseLong(args[3]);
    long wait = Long.parseLong(args[4]);
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      long[] last = {0};
      int[] received = {0};
      boolean[] seen = new boolean[count];
      Thread reader = new Thread(() -> {
        byte[] buf = new byte[65535];
        try {
          s.setSoTimeout(200);
          while (!s.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
              s.receive(p);
            } catch (SocketTimeoutException e) {
              continue;
            }
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
            int seq = Integer.parseInt(text.substring(text.indexOf('-') + 1));
            long now = System.currentTimeMillis();
            synchronized (seen) {
              if (seq >= 0 && seq < count && !seen[seq]) {
                seen[seq] = true;
                received[0]++;
                last[0] = now;
                System.out.println("echo " + seq + " " + now);
              }
            }
          }
        } catch (Exception e) {
          // closed
        }
      });
      reader.start();
      for (int i = 0; i < count; i++) {
        byte[] out = ("ping-" + i).getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(out, out.length, to));
        Thread.sleep(interval);
      }
      Thread.sleep(wait);
      synchronized (seen) {
        System.out.println("sent " + count + " received " + received[0] + " last " + last[0]);
      }
      System.out.flush();
      s.close();
      reader.join(1000);
    }
  }
}
