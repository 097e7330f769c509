package io.homeport.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The order of NAT lifetime probes and what their outcomes mean, without sockets. */
class LifetimeSearchTest {

  /** Runs a search against a NAT whose idle mappings survive the times {@code survives} accepts. */
  private static List<Integer> run(LifetimeSearch search, IntPredicate survives) {
    List<Integer> probed = new ArrayList<>();
    while (!search.done()) {
      int seconds = search.next();
      probed.add(seconds);
      if (survives.test(seconds)) {
        search.survived(seconds);
      } else {
        search.lost(seconds);
      }
    }
    return probed;
  }

  @Test
  @DisplayName("Verifies that behind a NAT with a 20 s UDP timeout the probes grow 3, 10, 15, 22 s, the lost 22 s "
      + "probe is tried once more, and the lifetime is known to be at least 15 s and below 22 s")
  void findsATwentySecondTimeout() {
    // given the server's 25 s suggestion as the ceiling
    LifetimeSearch search = new LifetimeSearch(25);
    // when the probes run against a NAT that forgets after 20 s
    List<Integer> probed = run(search, s -> s < 20);
    // then
    assertThat(probed).containsExactly(3, 10, 15, 22, 22);
    assertThat(search.atLeastSeconds()).isEqualTo(15);
    assertThat(search.belowSeconds()).isEqualTo(22);
  }

  @Test
  @DisplayName("Verifies that a probe lost once (UDP loss) and answered on its retry does not end the search")
  void oneLossIsNotALimit() {
    LifetimeSearch search = new LifetimeSearch(25);
    boolean[] lostOnce = {false};
    List<Integer> probed = run(search, s -> {
      if (s == 10 && !lostOnce[0]) {
        lostOnce[0] = true;
        return false;
      }
      return true;
    });
    assertThat(probed).containsExactly(3, 10, 10, 15, 22, 33, 42);
    assertThat(search.belowSeconds()).isZero();
    assertThat(search.atLeastSeconds()).isEqualTo(42);
  }

  @Test
  @DisplayName("Verifies that probing stops once a mapping is known to outlive what the ceiling needs (ceiling / 0.6)")
  void stopsAtWhatTheCeilingNeeds() {
    LifetimeSearch search = new LifetimeSearch(10);
    List<Integer> probed = run(search, s -> true);
    assertThat(probed).containsExactly(3, 10, 15, 17);
    assertThat(search.atLeastSeconds()).isEqualTo(17);
  }
}
