package io.homeport.compact;

import java.util.Arrays;

/**
 * An index from device ids to dense entry numbers {@code 0..size()-1}, for tables that keep one entry
 * per device in parallel primitive arrays instead of one object per device (a million devices must
 * fit in a few hundred megabytes). Ids are stored once, one byte per character, in a single arena;
 * the index is an open-addressing table of ints with linear probing.
 *
 * <p>Entries stay dense: {@link #remove} moves the last entry into the freed number and says which,
 * so the owner moves its own array elements the same way. The owner sizes its arrays to {@link
 * #capacity()}, which grows only in {@link #add}.
 *
 * <p>Ids hold characters up to U+00FF (device ids are ASCII, see {@code DeviceIds}), at most 255 of
 * them. Not thread-safe: the owner locks.
 */
public final class IdTable {
  /** An entry number is kept in the low 24 bits of a slot, plus one (0 marks a free slot). */
  private static final int ENTRY_BITS = 24;
  private static final int ENTRY_MASK = (1 << ENTRY_BITS) - 1;
  /** The most entries one table holds; callers shard larger populations over several tables. */
  public static final int MAX_ENTRIES = ENTRY_MASK - 1;
  private static final int MAX_ID_LENGTH = 255;

  /** Slot: high 8 bits a tag of the id's hash (most probes that miss end without reading the arena). */
  private int[] slots;
  /** Where each entry's id starts in the arena: a length byte, then the characters. */
  private int[] idOffsets;
  private byte[] arena;
  private int arenaUsed;
  /** Arena bytes of removed ids, reclaimed by compaction once they outweigh the live ones. */
  private int arenaGarbage;
  private int size;

  public IdTable(int initialCapacity) {
    int capacity = Math.max(4, initialCapacity);
    idOffsets = new int[capacity];
    slots = new int[slotCountFor(capacity)];
    arena = new byte[capacity * 16];
  }

  public int size() {
    return size;
  }

  /** How many entries the owner's arrays must hold. */
  public int capacity() {
    return idOffsets.length;
  }

