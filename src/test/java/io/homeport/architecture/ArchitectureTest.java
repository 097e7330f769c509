package io.homeport.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled main classes: capabilities own their
 * ports and never reach into a store adapter, nothing depends on Vert.x or Netty internals, and the
 * bottom layers stay at the bottom.
 */
class ArchitectureTest {
  /** Packages that assemble the server or drive it as a whole; they may name the store adapters. */
  private static final String[] ASSEMBLY = {"io.homeport.store..", "io.homeport.server..", "io.homeport.cli..",
      "io.homeport.bench.."};

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.homeport");
  }

  @Test
  @DisplayName("Verifies that no capability package depends on io.homeport.store or its adapters")
  void capabilitiesDoNotDependOnStores() {
    noClasses().that().resideOutsideOfPackages(ASSEMBLY)
        .should().dependOnClassesThat().resideInAPackage("io.homeport.store..")
        .because("repository ports live beside their domain; stores are adapters that implement them")
        .check(main);
  }

  @Test
  @DisplayName("Verifies that only the server assembly names a concrete store adapter")
  void onlyTheAssemblyNamesAnAdapter() {
    noClasses().that().resideOutsideOfPackages("io.homeport.store.sqlite..", "io.homeport.server..")
        .should().dependOnClassesThat().resideInAPackage("io.homeport.store.sqlite..")
        .check(main);
  }

  @Test
  @DisplayName("Verifies that no class depends on Vert.x or Netty internals")
  void noFrameworkInternals() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("io.vertx..impl..", "io.vertx..internal..", "io.netty..internal..")
        .because("internal classes change without notice between Vert.x releases")
        .check(main);
  }

  @Test
  @DisplayName("Verifies that the bottom layers (config, refusal, lifecycle, stun, compact, event) import no capability")
  void bottomLayersStayAtTheBottom() {
    noClasses().that().resideInAnyPackage("io.homeport.config..", "io.homeport.refusal..", "io.homeport.lifecycle..",
            "io.homeport.stun..", "io.homeport.compact..")
        .should().dependOnClassesThat().resideInAnyPackage("io.homeport.auth..", "io.homeport.beacon..",
            "io.homeport.command..", "io.homeport.device..", "io.homeport.presence..", "io.homeport.api..",
            "io.homeport.event..", "io.homeport.plugin..", "io.homeport.server..")
        .check(main);
    noClasses().that().resideInAPackage("io.homeport.event..")
        .should().dependOnClassesThat().resideInAnyPackage("io.homeport.auth..", "io.homeport.beacon..",
            "io.homeport.command..", "io.homeport.device..", "io.homeport.presence..", "io.homeport.api..",
            "io.homeport.plugin..", "io.homeport.server..")
        .because("every capability publishes events, so the event package cannot know them")
        .check(main);
  }
}
