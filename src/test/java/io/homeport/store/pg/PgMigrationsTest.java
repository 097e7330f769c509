package io.homeport.store.pg;

import static io.homeport.store.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.store.Migrations;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The PostgreSQL migrations, applied by the shared runner to a fresh schema of the machine's PostgreSQL. */
@ExtendWith(VertxExtension.class)
class PgMigrationsTest {

  private final PgTestSchema schema = new PgTestSchema();
  private Pool pool;

  @AfterEach
  void dropSchema(Vertx vertx) {
    if (pool != null) {
      await(pool.close());
    }
    await(schema.drop(vertx));
  }

  @Test
  @DisplayName("Verifies that the PostgreSQL migrations bring an empty schema to the newest version, each recorded "
      + "once, and that applying them again changes nothing")
  void applyTwice(Vertx vertx) {
    // given an empty schema and the PostgreSQL migrations
    await(schema.create(vertx));
    pool = PgBuilder.pool().connectingTo(schema.connectOptions()).using(vertx).build();
    Migrations migrations = await(Migrations.load(vertx, PgStore.DIALECT));

    // when they are applied twice
    int first = await(migrations.apply(pool));
    List<List<Object>> recorded = rows("SELECT version, description, applied_at FROM schema_version ORDER BY version");
    int second = await(migrations.apply(pool));

    // then the first run reached the newest version and recorded every one, and the second one changed nothing
    assertThat(first).isEqualTo(migrations.latestVersion()).isEqualTo(second);
    assertThat(recorded).hasSize(migrations.latestVersion());
    assertThat(recorded.get(0)).startsWith(1, "devices");
    assertThat(rows("SELECT version, description, applied_at FROM schema_version ORDER BY version"))
        .isEqualTo(recorded);
    // and the counters the event and address-list repositories number with start at zero
    assertThat(rows("SELECT last_id FROM event_counter")).containsExactly(List.of(0L));
    assertThat(rows("SELECT last_version FROM address_list_counter")).containsExactly(List.of(0L));
  }

  private List<List<Object>> rows(String sql) {
    List<List<Object>> out = new ArrayList<>();
    for (Row row : await(pool.query(sql).execute())) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        values.add(row.getValue(i));
      }
      out.add(values);
    }
    return out;
  }
}
