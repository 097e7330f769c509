package io.homeport.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The session news marks as the broker makes them and the other nodes of a cluster copy them. */
class PendingSessionsTest {

  @Test
  @DisplayName("Verifies that a copied clear removes only the marks made before it, whichever arrives first, so news "
      + "marked after a hello fetched the notices keeps the device's pending flag set on every node")
  void marksAndClearsCommute() {
    // given the broker's marks and clears, copied as they happen
    List<long[]> marks = new ArrayList<>();
    List<long[]> clears = new ArrayList<>();
    PendingSessions broker = new PendingSessions();
    broker.replica(new PendingSessions.Replica() {
      @Override
      public void marked(String deviceId, long number) {
        marks.add(new long[] {number});
      }

      @Override
      public void cleared(String deviceId, long upTo) {
        clears.add(new long[] {upTo});
      }
    });

    // when the device has news, a hello fetches it, and newer news arrives
    broker.mark("d");
    broker.clear("d");
    broker.mark("d");

    // then a node that receives the newer mark before the clear keeps the flag
    PendingSessions late = new PendingSessions();
    late.markedElsewhere("d", marks.get(1)[0]);
    late.markedElsewhere("d", marks.get(0)[0]);
    late.clearedElsewhere("d", clears.get(0)[0]);
    assertThat(late.hasNews("d")).isTrue();
    // and so does one that receives them in order, like the broker itself
    PendingSessions inOrder = new PendingSessions();
    inOrder.markedElsewhere("d", marks.get(0)[0]);
    inOrder.clearedElsewhere("d", clears.get(0)[0]);
    inOrder.markedElsewhere("d", marks.get(1)[0]);
    assertThat(inOrder.hasNews("d")).isTrue();
    assertThat(broker.hasNews("d")).isTrue();
  }

  @Test
  @DisplayName("Verifies that a hello finding no news of a device in no session costs no message to the other nodes, "
      + "and that a device whose hellos find notices may have more until one finds none")
  void noticesHeld() {
    // given a broker copying to the other nodes
    List<String> copied = new ArrayList<>();
    PendingSessions broker = new PendingSessions();
    broker.replica(new PendingSessions.Replica() {
      @Override
      public void marked(String deviceId, long number) {
        copied.add("marked " + deviceId);
      }

      @Override
      public void cleared(String deviceId, long upTo) {
        copied.add("cleared " + deviceId);
      }

      @Override
      public void held(String deviceId, boolean any) {
        copied.add("held " + deviceId + " " + any);
      }
    });

    // when a device in no session says hello
    broker.clear("idle");
    broker.held("idle", false);

    // then nothing is copied, and it may have no notices
    assertThat(copied).isEmpty();
    assertThat(broker.mayHaveNotices("idle")).isFalse();

    // and a device with news may have notices, and still after a hello found some, until one finds none
    broker.mark("busy");
    assertThat(broker.mayHaveNotices("busy")).isTrue();
    broker.clear("busy");
    broker.held("busy", true);
    assertThat(broker.mayHaveNotices("busy")).isTrue();
    broker.held("busy", false);
    assertThat(broker.mayHaveNotices("busy")).isFalse();
    assertThat(copied).containsExactly("marked busy", "cleared busy", "held busy true", "held busy false");
  }
}
