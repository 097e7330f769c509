package io.homeport.store;

import io.homeport.command.Command;
import io.homeport.command.CommandState;
import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The command rules as SQL conditions on the {@code commands} table, shared by the SQL adapters so that
 * no query keeps its own copy of {@link CommandState}'s state sets or of {@link Command#isDueAt}. States
 * are stored by their enum names; {@code #{now}} is an SqlTemplate parameter holding the instant as the
 * adapter stores instants.
 */
public final class CommandSql {

  /** The command may still be delivered: {@link CommandState#UNDELIVERED}. */
  public static final String UNDELIVERED = stateIn(CommandState.UNDELIVERED);

  /** The command may be delivered at {@code #{now}}: {@link Command#isDueAt}. */
  public static final String DUE = UNDELIVERED + " AND (not_before IS NULL OR not_before <= #{now}) AND expires_at > #{now}";

  private CommandSql() {}

  /**
   * {@code state IN ('QUEUED', 'WOKEN')} for these states, in enum order. The names come from the enum,
   * never from callers, so they are safe as literals.
   *
   * @throws IllegalArgumentException for no states: {@code IN ()} is not SQL everywhere
   */
  public static String stateIn(Set<CommandState> states) {
    if (states.isEmpty()) {
      throw new IllegalArgumentException("no states");
    }
    StringJoiner in = new StringJoiner(", ", "state IN (", ")");
    EnumSet.copyOf(states).forEach(state -> in.add("'" + state.name() + "'"));
    return in.toString();
  }
}
