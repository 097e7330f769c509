package io.homeport.rendezvous;

import java.time.Instant;
import java.util.Objects;

/**
 * What one device reported when its side of a session ended.
 *
 * @param reason why it ended, in the device's words (at most {@value #MAX_REASON} characters)
 * @param bytesSent payload bytes it sent to the peer
 * @param bytesReceived payload bytes it received from the peer
 * @param path how the data went: {@code direct}, {@code relay}, {@code turn}, or {@code none} when no data path was used
 * @param at when the server received the report
 */
public record EndReport(String reason, long bytesSent, long bytesReceived, String path, Instant at) {
  public static final int MAX_REASON = 128;

  public EndReport {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(at, "at");
    if (bytesSent < 0 || bytesReceived < 0) {
      throw new IllegalArgumentException("byte counts must not be negative");
    }
  }
}
