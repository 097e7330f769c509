/**
 * The Homeport plugin SPI: what a vendor implements to let Homeport validate, encode and decode
 * commands for its appliances. Plain Java types only; nothing of the server leaks in, so a plugin
 * compiles against this jar alone.
 *
 * <p>A plugin jar contains an implementation of {@link io.homeport.plugin.spi.HomeportPlugin} and
 * names it in {@code META-INF/services/io.homeport.plugin.spi.HomeportPlugin}. The server loads every
 * jar of its plugins directory with a class loader of its own that sees only this package and the
 * JDK, and calls the plugin off its event loops.
 */
package io.homeport.plugin.spi;
