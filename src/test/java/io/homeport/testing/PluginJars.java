package io.homeport.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/** Builds plugin jars on the fly: compiles sources against the SPI on the test class path and jars them. */
public final class PluginJars {
  private PluginJars() {}

  /**
   * A simple plugin class {@code vendor.<pkg>.Plugin} with id {@code id}, one appliance type {@code lamp} with action
   * {@code set} (required integer {@code level} 0-100), encoding {@code L<level>} as text/plain and
   * decoding the report's payload as {@code {"echo": text}}.
   *
   * @param spiVersion what the descriptor declares
   * @param constructorBody statements for the constructor, e.g. a throw
   */
  public static String pluginSource(String pkg, String id, String spiVersion, String constructorBody) {
    return """
        package vendor.%1$s;
        import io.homeport.plugin.spi.*;
        import java.nio.charset.StandardCharsets;
        import java.util.List;
        import java.util.Map;
        public class Plugin implements HomeportPlugin {
          public Plugin() { %4$s }
          public PluginDescriptor descriptor() {
            return new PluginDescriptor("%2$s", "1.0.0", %3$s, List.of(new ApplianceType("lamp", "A lamp",
                List.of(new ActionSpec("set", "Set the brightness", List.of(
                    ParamSpec.integer("level", true, 0, 100, "brightness in percent")))))));
          }
          public EncodedCommand encode(PluginCommand c) {
            return new EncodedCommand(("L" + c.params().get("level")).getBytes(StandardCharsets.UTF_8), "text/plain");
          }
          public Map<String, Object> decode(PluginCommand c, DeviceReport r) {
            return Map.of("echo", r.payload() == null ? "" : new String(r.payload(), StandardCharsets.UTF_8));
          }
        }
        """.formatted(pkg, id, spiVersion, constructorBody);
  }

  /**
   * Compiles {@code sources} (class name to source) and writes a jar; {@code serviceEntry} is the
   * content of META-INF/services/io.homeport.plugin.spi.HomeportPlugin, or null for none.
   */
  public static Path build(Path jar, Map<String, String> sources, String serviceEntry) throws IOException {
    Path classes = Files.createTempDirectory("plugin-classes");
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((name, code) -> units.add(new SimpleJavaFileObject(
        URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    }));
    List<String> options = List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
        "--release", "17");
    if (!compiler.getTask(null, null, null, options, null, units).call()) {
      throw new IllegalStateException("plugin sources do not compile");
    }
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      try (var paths = Files.walk(classes)) {
        for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
          j.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
          j.write(Files.readAllBytes(p));
          j.closeEntry();
        }
      }
      if (serviceEntry != null) {
        j.putNextEntry(new JarEntry("META-INF/services/io.homeport.plugin.spi.HomeportPlugin"));
        j.write(serviceEntry.getBytes(StandardCharsets.UTF_8));
        j.closeEntry();
      }
    }
    return jar;
  }

  /** A working plugin jar with the given id in package {@code vendor.<pkg>}. */
  public static Path working(Path dir, String fileName, String pkg, String id) throws IOException {
    return build(dir.resolve(fileName), Map.of("vendor." + pkg + ".Plugin", pluginSource(pkg, id, "SpiVersion.CURRENT", "")),
        "vendor." + pkg + ".Plugin\n");
  }
}
