package io.homeport.plugins.echonet;

import static io.homeport.plugins.echonet.ElTestSupport.AIRCON;
import static io.homeport.plugins.echonet.ElTestSupport.LIGHTING;
import static io.homeport.plugins.echonet.ElTestSupport.RICE_COOKER;
import static io.homeport.plugins.echonet.ElTestSupport.airconOnCool26;
import static io.homeport.plugins.echonet.ElTestSupport.get;
import static io.homeport.plugins.echonet.ElTestSupport.hex;
import static io.homeport.plugins.echonet.ElTestSupport.ok;
import static io.homeport.plugins.echonet.ElTestSupport.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.homeport.echonet.ApplianceNode;
import io.homeport.echonet.EchonetClassSpec;
import io.homeport.echonet.EchonetClasses;
import io.homeport.echonet.EchonetCodec;
import io.homeport.plugin.LoadedPlugin;
import io.homeport.plugin.PluginLoader;
import io.homeport.plugin.PluginSet;
import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.HomeportPlugin;
import io.homeport.plugin.spi.InvalidCommandException;
import io.homeport.plugin.spi.InvalidResultException;
import io.homeport.plugin.spi.PluginCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as the server loads it: a jar cut from the compiled classes the way the build cuts
 * plugins/echonet-lite.jar, in a plugins directory, loaded by {@link PluginLoader} with a class loader
 * that sees only the SPI and the JDK.
 */
public class EchonetLitePluginLoadingTest {

  public static final String SERVICE_FILE = "META-INF/services/io.homeport.plugin.spi.HomeportPlugin";

