package io.homeport.plugin.spi;

import java.util.Objects;

/**
 * What the device forwards to the appliance.
 *
 * @param contentType tells the device how to forward it, e.g. {@code application/x-echonet-lite}
 */
public record EncodedCommand(byte[] payload, String contentType) {
  public EncodedCommand {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(contentType, "contentType");
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }
}
