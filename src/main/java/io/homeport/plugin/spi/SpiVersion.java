package io.homeport.plugin.spi;

/** The version of this SPI. A plugin declares the version it was built against in its descriptor. */
public final class SpiVersion {
  /**
   * The SPI version of this jar. A server loads plugins that declare this version or an older one
   * it still supports, and refuses plugins built for a newer SPI.
   */
  public static final int CURRENT = 1;

  private SpiVersion() {}
}
