package io.homeport.plugin;

import io.homeport.plugin.spi.HomeportPlugin;
import io.homeport.plugin.spi.PluginDescriptor;
import io.homeport.plugin.spi.SpiVersion;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every {@code *.jar} of the plugins directory, each with its own class loader whose parent
 * sees only the SPI and the JDK, and finds its plugin with {@link ServiceLoader}. A jar that cannot be
 * loaded is reported with the reason and skipped; nothing here stops the server. Blocking (file and
 * class loading): call it off the event loop.
 */
public final class PluginLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);
  private static final String SERVICE_FILE = "META-INF/services/" + HomeportPlugin.class.getName();

  private final Path directory;
  private final ClassLoader spiParent;

  public PluginLoader(Path directory) {
    this.directory = directory;
    this.spiParent = new SpiOnlyClassLoader(HomeportPlugin.class.getClassLoader());
  }

  public Path directory() {
    return directory;
  }

  public PluginSet load() {
    List<LoadedPlugin> loaded = new ArrayList<>();
    List<PluginFailure> failed = new ArrayList<>();
    List<URLClassLoader> loaders = new ArrayList<>();
    Map<String, String> jarById = new HashMap<>();
    for (Path jar : jars(failed)) {
      String name = jar.getFileName().toString();
      URLClassLoader loader;
      try {
        loader = new URLClassLoader("plugin:" + name, new URL[] {jar.toUri().toURL()}, spiParent);
      } catch (IOException e) {
        failed.add(fail(name, "cannot open: " + e.getMessage()));
        continue;
      }
      String reason = null;
      LoadedPlugin plugin = null;
      try {
        plugin = loadOne(name, loader);
        String other = jarById.putIfAbsent(plugin.descriptor().id(), name);
        if (other != null) {
          reason = "duplicate plugin id '" + plugin.descriptor().id() + "' (already provided by " + other + ")";
        }
      } catch (PluginLoadException e) {
        reason = e.getMessage();
      }
      if (reason != null) {
        failed.add(fail(name, reason));
        close(loader);
      } else {
        LOG.info("loaded plugin {} {} from {} ({} appliance types)", plugin.descriptor().id(),
            plugin.descriptor().version(), name, plugin.descriptor().applianceTypes().size());
        loaded.add(plugin);
        loaders.add(loader);
      }
    }
    return new PluginSet(loaded, failed, loaders);
  }

  private List<Path> jars(List<PluginFailure> failed) {
    List<Path> jars = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      LOG.info("plugins directory {} does not exist; no plugins loaded", directory.toAbsolutePath());
      return jars;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.jar")) {
      stream.forEach(jars::add);
    } catch (IOException e) {
      failed.add(fail(directory.toString(), "cannot list the plugins directory: " + e.getMessage()));
    }
    jars.sort(null);
    return jars;
  }

  private static LoadedPlugin loadOne(String jar, URLClassLoader loader) throws PluginLoadException {
    if (loader.findResource(SERVICE_FILE) == null) {
      throw new PluginLoadException("no service entry: the jar lacks " + SERVICE_FILE);
    }
    Iterator<HomeportPlugin> it = ServiceLoader.load(HomeportPlugin.class, loader).iterator();
    HomeportPlugin plugin;
    try {
      if (!it.hasNext()) {
        throw new PluginLoadException("no service entry: " + SERVICE_FILE + " names no plugin class");
      }
      plugin = it.next();
      if (it.hasNext()) {
        throw new PluginLoadException("the jar declares more than one plugin; one jar holds one plugin");
      }
    } catch (ServiceConfigurationError e) {
      throw new PluginLoadException("the plugin could not be constructed: " + rootMessage(e));
    } catch (LinkageError e) {
      throw new PluginLoadException("the plugin's classes do not link (it may use classes outside the SPI and the JDK): "
          + e);
    }
    PluginDescriptor descriptor;
    try {
      descriptor = plugin.descriptor();
    } catch (RuntimeException | LinkageError e) {
      throw new PluginLoadException("descriptor() failed: " + e);
    }
    if (descriptor == null) {
      throw new PluginLoadException("descriptor() returned null");
    }
    if (descriptor.spiVersion() > SpiVersion.CURRENT || descriptor.spiVersion() < 1) {
      throw new PluginLoadException("wrong SPI version: the plugin needs SPI " + descriptor.spiVersion()
          + ", this server provides SPI " + SpiVersion.CURRENT);
    }
    return new LoadedPlugin(jar, descriptor, plugin);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t == e ? e.getMessage() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static PluginFailure fail(String jar, String reason) {
    LOG.warn("plugin jar {} not loaded: {}", jar, reason);
    return new PluginFailure(jar, reason);
  }

  private static void close(URLClassLoader loader) {
    try {
      loader.close();
    } catch (IOException ignored) {
      // it is dropped anyway
    }
  }

  private static final class PluginLoadException extends Exception {
    PluginLoadException(String message) {
      super(message, null, false, false);
    }
  }
}
