package io.homeport.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
  @TempDir
  Path tmp;

  @Test
  @DisplayName("Verifies that a secret file is written with mode 0600 and its content")
  void secretFileMode() throws IOException {
    // given
    Path file = tmp.resolve("token");

    // when
    SecretFiles.writeSecret(file, "s3cret");

    // then
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(SecretFiles.readString(file)).isEqualTo("s3cret");
    assertThat(SecretFiles.isAccessibleByOthers(file)).isFalse();
  }

  @Test
  @DisplayName("Verifies that overwriting a world-readable file replaces it atomically with a 0600 file and leaves no temporary files")
  void overwriteTightensMode() throws IOException {
    // given
    Path file = tmp.resolve("key.pem");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(SecretFiles.isAccessibleByOthers(file)).isTrue();

    // when
    SecretFiles.writeSecret(file, "new".getBytes(StandardCharsets.UTF_8));

    // then
    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (var entries = Files.list(tmp)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  @DisplayName("Verifies that a public file is written with mode 0644")
  void publicFileMode() throws IOException {
    // given
    Path file = tmp.resolve("ca.crt.pem");

    // when
    SecretFiles.writePublic(file, "cert");

    // then
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
  }

  @Test
  @DisplayName("Verifies that a missing data directory is created with mode 0700, parents included")
  void privateDirectory() throws IOException {
    // given
    Path dir = tmp.resolve("a/b/data");

    // when
    SecretFiles.ensurePrivateDirectory(dir);
    SecretFiles.ensurePrivateDirectory(dir);

    // then
    assertThat(dir).isDirectory();
    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  @DisplayName("Verifies that reading refuses files larger than the limit")
  void readLimit() throws IOException {
    // given
    Path file = tmp.resolve("huge");
    Files.write(file, new byte[SecretFiles.MAX_READ_BYTES + 1]);

    // when / then
    assertThatThrownBy(() -> SecretFiles.readBytes(file)).isInstanceOf(IOException.class)
        .hasMessageContaining("larger than");
  }
}
