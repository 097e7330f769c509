package io.homeport.event;

/** The event types of DESIGN.md 2.4 that exist so far, with their wire names. */
public enum EventType {
  DEVICE_ENROLLED("device.enrolled"),
  DEVICE_ONLINE("device.online"),
  DEVICE_OFFLINE("device.offline"),
  DEVICE_ADDRESS_CHANGED("device.address-changed"),
  DEVICE_REVOKED("device.revoked"),
  DEVICE_APPLICATION_WOKEN("device.application-woken"),
  DEVICE_APPLICATION_FAILED("device.application-failed"),
  COMMAND_QUEUED("command.queued"),
  COMMAND_WOKEN("command.woken"),
  COMMAND_DELIVERED("command.delivered"),
  COMMAND_SUCCEEDED("command.succeeded"),
  COMMAND_FAILED("command.failed"),
  COMMAND_EXPIRED("command.expired"),
  COMMAND_TIMED_OUT("command.timed-out"),
  COMMAND_CANCELLED("command.cancelled"),
  SESSION_REQUESTED("session.requested"),
  SESSION_ESTABLISHED("session.established"),
  SESSION_EXTENDED("session.extended"),
  SESSION_ENDED("session.ended"),
  SESSION_REJECTED("session.rejected"),
  PLUGIN_LOADED("plugin.loaded"),
  PLUGIN_FAILED("plugin.failed"),
  ADDRESSLIST_PUBLISHED("addresslist.published");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