  /**
   * Builds the plugin jar as the pom's antrun step does: io/homeport/plugins/echonet/** and
   * io/homeport/echonet/** minus ApplianceSimulator* from the compiled classes, plus the plugin's
   * resources (the service file).
   */
  public static Path buildPluginJar(Path jar) throws Exception {
    Path classes = Path.of(EchonetLitePlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(classes).as("compiled classes directory").isDirectory();
    Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path resources = basedir.resolve("plugins/echonet-lite/src/main/resources");
    assertThat(resources.resolve(SERVICE_FILE)).as("the plugin's service file").isRegularFile();
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
      for (String pkg : List.of("io/homeport/plugins/echonet", "io/homeport/echonet")) {
        for (Path file : files(classes.resolve(pkg))) {
          String name = classes.relativize(file).toString().replace('\\', '/');
          if (name.startsWith("io/homeport/echonet/ApplianceSimulator")) {
            continue;
          }
          add(jos, name, file);
        }
      }
      for (Path file : files(resources)) {
        add(jos, resources.relativize(file).toString().replace('\\', '/'), file);
      }
    }
    return jar;
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static void add(JarOutputStream jos, String name, Path file) throws IOException {
    jos.putNextEntry(new JarEntry(name));
    Files.copy(file, jos);
    jos.closeEntry();
  }

  @Test
  @DisplayName("Verifies that the plugin jar loads through the PluginLoader without failures and encodes and decodes in its own class loader")
  void loadsLikeTheServer(@TempDir Path dir) throws Exception {
    // given the plugin jar in a plugins directory
    Path jar = buildPluginJar(dir.resolve("echonet-lite.jar"));
    try (JarFile jf = new JarFile(jar.toFile())) {
      assertThat(jf.getEntry("io/homeport/plugins/echonet/EchonetLitePlugin.class")).isNotNull();
      assertThat(jf.getEntry("io/homeport/echonet/EchonetCodec.class")).isNotNull();
      assertThat(jf.stream().map(JarEntry::getName)).noneMatch(n -> n.contains("ApplianceSimulator"));
    }

    // when the server's loader loads the directory
    PluginSet set = new PluginLoader(dir).load();

    // then it loads, in a class loader of its own (not the test's, where the same classes exist)
    assertThat(set.failed()).isEmpty();
    LoadedPlugin loaded = set.plugin("echonet-lite").orElseThrow();
    HomeportPlugin plugin = loaded.plugin();
    try {
      assertThat(loaded.jar()).isEqualTo("echonet-lite.jar");
      assertThat(loaded.descriptor().version()).isEqualTo("1.0.0");
      assertThat(plugin.getClass().getName()).isEqualTo(EchonetLitePlugin.class.getName());
      assertThat(plugin.getClass()).isNotSameAs(EchonetLitePlugin.class);
      assertThat(plugin.getClass().getClassLoader().getName()).isEqualTo("plugin:echonet-lite.jar");
      assertThat(loaded.descriptor().applianceTypes()).hasSize(3);

      // and every path works through the loaded instance (which links every class it uses)
      PluginCommand command = airconOnCool26();
      plugin.validate(command);
      assertThat(hex(plugin.encode(command).payload()))
          .isEqualTo("10 81 00 01 05 FF 01 01 30 01 61 03 80 01 30 B0 01 42 B3 01 1A");
      assertThatThrownBy(() -> plugin.validate(set(AIRCON, Map.of("temperature", 60L))))
          .isInstanceOfSatisfying(InvalidCommandException.class, e -> assertThat(e.parameter()).isEqualTo("temperature"));
      assertThatThrownBy(() -> plugin.validate(set(AIRCON, Map.of())))
          .isInstanceOfSatisfying(InvalidCommandException.class, e -> assertThat(e.parameter()).isNull());
      assertThatThrownBy(() -> plugin.validate(new PluginCommand(AIRCON, "[fe80::1", "get", Map.of())))
          .isInstanceOfSatisfying(InvalidCommandException.class,
              e -> assertThat(e.parameter()).isEqualTo("appliance.address"));
      assertThat(plugin.decode(command, ok(hex("10 81 00 01 01 30 01 05 FF 01 71 03 80 00 B0 00 B3 00"))))
          .containsExactly(entry("ok", true), entry("esv", "Set_Res"),
              entry("set", Map.of("operation", "on", "mode", "cool", "temperature", 26)));
      assertThat(plugin.decode(command, ok(hex("10 81 00 01 01 30 01 05 FF 01 51 03 80 00 B0 00 B3 01 1A"))))
          .containsEntry("rejected", List.of("temperature"));
      assertThat(plugin.decode(command, new DeviceReport("error", "timeout", null, null)))
          .containsEntry("error", "timeout");
      assertThatThrownBy(() -> plugin.decode(command, ok(hex("10 81 00 01 02 90 01 05 FF 01 71 00"))))
          .isInstanceOf(InvalidResultException.class);
      assertThatThrownBy(() -> plugin.decode(command, ok(new byte[] {1, 2, 3})))
          .isInstanceOf(InvalidResultException.class);

      // and against the simulated appliances of every type, bytes crossing between the class loaders
      List<Object[]> cases = new ArrayList<>();
      cases.add(new Object[] {EchonetClasses.HomeAirConditioner.SPEC, get(AIRCON, Map.of())});
      cases.add(new Object[] {EchonetClasses.GeneralLighting.SPEC, set(LIGHTING, Map.of("brightness", 30L))});
      cases.add(new Object[] {EchonetClasses.GeneralLighting.SPEC, get(LIGHTING, Map.of())});
      cases.add(new Object[] {EchonetClasses.RiceCooker.SPEC, set(RICE_COOKER, Map.of("cooking", "start"))});
      cases.add(new Object[] {EchonetClasses.RiceCooker.SPEC, get(RICE_COOKER, Map.of())});
      for (Object[] c : cases) {
        ApplianceNode node = new ApplianceNode((EchonetClassSpec) c[0]);
        PluginCommand cmd = (PluginCommand) c[1];
        byte[] answer = EchonetCodec.encode(node.handle(EchonetCodec.decode(plugin.encode(cmd).payload()))
            .answer().orElseThrow());
        Map<String, Object> result = plugin.decode(cmd, ok(answer));
        assertThat(result).as(cmd.toString()).containsEntry("ok", true);
      }
    } finally {
      ((URLClassLoader) plugin.getClass().getClassLoader()).close();
    }
  }
}
