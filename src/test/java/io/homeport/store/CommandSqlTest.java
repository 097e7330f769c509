package io.homeport.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.homeport.command.CommandState;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandSqlTest {

  @Test
  void verifiesThatStateInListsTheStoredNamesInEnumOrder() {
    // given states in no particular order
    // when they are made a condition
    // then it names them as stored, in enum order, whatever order they came in
    assertThat(CommandSql.stateIn(Set.of(CommandState.TIMED_OUT, CommandState.QUEUED, CommandState.WOKEN)))
        .isEqualTo("state IN ('QUEUED', 'WOKEN', 'TIMED_OUT')");
    assertThat(CommandSql.stateIn(EnumSet.allOf(CommandState.class))).isEqualTo(
        "state IN ('QUEUED', 'WOKEN', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'EXPIRED', 'TIMED_OUT', 'CANCELLED')");
  }

  @Test
  void verifiesThatNoStatesIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> CommandSql.stateIn(Set.of()));
  }

  @Test
  void verifiesThatTheDueConditionStartsWithTheUndeliveredStates() {
    // the due condition is built on the undelivered set of CommandState, not on a copy of it
    assertThat(CommandSql.UNDELIVERED).isEqualTo(CommandSql.stateIn(CommandState.UNDELIVERED));
    assertThat(CommandSql.DUE).startsWith(CommandSql.UNDELIVERED + " AND ");
  }
}
