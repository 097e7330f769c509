package io.homeport.plugin.spi;

import java.util.Map;

/**
 * A vendor's command plugin. Implementations need a public no-argument constructor and must be
 * thread-safe: the server may call them from several worker threads at once.
 */
public interface HomeportPlugin {

  /** What the plugin is and which appliance types and actions it handles. Called once, at load. */
  PluginDescriptor descriptor();

  /**
   * Checks a command before it is stored. The default checks the parameters against the action's
   * {@link ParamSpec}s; override to add rules across parameters (and call {@code ParamChecks} first).
   *
   * @throws InvalidCommandException naming the offending parameter
   */
  default void validate(PluginCommand command) throws InvalidCommandException {
    ParamChecks.check(descriptor(), command);
  }

  /**
   * Turns a validated command into the payload the device forwards to the appliance.
   *
   * @throws InvalidCommandException when the command cannot be encoded after all
   */
  EncodedCommand encode(PluginCommand command) throws InvalidCommandException;

  /**
   * Turns what the device reported (for an appliance protocol: the appliance's answer) into JSON
   * values: strings, numbers, booleans, lists and maps of those.
   *
   * @throws InvalidResultException when the report cannot be understood
   */
  Map<String, Object> decode(PluginCommand command, DeviceReport report) throws InvalidResultException;
}
