package io.homeport.plugin;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;

/**
 * The parent of every plugin class loader: it exposes the plugin SPI (from the server's own class
 * loader) and the JDK, nothing else. A plugin therefore cannot reach server internals, Vert.x or the
 * server's libraries, and brings what else it needs inside its own jar.
 */
final class SpiOnlyClassLoader extends ClassLoader {
  static final String SPI_PACKAGE = "io.homeport.plugin.spi.";

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader server;

  SpiOnlyClassLoader(ClassLoader server) {
    super("homeport-plugin-spi", ClassLoader.getPlatformClassLoader());
    this.server = server;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(SPI_PACKAGE)) {
      return server.loadClass(name);
    }
    return super.loadClass(name, resolve); // platform (JDK) classes only
  }

  @Override
  public URL getResource(String name) {
    return getParent().getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    // never the server's resources: ServiceLoader must see only the plugin jar's service entries
    return getParent().getResources(name);
  }
}
