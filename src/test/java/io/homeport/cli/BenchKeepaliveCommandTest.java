package io.homeport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchKeepaliveCommandTest {

  @Test
  @DisplayName("Verifies that bench keepalive --against refuses an unknown peer, an open-loop rate and too many sockets before running anything")
  void refusesBadSideBySideOptions() {
    assertThat(run("--against", "nginx")).isEqualTo(2);
    assertThat(run("--against", "coturn", "--rate", "1000")).isEqualTo(2);
    assertThat(run("--against", "coturn", "--devices", "10", "--sockets", "64")).isEqualTo(2);
    assertThat(run("--against", "coturn", "--in-flight", "0")).isEqualTo(2);
  }

  @Test
  @DisplayName("Verifies that bench keepalive --help describes the side-by-side mode")
  void helpNamesTheMode() {
    StringWriter out = new StringWriter();
    CommandLine cl = Homeport.commandLine();
    cl.setOut(new PrintWriter(out));
    // when help is asked for
    int exit = cl.execute("bench", "keepalive", "--help");
    // then it exits cleanly and names the peer server and the closed-loop options
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("--against", "coturn", "--in-flight", "--warmup");
  }

  private static int run(String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "bench";
    args[1] = "keepalive";
    System.arraycopy(options, 0, args, 2, options.length);
    return Homeport.commandLine().execute(args);
  }
}