  /** The entry of this id, or -1. Allocates nothing. */
  public int find(String id) {
    int length = id.length();
    if (length == 0 || length > MAX_ID_LENGTH) {
      return -1;
    }
    int hash = spread(id.hashCode());
    int tag = hash >>> ENTRY_BITS;
    int mask = slots.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      int slot = slots[i];
      if (slot == 0) {
        return -1;
      }
      int entry = (slot & ENTRY_MASK) - 1;
      if ((slot >>> ENTRY_BITS) == tag && idEquals(entry, id)) {
        return entry;
      }
    }
  }

  /**
   * Adds an id that is not in the table.
   *
   * @return its entry, {@code size() - 1}; {@link #capacity()} may have grown
   * @throws IllegalArgumentException for an empty or too long id, or a character above U+00FF
   * @throws IllegalStateException when the table is full ({@link #MAX_ENTRIES})
   */
  public int add(String id) {
    int length = id.length();
    if (length == 0 || length > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("an id has 1 to " + MAX_ID_LENGTH + " characters, got " + length);
    }
    for (int i = 0; i < length; i++) {
      if (id.charAt(i) > 0xFF) {
        throw new IllegalArgumentException("an id holds characters up to U+00FF only");
      }
    }
    if (size == MAX_ENTRIES) {
      throw new IllegalStateException("id table full at " + MAX_ENTRIES + " entries");
    }
    if (size == idOffsets.length) {
      idOffsets = Arrays.copyOf(idOffsets, Math.min(MAX_ENTRIES, size + (size >> 1) + 1));
    }
    if ((size + 1) * 4L > slots.length * 3L) {
      rehash(slots.length * 2);
    }
    ensureArena(length + 1);
    int entry = size++;
    idOffsets[entry] = arenaUsed;
    arena[arenaUsed++] = (byte) length;
    for (int i = 0; i < length; i++) {
      arena[arenaUsed++] = (byte) id.charAt(i);
    }
    insertSlot(spread(id.hashCode()), entry);
    return entry;
  }

  /**
   * Removes an entry; the last entry takes its number.
   *
   * @return the number the moved entry had ({@code size()} after this call), or {@code entry} itself
   *     when it was the last one and nothing moved; the owner copies its element from there to {@code entry}
   */
  public int remove(int entry) {
    checkEntry(entry);
    deleteSlot(entry);
    arenaGarbage += idLength(entry) + 1;
    int last = --size;
    if (last != entry) {
      // the last entry's slot now points at the freed number
      int i = slotOf(last);
      slots[i] = (slots[i] & ~ENTRY_MASK) | (entry + 1);
      idOffsets[entry] = idOffsets[last];
    }
    if (arenaGarbage > 4096 && arenaGarbage > arenaUsed / 2) {
      compactArena();
    }
    return last;
  }

  /** The id of an entry, as a new string. */
  public String id(int entry) {
    checkEntry(entry);
    int offset = idOffsets[entry];
    return new String(arena, offset + 1, arena[offset] & 0xFF, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Heap bytes held by the arrays, for capacity planning and the fleet bench. */
  public long arrayBytes() {
    return 16L + 4L * slots.length + 16L + 4L * idOffsets.length + 16L + arena.length;
  }

  private void checkEntry(int entry) {
    if (entry < 0 || entry >= size) {
      throw new IndexOutOfBoundsException("entry " + entry + " of " + size);
    }
  }

  private int idLength(int entry) {
    return arena[idOffsets[entry]] & 0xFF;
  }

  private boolean idEquals(int entry, String id) {
    int offset = idOffsets[entry];
    int length = arena[offset] & 0xFF;
    if (length != id.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if ((arena[offset + 1 + i] & 0xFF) != id.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** String.hashCode of the stored id (its characters are the bytes), without making the string. */
  private int storedHash(int entry) {
    int offset = idOffsets[entry];
    int length = arena[offset] & 0xFF;
    int h = 0;
    for (int i = 0; i < length; i++) {
      h = 31 * h + (arena[offset + 1 + i] & 0xFF);
    }
    return spread(h);
  }

  /** String hashes of similar ids differ in the low bits only: mix them (MurmurHash3's finaliser). */
  private static int spread(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  private static int slotCountFor(int entries) {
    int n = Integer.highestOneBit(Math.max(8, entries * 4 / 3 + 1));
    return n < entries * 4 / 3 + 1 ? n << 1 : n;
  }

  private void insertSlot(int hash, int entry) {
    int mask = slots.length - 1;
    int i = hash & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = ((hash >>> ENTRY_BITS) << ENTRY_BITS) | (entry + 1);
  }

  private int slotOf(int entry) {
    int mask = slots.length - 1;
    for (int i = storedHash(entry) & mask; ; i = (i + 1) & mask) {
      if ((slots[i] & ENTRY_MASK) == entry + 1) {
        return i;
      }
    }
  }

  /** Backward-shift deletion: later slots of the probe run move up so no lookup stops early. */
  private void deleteSlot(int entry) {
    int mask = slots.length - 1;
    int hole = slotOf(entry);
    for (int i = (hole + 1) & mask; slots[i] != 0; i = (i + 1) & mask) {
      int home = storedHash((slots[i] & ENTRY_MASK) - 1) & mask;
      // the slot at i may fill the hole unless its home lies cyclically in (hole, i]
      boolean homeAfterHole = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
      if (!homeAfterHole) {
        slots[hole] = slots[i];
        hole = i;
      }
    }
    slots[hole] = 0;
  }

  private void rehash(int slotCount) {
    slots = new int[slotCount];
    for (int entry = 0; entry < size; entry++) {
      insertSlot(storedHash(entry), entry);
    }
  }

  private void ensureArena(int bytes) {
    if (arenaUsed + bytes > arena.length) {
      if (arenaGarbage > 0 && arenaGarbage >= bytes) {
        compactArena();
      }
      if (arenaUsed + bytes > arena.length) {
        arena = Arrays.copyOf(arena, Math.max(arenaUsed + bytes, arena.length + (arena.length >> 1)));
      }
    }
  }

  private void compactArena() {
    byte[] compacted = new byte[Math.max(16, arenaUsed - arenaGarbage + (arenaUsed - arenaGarbage) / 4)];
    int used = 0;
    for (int entry = 0; entry < size; entry++) {
      int offset = idOffsets[entry];
      int bytes = (arena[offset] & 0xFF) + 1;
      System.arraycopy(arena, offset, compacted, used, bytes);
      idOffsets[entry] = used;
      used += bytes;
    }
    arena = compacted;
    arenaUsed = used;
    arenaGarbage = 0;
  }
}
