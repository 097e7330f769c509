package io.homeport.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;

/** Free ports for servers started as separate processes. */
public final class Ports {
  private Ports() {}

  public static int freeTcp() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public static int freeUdp() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }
}
