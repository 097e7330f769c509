package io.homeport.plugin.spi;

/** A command a plugin refuses; {@link #parameter()} names the offending parameter when there is one. */
public class InvalidCommandException extends Exception {
  private final String parameter;

  public InvalidCommandException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The parameter at fault, or null when the command as a whole is refused. */
  public String parameter() {
    return parameter;
  }
}
