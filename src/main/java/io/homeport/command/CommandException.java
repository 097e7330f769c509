package io.homeport.command;

import io.homeport.device.DeviceException;

/** Refusals of command operations share the device refusal kinds and problem slugs. */
final class CommandException {
  private CommandException() {}

  static DeviceException invalid(String problem, String message) {
    return new DeviceException(DeviceException.Kind.INVALID, problem, message);
  }

  static DeviceException notFound(String id) {
    return new DeviceException(DeviceException.Kind.NOT_FOUND, "command-not-found", "no command with id '" + id + "'");
  }

  static DeviceException conflict(String problem, String message) {
    return new DeviceException(DeviceException.Kind.CONFLICT, problem, message);
  }
}
