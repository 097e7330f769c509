package io.homeport.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.PluginCommand;
import io.homeport.testing.PluginJars;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the example plugin under plugins/example honest: it compiles against the SPI alone and loads. */
class ExamplePluginTest {
  private static final Path EXAMPLE = Path.of(System.getProperty("homeport.basedir", ".")).resolve("plugins/example");

  @Test
  @DisplayName("Verifies that the example plugin compiles against the SPI, loads through the plugin loader and works")
  void examplePlugin(@TempDir Path dir) throws Exception {
    // given the example's sources and service entry, compiled and jarred as its build would
    Map<String, String> sources = new HashMap<>();
    Path src = EXAMPLE.resolve("src/main/java");
    try (var files = Files.walk(src)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String name = src.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", "");
        sources.put(name, Files.readString(f));
      }
    }
    String service = Files.readString(EXAMPLE.resolve("src/main/resources/META-INF/services/io.homeport.plugin.spi.HomeportPlugin"));
    PluginJars.build(dir.resolve("acme.jar"), sources, service);
    // when the directory is loaded
    PluginSet set = new PluginLoader(dir).load();
    // then it loads and encodes and decodes as its javadoc says
    assertThat(set.failed()).isEmpty();
    LoadedPlugin p = set.plugin("acme-smart-plug").orElseThrow();
    PluginCommand on = new PluginCommand("smart-plug", "192.168.1.40", "switch", Map.of("on", true));
    p.plugin().validate(on);
    assertThat(new String(p.plugin().encode(on).payload(), StandardCharsets.US_ASCII)).isEqualTo("ON\n");
    assertThat(p.plugin().decode(on, new DeviceReport("ok", null, "STATE ON\n".getBytes(StandardCharsets.US_ASCII),
        "text/x-acme-plug"))).isEqualTo(Map.of("ok", true, "on", true));
  }
}
