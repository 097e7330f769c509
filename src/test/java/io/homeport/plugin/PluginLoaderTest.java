package io.homeport.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.InvalidCommandException;
import io.homeport.plugin.spi.ParamChecks;
import io.homeport.plugin.spi.PluginCommand;
import io.homeport.testing.PluginJars;
import java.lang.ref.WeakReference;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {

  @Test
  @DisplayName("Verifies that a jar built on the fly is loaded, validates, encodes and decodes, in its own class loader")
  void loadsAndUses(@TempDir Path dir) throws Exception {
    // given a plugin jar in the plugins directory
    PluginJars.working(dir, "demo.jar", "demo", "demo");
    // when the directory is loaded
    PluginSet set = new PluginLoader(dir).load();
    // then the plugin is there with its descriptor, and works
    assertThat(set.failed()).isEmpty();
    LoadedPlugin p = set.plugin("demo").orElseThrow();
    assertThat(p.jar()).isEqualTo("demo.jar");
    assertThat(p.descriptor().applianceType("lamp")).isPresent();
    PluginCommand ok = new PluginCommand("lamp", "192.168.1.20", "set", Map.of("level", 40L));
    p.plugin().validate(ok);
    assertThat(new String(p.plugin().encode(ok).payload(), StandardCharsets.UTF_8)).isEqualTo("L40");
    assertThat(p.plugin().decode(ok, new DeviceReport("ok", null, "done".getBytes(), "text/plain")))
        .isEqualTo(Map.of("echo", "done"));
    assertThat(p.plugin().getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
    // and its parameter checks name the parameter
    assertRefused(() -> p.plugin().validate(new PluginCommand("lamp", null, "set", Map.of("level", 140L))), "level",
        "must be from 0 to 100");
    assertRefused(() -> p.plugin().validate(new PluginCommand("lamp", null, "set", Map.of())), "level", "required");
    assertRefused(() -> p.plugin().validate(new PluginCommand("lamp", null, "set", Map.of("level", 1L, "x", 1))), "x",
        "no parameter");
    assertRefused(() -> p.plugin().validate(new PluginCommand("lamp", null, "dim", Map.of())), null, "no action 'dim'");
  }

  private static void assertRefused(ThrowableAssert.ThrowingCallable call, String parameter, String message) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call).isInstanceOfSatisfying(InvalidCommandException.class, e -> {
      assertThat(e.parameter()).isEqualTo(parameter);
      assertThat(e.getMessage()).contains(message);
    });
  }

  @Test
  @DisplayName("Verifies that every kind of broken jar is reported with its reason and the good ones still load")
  void brokenJars(@TempDir Path dir) throws Exception {
    PluginJars.working(dir, "a-good.jar", "good", "good");
    PluginJars.build(dir.resolve("b-no-service.jar"),
        Map.of("vendor.nos.Plugin", PluginJars.pluginSource("nos", "nos", "SpiVersion.CURRENT", "")), null);
    PluginJars.build(dir.resolve("c-throws.jar"), Map.of("vendor.boom.Plugin",
        PluginJars.pluginSource("boom", "boom", "SpiVersion.CURRENT", "if (true) throw new IllegalStateException(\"boom\");")),
        "vendor.boom.Plugin\n");
    PluginJars.build(dir.resolve("d-future.jar"),
        Map.of("vendor.future.Plugin", PluginJars.pluginSource("future", "future", "99", "")), "vendor.future.Plugin\n");
    PluginJars.working(dir, "e-duplicate.jar", "dup", "good");
    PluginJars.build(dir.resolve("f-server-internals.jar"), Map.of("vendor.sneaky.Plugin",
        PluginJars.pluginSource("sneaky", "sneaky", "SpiVersion.CURRENT", "io.homeport.device.DeviceIds.generate();")),
        "vendor.sneaky.Plugin\n");
    Files.writeString(dir.resolve("g-not-a-jar.jar"), "garbage");

    PluginSet set = new PluginLoader(dir).load();

    assertThat(set.loaded()).extracting(p -> p.descriptor().id()).containsExactly("good");
    Map<String, String> reasons = new java.util.TreeMap<>();
    set.failed().forEach(f -> reasons.put(f.jar(), f.reason()));
    assertThat(reasons).containsOnlyKeys("b-no-service.jar", "c-throws.jar", "d-future.jar", "e-duplicate.jar",
        "f-server-internals.jar", "g-not-a-jar.jar");
    assertThat(reasons.get("b-no-service.jar")).startsWith("no service entry");
    assertThat(reasons.get("c-throws.jar")).contains("could not be constructed").contains("boom");
    assertThat(reasons.get("d-future.jar")).contains("wrong SPI version").contains("99");
    assertThat(reasons.get("e-duplicate.jar")).contains("duplicate plugin id 'good'").contains("a-good.jar");
    assertThat(reasons.get("f-server-internals.jar")).contains("ClassNotFoundException: io.homeport.device.DeviceIds");
    assertThat(reasons.get("g-not-a-jar.jar")).isNotBlank();
  }

  @Test
  @DisplayName("Verifies that after 50 reloads the replaced class loaders are collectable and the heap does not grow")
  void reloadsDoNotLeak(@TempDir Path dir) throws Exception {
    PluginJars.working(dir, "demo.jar", "demo", "demo");
    PluginRegistry registry = new PluginRegistry(new PluginLoader(dir));
    List<WeakReference<ClassLoader>> replaced = new ArrayList<>();
    long heapAt10 = 0;
    for (int i = 0; i < 50; i++) {
      PluginSet set = registry.reload();
      // use the plugin as a command would, holding the set
      String encoded = registry.use(s -> {
        try {
          return new String(s.plugin("demo").orElseThrow().plugin()
              .encode(new PluginCommand("lamp", null, "set", Map.of("level", 7L))).payload(), StandardCharsets.UTF_8);
        } catch (InvalidCommandException e) {
          throw new AssertionError(e);
        }
      });
      assertThat(encoded).isEqualTo("L7");
      replaced.add(new WeakReference<>(set.plugin("demo").orElseThrow().plugin().getClass().getClassLoader()));
      if (i == 9) {
        heapAt10 = usedHeapAfterGc();
      }
    }
    long heapAt50 = usedHeapAfterGc();
    List<WeakReference<ClassLoader>> old = replaced.subList(0, replaced.size() - 1);
    for (int i = 0; i < 10 && old.stream().anyMatch(r -> r.get() != null); i++) {
      usedHeapAfterGc();
    }
    assertThat(old).as("class loaders of replaced plugin sets").allMatch(r -> r.get() == null);
    assertThat(replaced.get(replaced.size() - 1).get()).as("the current plugin's class loader").isNotNull();
    System.out.printf("heap after 10 reloads: %d KiB, after 50: %d KiB%n", heapAt10 / 1024, heapAt50 / 1024);
    assertThat(heapAt50 - heapAt10).as("heap growth from reload 10 to 50").isLessThan(8L * 1024 * 1024);
    assertThat(ParamChecks.class.getClassLoader()).isSameAs(getClass().getClassLoader());
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
