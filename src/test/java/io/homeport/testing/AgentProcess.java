package io.homeport.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged reference agent ({@code homeport device run}) as a separate process, its output kept for the test. */
public final class AgentProcess implements AutoCloseable {
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Process process;
  private final Thread reader;

  private AgentProcess(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "agent-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Runs {@code device run --bundle B --poll 0s} with further options. */
  public static AgentProcess run(Path bundle, String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.JAR.toString(), "device", "run",
        "--bundle", bundle.toString(), "--poll", "0s", "--echonet-port", "0"));
    command.addAll(List.of(options));
    return new AgentProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Runs a one-shot CLI command ({@code device connect ...}) to its end: its exit code and output. */
  public static Result once(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.JAR.toString()));
    command.addAll(List.of(args));
    AgentProcess p = new AgentProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.close();
      throw new AssertionError("`" + String.join(" ", args) + "` did not end within " + timeout + ":\n" + p.text());
    }
    p.reader.join(5_000); // the output up to its end
    return new Result(p.process.exitValue(), p.text());
  }

  /** A finished command. */
  public record Result(int exitCode, String output) {}

  /** Waits for an output line matching {@code regex}; returns its match. */
  public Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : output) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no line matching /" + regex + "/ within " + timeout + "; output:\n" + text());
  }

  public String text() {
    return String.join("\n", output);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
