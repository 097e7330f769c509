package io.homeport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole side-by-side run, small: it checks counts, never speed. */
class SideBySideBenchTest {

  @TempDir
  Path cache;

  @Test
  @DisplayName("Verifies that one run drives coturn with Binding requests and homeport serve with keepalives it all accepts")
  void bothServersAnswer() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/turnserver")),
        "coturn is not installed (scripts/ensure-tools.sh bench installs it); skipped");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")) || Files.isExecutable(Path.of("/usr/bin/cc")),
        "the load generator needs a C compiler (scripts/ensure-tools.sh bench installs gcc); skipped");
    // given a few devices over two sockets
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SideBySideBench.Options options = new SideBySideBench.Options(6, 2, 2, Duration.ZERO, Duration.ofSeconds(1),
        Path.of("scripts", "coturn-stun.sh"), cache);

    // when the bench runs
    SideBySideBench.Figures f = new SideBySideBench(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

    // then coturn answered every Binding request with a success
    assertThat(f.coturn().answered()).as(printed.toString(StandardCharsets.UTF_8)).isPositive();
    assertThat(f.coturn().success()).isEqualTo(f.coturn().answered());
    // and Homeport accepted every keepalive the generator sent (nonces, sequences and integrity all good),
    // exactly as many as the generator saw success answers
    assertThat(f.homeport().answered()).isPositive();
    assertThat(f.homeport().error()).isZero();
    assertThat(f.homeport().success()).isEqualTo(f.homeport().answered());
    assertThat(f.homeportAccepted()).isEqualTo(f.homeport().totalSuccess()).isEqualTo(f.homeport().totalSent());
    assertThat(f.homeportOutcomes()).containsOnlyKeys("accepted");
    assertThat(f.ratio()).isPositive();
  }
}
