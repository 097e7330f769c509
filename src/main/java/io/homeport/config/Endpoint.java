package io.homeport.config;

/**
 * Where one listener binds, and the port devices are told to use.
 *
 * @param port 0 binds an ephemeral port (tests)
 * @param publicPort the advertised port; 0 means the bound port
 */
public record Endpoint(String bind, int port, int publicPort) {
  public int advertisedPort(int boundPort) {
    return publicPort != 0 ? publicPort : boundPort;
  }
}
