package io.homeport.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IdTableTest {

  @Test
  @DisplayName("Verifies that after a long random run of adds and removes the table finds exactly the ids a map holds, "
      + "each at the entry its owner's parallel array says")
  void agreesWithAMap() {
    // given a table, a map as the model, and a parallel array of the kind owners keep (entry -> id)
    IdTable table = new IdTable(4);
    Map<String, Integer> model = new HashMap<>();
    List<String> owner = new ArrayList<>();
    Random random = new Random(42);

    // when ids are added and removed at random (similar ids, so hashes collide in the low bits)
    for (int step = 0; step < 200_000; step++) {
      String id = "dev-" + random.nextInt(5_000);
      int entry = table.find(id);
      if (entry < 0) {
        entry = table.add(id);
        assertThat(entry).isEqualTo(owner.size());
        owner.add(id);
        model.put(id, entry);
      } else if (random.nextInt(3) == 0) {
        int moved = table.remove(entry);
        String last = owner.remove(owner.size() - 1);
        if (moved != entry) {
          owner.set(entry, last);
          model.put(last, entry);
        }
        model.remove(id);
      }
      if (table.capacity() < table.size()) {
        throw new AssertionError("capacity " + table.capacity() + " below size " + table.size());
      }
    }

    // then every id of the model is found at its entry, the table names it the same, and nothing else is found
    assertThat(table.size()).isEqualTo(model.size());
    model.forEach((id, entry) -> {
      assertThat(table.find(id)).isEqualTo(entry);
      assertThat(table.id(entry)).isEqualTo(id);
      assertThat(owner.get(entry)).isEqualTo(id);
    });
    for (int i = 0; i < 5_000; i++) {
      String id = "dev-" + i;
      assertThat(table.find(id)).isEqualTo(model.getOrDefault(id, -1));
    }
  }

  @Test
  @DisplayName("Verifies that ids that cannot be stored are refused and change nothing, and are never found")
  void refusesWhatItCannotStore() {
    // given a table with one id
    IdTable table = new IdTable(4);
    table.add("a");

    // when ids that are empty, too long or hold characters above U+00FF are added, then they are refused
    assertThatThrownBy(() -> table.add("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.add("x".repeat(256))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.add("d\u0101")).isInstanceOf(IllegalArgumentException.class);
    // and the table still holds only the first id; lookups of such ids find nothing
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.find("d\u0101")).isEqualTo(-1);
    assertThat(table.find("")).isEqualTo(-1);
    assertThat(table.find("a")).isZero();
    // and an id of characters up to U+00FF comes back the same
    int latin = table.add("caf\u00e9");
    assertThat(table.id(latin)).isEqualTo("caf\u00e9");
  }
}
