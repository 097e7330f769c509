package io.homeport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Clean-up of the throw-away directories the benches work in. */
final class TempFiles {
  private TempFiles() {}

  /** Deletes the directory and everything under it, as far as it can: a leftover is not worth failing a bench. */
  static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
