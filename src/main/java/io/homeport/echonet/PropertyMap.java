package io.homeport.echonet;

import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * The EDT of the property map properties (0x9D status change announcement, 0x9E Set, 0x9F Get
 * property map): the number of properties, then either the EPCs themselves (fewer than 16) or a
 * 16-byte bitmap in which byte {@code 1 + (epc & 0x0F)} has bit {@code (epc >> 4) - 8} set.
 */
public final class PropertyMap {

  private PropertyMap() {}

  /** The EDT listing these EPCs (each 0x80..0xFF). */
  public static byte[] encode(Collection<Integer> epcs) {
    TreeSet<Integer> sorted = new TreeSet<>(epcs);
    for (int epc : sorted) {
      if (epc < 0x80 || epc > 0xFF) {
        throw new IllegalArgumentException("property map EPCs are 0x80..0xFF: " + epc);
      }
    }
    int n = sorted.size();
    if (n < 16) {
      byte[] edt = new byte[1 + n];
      edt[0] = (byte) n;
      int i = 1;
      for (int epc : sorted) {
        edt[i++] = (byte) epc;
      }
      return edt;
    }
    byte[] edt = new byte[17];
    edt[0] = (byte) n;
    for (int epc : sorted) {
      edt[1 + (epc & 0x0F)] |= (byte) (1 << ((epc >> 4) - 8));
    }
    return edt;
  }

  /**
   * The EPCs a property map EDT lists.
   *
   * @throws EchonetValueException if the EDT is not a well-formed property map
   */
  public static Set<Integer> decode(byte[] edt) {
    if (edt.length == 0) {
      throw new EchonetValueException("propertyMap", "empty EDT");
    }
    int n = edt[0] & 0xFF;
    TreeSet<Integer> epcs = new TreeSet<>();
    if (n < 16) {
      if (edt.length != 1 + n) {
        throw new EchonetValueException("propertyMap", n + " properties need " + (1 + n) + " bytes, got "
            + edt.length + " (" + HexFormat.of().formatHex(edt) + ")");
      }
      for (int i = 1; i <= n; i++) {
        epcs.add(edt[i] & 0xFF);
      }
      if (epcs.size() != n || epcs.first() < 0x80) {
        throw new EchonetValueException("propertyMap", "duplicate or invalid EPCs " + HexFormat.of().formatHex(edt));
      }
      return Collections.unmodifiableSet(epcs);
    }
    if (edt.length != 17) {
      throw new EchonetValueException("propertyMap", "a bitmap map needs 17 bytes, got " + edt.length);
    }
    for (int i = 0; i < 16; i++) {
      for (int bit = 0; bit < 8; bit++) {
        if ((edt[1 + i] & (1 << bit)) != 0) {
          epcs.add((bit + 8) << 4 | i);
        }
      }
    }
    if (epcs.size() != n) {
      throw new EchonetValueException("propertyMap", "count " + n + " but the bitmap has " + epcs.size());
    }
    return Collections.unmodifiableSet(epcs);
  }
}
