package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API document under Redocly CLI's {@code recommended} ruleset ({@code tools/openapi-lint}, installed by
 * {@code scripts/ensure-tools.sh test} with the machine's npm): no errors and no warnings.
 */
class OpenApiLintTest {
  private static final Path BASE = Path.of(System.getProperty("homeport.basedir", "."));
  private static final Path LINT_TOOL = BASE.resolve("tools/openapi-lint");
  private static final Path REDOCLY = LINT_TOOL.resolve("node_modules/@redocly/cli/bin/cli.js");
  private static final Path DOCUMENT = BASE.resolve("src/main/resources/openapi/homeport-api.yaml");

  @Test
  @DisplayName("Verifies that Redocly CLI's recommended lint of the OpenAPI document reports no error and no warning")
  void recommendedLintIsClean(@TempDir Path dir) throws Exception {
    requireRedocly();
    // given the document and the lint configuration (extends: [recommended], nothing relaxed)
    Path stderr = dir.resolve("redocly.stderr");

    // when Redocly CLI lints it
    ProcessBuilder command = new ProcessBuilder("node", REDOCLY.toString(), "lint", "--format=json",
        "--config", LINT_TOOL.resolve("redocly.yaml").toString(), DOCUMENT.toString())
        .redirectError(stderr.toFile());
    command.environment().put("REDOCLY_TELEMETRY", "off");
    command.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    Process lint = command.start();
    String out = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lint.waitFor(120, TimeUnit.SECONDS)).as("redocly lint finished").isTrue();

    // then it reports no problem at all
    JsonObject report;
    try {
      report = new JsonObject(out.substring(Math.max(0, out.indexOf('{'))));
    } catch (RuntimeException e) {
      throw new AssertionError("redocly lint printed no JSON report (exit " + lint.exitValue() + "): " + out
          + Files.readString(stderr), e);
    }
    assertThat(problems(report)).as("Redocly CLI recommended lint of %s", DOCUMENT).isEmpty();
    assertThat(report.getJsonObject("totals")).isEqualTo(new JsonObject().put("errors", 0).put("warnings", 0)
        .put("ignored", 0));
    assertThat(lint.exitValue()).isZero();
  }

  /** Each problem as "severity rule at pointer: message", to read in a failure. */
  private static List<String> problems(JsonObject report) {
    List<String> lines = new ArrayList<>();
    for (Object p : report.getJsonArray("problems", new JsonArray())) {
      JsonObject problem = (JsonObject) p;
      JsonArray location = problem.getJsonArray("location", new JsonArray());
      String pointer = location.isEmpty() ? "?" : location.getJsonObject(0).getString("pointer");
      lines.add(problem.getString("severity") + " " + problem.getString("ruleId") + " at " + pointer + ": "
          + problem.getString("message"));
    }
    return lines;
  }

  /** node and Redocly CLI (scripts/ensure-tools.sh test installs it with npm); in CI both are required. */
  private static void requireRedocly() throws IOException, InterruptedException {
    boolean node = onPath("node");
    boolean redocly = Files.isRegularFile(REDOCLY);
    if ((!node || !redocly) && "true".equals(System.getenv("CI"))) {
      Assertions.fail("the OpenAPI lint must run in CI: node " + (node ? "present" : "missing") + ", Redocly CLI "
          + (redocly ? "present" : "missing from " + LINT_TOOL + "/node_modules (scripts/ensure-tools.sh test "
          + "installs it with npm)"));
    }
    Assumptions.assumeTrue(node && redocly, "needs node and Redocly CLI in " + LINT_TOOL
        + "/node_modules (scripts/ensure-tools.sh test installs it with npm); skipped");
  }

  private static boolean onPath(String command) throws IOException, InterruptedException {
    Process which = new ProcessBuilder("sh", "-c", "command -v " + command).redirectErrorStream(true).start();
    which.getInputStream().readAllBytes();
    return which.waitFor() == 0;
  }
}
