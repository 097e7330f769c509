package io.homeport.plugin.spi;

/**
 * What the device reported for a command.
 *
 * @param status {@code ok}, {@code error} or {@code rejected}
 * @param code the device's code for the outcome, may be null
 * @param payload the appliance's answer as the device received it, may be null (e.g. on a timeout)
 * @param contentType the payload's type, null without payload
 */
public record DeviceReport(String status, String code, byte[] payload, String contentType) {
  public DeviceReport {
    payload = payload == null ? null : payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload == null ? null : payload.clone();
  }
}
