package io.homeport.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's consent policies for device-mode targets. */
class ConsentPolicyTest {

  @Test
  @DisplayName("Verifies that the allow-list file accepts the ids and names it lists, reads edits at once, and rejects "
      + "when the file is gone")
  void allowListFile(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // given a file naming one device by id and one by name, with a comment
      Path file = dir.resolve("allowed.txt");
      Files.writeString(file, "# who may connect\nphone-1\n  tablet   # the kitchen tablet\n");
      ConsentPolicy policy = ConsentPolicy.allowListFile(vertx, file);

      // when devices ask, then listed ids and names are accepted, others not
      assertThat(decide(policy, "phone-1", null)).isTrue();
      assertThat(decide(policy, "tab-7", "tablet")).isTrue();
      assertThat(decide(policy, "intruder", "phone")).isFalse();

      // and an edit takes effect at the next request, and a missing file rejects everyone
      Files.writeString(file, "intruder\n");
      assertThat(decide(policy, "intruder", null)).isTrue();
      assertThat(decide(policy, "phone-1", null)).isFalse();
      Files.delete(file);
      assertThat(decide(policy, "intruder", null)).isFalse();
      assertThat(decide(ConsentPolicy.REJECT_ALL, "phone-1", null)).isFalse();
      assertThat(decide(ConsentPolicy.ACCEPT_ALL, "anyone", null)).isTrue();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static boolean decide(ConsentPolicy policy, String id, String name) throws Exception {
    return policy.decide(id, name).await(5, TimeUnit.SECONDS);
  }
}
