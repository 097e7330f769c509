package io.homeport.bench;

import java.lang.management.ManagementFactory;

/** The benches' reading of the heap a structure costs. */
final class HeapReadings {
  private HeapReadings() {}

  /** Used heap once full collections have settled. */
  static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(300);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
