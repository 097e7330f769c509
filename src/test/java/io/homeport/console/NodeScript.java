package io.homeport.console;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A Node.js script of src/test/console run as a process: its output kept (standard error merged), and the
 * lines by which it asks something answered on its standard input.
 */
final class NodeScript {
  static final Path DIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "src/test/console");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String END = "\u0000end";

  /** Answers one line of the script's output; null for a line that asks nothing. */
  interface Answers {
    String answer(String line) throws Exception;
  }

  /** How a run ended. */
  record Run(int exitCode, String output) {}

  private NodeScript() {}

  /**
   * Runs {@code script} with its arguments and {@code env} until it exits; fails when it takes longer than
   * {@code limit}.
   */
  static Run run(List<String> scriptAndArguments, Map<String, String> env, Duration limit, Answers answers)
      throws Exception {
    String script = scriptAndArguments.get(0);
    List<String> command = new ArrayList<>(List.of("node"));
    command.addAll(scriptAndArguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("CHROMIUM", CHROMIUM.toString());
    Process process = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(output unreadable: " + e + ")");
      } finally {
        lines.add(END);
      }
    }, "node-output");
    reader.start();
    StringBuilder output = new StringBuilder();
    long deadline = System.nanoTime() + limit.toNanos();
    try (Writer in = process.outputWriter(StandardCharsets.UTF_8)) {
      for (String line = lines.poll(limit.toMillis(), TimeUnit.MILLISECONDS); !END.equals(line);
          line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        if (line == null) {
          Assertions.fail("node " + script + " ran longer than " + limit + "; its output:\n" + output);
        }
        output.append(line).append('\n');
        String answer = answers.answer(line);
        if (answer != null) {
          in.write(answer + "\n");
          in.flush();
        }
      }
      return new Run(process.waitFor(), output.toString());
    } finally {
      process.destroyForcibly();
    }
  }

  /** node, Debian's chromium and playwright-core (scripts/ensure-tools.sh test installs them); in CI all are required. */
  static void requireBrowserTools() {
    boolean node = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "node")));
    boolean chromium = Files.isExecutable(CHROMIUM);
    boolean playwright = Files.isDirectory(DIR.resolve("node_modules/playwright-core"));
    String missing = (node ? "" : " node") + (chromium ? "" : " " + CHROMIUM)
        + (playwright ? "" : " src/test/console/node_modules/playwright-core");
    if (!missing.isEmpty() && "true".equals(System.getenv("CI"))) {
      Assertions.fail("the console browser tests must run in CI; missing:" + missing + " (scripts/ensure-tools.sh test)");
    }
    Assumptions.assumeTrue(missing.isEmpty(), "the console browser tests need" + missing
        + " (scripts/ensure-tools.sh test installs them); skipped");
  }
}
