package io.homeport.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process started in a {@link NatLab} namespace ({@link NatLab#start}) whose output lines are kept, each with
 * the time it was read, so a test can wait for a line and read the log afterwards.
 */
public final class LabProcess {
  /** An output line and when it was read (epoch millis). */
  public record Line(long at, String text) {}

  public final String name;
  public final Process process;
  public final List<Line> lines = new CopyOnWriteArrayList<>();

  private LabProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  public static LabProcess reading(String name, Process process) {
    LabProcess p = new LabProcess(name, process);
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          p.lines.add(new Line(System.currentTimeMillis(), line));
        }
      } catch (Exception ignored) {
        // ended
      }
    }, "lab-output-" + name);
    t.setDaemon(true);
    t.start();
    return p;
  }

  public void await(String what, Duration timeout, Predicate<String> line) throws InterruptedException {
    awaitAfter(0, what, timeout, line);
  }

  public Line awaitAfter(int from, String what, Duration timeout, Predicate<String> line) throws InterruptedException {
    Line[] found = new Line[1];
    try {
      TestServer.await(what + " (" + name + ")", timeout, () -> {
        for (int i = from; i < lines.size(); i++) {
          if (line.test(lines.get(i).text())) {
            found[0] = lines.get(i);
            return true;
          }
        }
        return false;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; output:\n" + String.join("\n",
          lines.stream().map(Line::text).toList()), e);
    }
    return found[0];
  }

  public int count(Predicate<String> line) {
    return (int) lines.stream().filter(l -> line.test(l.text())).count();
  }

  public java.util.Optional<String> find(Pattern pattern) {
    for (Line l : lines) {
      Matcher m = pattern.matcher(l.text());
      if (m.find()) {
        return java.util.Optional.of(m.group(1));
      }
    }
    return java.util.Optional.empty();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed ({@code ip netns exec} runs the command in its own process). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  public String text() {
    return String.join("\n", lines.stream().map(Line::text).toList());
  }

  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
