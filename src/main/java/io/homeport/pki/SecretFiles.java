package io.homeport.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files in the data directory: secrets are written atomically and are mode 0600 from the moment
 * they exist (never briefly world-readable), public files 0644, the directory 0700.
 *
 * <p>On a file system without POSIX permissions the modes are skipped; everything else still holds.
 */
public final class SecretFiles {
  public static final Set<PosixFilePermission> SECRET_FILE_MODE = Set.copyOf(PosixFilePermissions.fromString("rw-------"));
  public static final Set<PosixFilePermission> PUBLIC_FILE_MODE = Set.copyOf(PosixFilePermissions.fromString("rw-r--r--"));
  public static final Set<PosixFilePermission> PRIVATE_DIRECTORY_MODE = Set.copyOf(PosixFilePermissions.fromString("rwx------"));

  /** Files here are small PEMs and tokens; refusing huge ones keeps a mistake from eating the heap. */
  public static final int MAX_READ_BYTES = 1 << 20;

  private SecretFiles() {}

  /**
   * Creates the directory (and missing parents) with mode 0700. An existing directory is left as
   * it is: the operator may have reasons (a mounted volume) for its mode.
   */
  public static void ensurePrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    try {
      if (posix(parent != null ? parent : dir)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY_MODE));
        // the creation mode is filtered by the umask; state it explicitly
        Files.setPosixFilePermissions(dir, PRIVATE_DIRECTORY_MODE);
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /** Atomically writes a secret file with mode 0600. */
  public static void writeSecret(Path file, byte[] content) throws IOException {
    writeAtomically(file, content, SECRET_FILE_MODE);
  }

  public static void writeSecret(Path file, String content) throws IOException {
    writeSecret(file, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Atomically writes a public file (certificates) with mode 0644. */
  public static void writePublic(Path file, byte[] content) throws IOException {
    writeAtomically(file, content, PUBLIC_FILE_MODE);
  }

  public static void writePublic(Path file, String content) throws IOException {
    writePublic(file, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a whole (small) file; refuses files over {@link #MAX_READ_BYTES}. */
  public static byte[] readBytes(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] data = in.readNBytes(MAX_READ_BYTES + 1);
      if (data.length > MAX_READ_BYTES) {
        throw new IOException("file is larger than " + MAX_READ_BYTES + " bytes: " + file);
      }
      return data;
    }
  }

  public static String readString(Path file) throws IOException {
    return new String(readBytes(file), StandardCharsets.UTF_8);
  }

  /** True if the file is group- or world-accessible (false where POSIX modes do not exist). */
  public static boolean isAccessibleByOthers(Path file) throws IOException {
    if (!posix(file)) {
      return false;
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    return mode.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
  }

  private static void writeAtomically(Path file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = posix(dir);
    // the temporary file lives in the target directory so that the final rename is atomic,
    // and it is created with its final mode so that a secret is never readable by others
    FileAttribute<?>[] attrs =
        posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SECRET_FILE_MODE)} : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attrs);
    try {
      if (posix) {
        Files.setPosixFilePermissions(tmp, mode);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system cannot rename atomically: " + dir, e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectory(dir);
  }

  /** Makes the rename itself durable; not every platform can open a directory, so this is best effort. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      // the rename is still atomic, only its durability across a power cut is weaker
    }
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
