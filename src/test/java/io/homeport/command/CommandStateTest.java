package io.homeport.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandStateTest {

  @Test
  void verifiesThatEveryStateIsUndeliveredDeliveredOrFinal() {
    // given the state sets
    Set<CommandState> all = EnumSet.noneOf(CommandState.class);
    all.addAll(CommandState.UNDELIVERED);
    all.add(CommandState.DELIVERED);
    all.addAll(CommandState.FINAL);

    // then together they are every state, and no undelivered state is final
    assertThat(all).containsExactlyInAnyOrder(CommandState.values());
    assertThat(CommandState.UNDELIVERED).doesNotContainAnyElementsOf(CommandState.FINAL);
  }

  @Test
  void verifiesThatSucceededFailedExpiredTimedOutAndCancelledAreTheFinalStates() {
    // the API documents exactly these as final (CommandState in the OpenAPI document)
    assertThat(EnumSet.allOf(CommandState.class).stream().filter(CommandState::isFinal)).containsExactly(
        CommandState.SUCCEEDED, CommandState.FAILED, CommandState.EXPIRED, CommandState.TIMED_OUT,
        CommandState.CANCELLED);
  }

  @Test
  void verifiesThatAResultIsAcceptedWhileDeliveredAndLateAfterATimeoutOnly() {
    assertThat(CommandState.ACCEPTING_RESULT).containsExactlyInAnyOrder(CommandState.DELIVERED, CommandState.TIMED_OUT);
  }

  @Test
  void verifiesThatWireNamesRoundTrip() {
    assertThat(CommandState.TIMED_OUT.wireName()).isEqualTo("timed-out");
    for (CommandState s : CommandState.values()) {
      assertThat(CommandState.fromWireName(s.wireName())).contains(s);
    }
    assertThat(CommandState.fromWireName("TIMED_OUT")).isEmpty();
  }
}
