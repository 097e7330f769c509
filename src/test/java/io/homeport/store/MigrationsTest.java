package io.homeport.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.store.Migrations.Migration;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The database-independent parts of the migration runner: script splitting and loading. */
class MigrationsTest {

  @Test
  void verifiesThatScriptsSplitAtSemicolonsOutsideQuotesAndComments() {
    // given a script with comments, quoted semicolons and doubled quotes
    String script = """
        -- a comment; with a semicolon
        CREATE TABLE t (a TEXT DEFAULT 'x;y', "odd;name" TEXT); /* block; comment */
        INSERT INTO t (a) VALUES ('it''s; fine');

        ;
        UPDATE t SET a = 'z' -- trailing comment
        """;

    // when it is split
    List<String> statements = Migrations.splitStatements(script);

    // then there are three statements, quotes intact and comments gone
    assertThat(statements).containsExactly(
        "CREATE TABLE t (a TEXT DEFAULT 'x;y', \"odd;name\" TEXT)",
        "INSERT INTO t (a) VALUES ('it''s; fine')",
        "UPDATE t SET a = 'z'");
  }

  @Test
  void verifiesThatUnterminatedQuotesAndCommentsAreRefused() {
    // given scripts with an open quote or comment
    // when they are split
    // then the split fails instead of guessing
    assertThatThrownBy(() -> Migrations.splitStatements("SELECT 'abc")).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> Migrations.splitStatements("SELECT 1 /* abc")).isInstanceOf(StoreException.class);
  }

  @Test
  void verifiesThatVersionsMustBeContiguousFromOne() {
    // given migration lists with a gap, a duplicate, or not starting at 1
    Migration v1 = new Migration(1, "one", List.of("SELECT 1"));
    Migration v2 = new Migration(2, "two", List.of("SELECT 2"));
    Migration v3 = new Migration(3, "three", List.of("SELECT 3"));

    // when they are turned into Migrations
    // then only the contiguous one is accepted, in version order whatever the input order
    assertThat(Migrations.of("t", List.of(v2, v1)).migrations()).extracting(Migration::version).containsExactly(1, 2);
    assertThat(Migrations.of("t", List.of()).latestVersion()).isZero();
    assertThatThrownBy(() -> Migrations.of("t", List.of(v1, v3))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Migrations.of("t", List.of(v1, v1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Migrations.of("t", List.of(v2))).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  void verifiesThatEachDialectsIndexNamesEveryScriptOfItsFolder(String dialect) throws Exception {
    // given the dialect's migration folder as built into the test class path
    URL folder = getClass().getClassLoader().getResource("db/migration/" + dialect + "/");
    assertThat(folder).isNotNull();
    assertThat(folder.getProtocol()).isEqualTo("file");
    List<Integer> onDisk;
    Pattern name = Pattern.compile("V([0-9]+)__.*\\.sql");
    try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
      onDisk = files.map(p -> name.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .map(m -> Integer.parseInt(m.group(1)))
          .sorted()
          .toList();
    }

    // when the migrations are loaded through the index
    Migrations loaded = Migrations.loadBlocking(getClass().getClassLoader(), dialect);

    // then every script file is listed, so none is silently skipped
    assertThat(loaded.migrations()).extracting(Migration::version).containsExactlyElementsOf(onDisk);
    assertThat(loaded.migrations().get(0).description()).isEqualTo("devices");
  }

  @Test
  void verifiesThatAnUnknownDialectFailsClearly() {
    // given a dialect without a migration folder
    // when its migrations are loaded
    // then the failure names the missing resource
    assertThatThrownBy(() -> Migrations.loadBlocking(getClass().getClassLoader(), "nosuchdb"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("db/migration/nosuchdb/index.txt");
  }
}
