package io.homeport.agent;

/** The device channel refused a call ({@code status} 4xx/5xx) or could not be reached ({@code status} 0). */
public final class DeviceChannelException extends RuntimeException {
  private final int status;

  public DeviceChannelException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** A refusal that a retry would get again (the result was recorded before, or the command is not ours). */
  public boolean isFinal() {
    return status >= 400 && status < 500;
  }
}
