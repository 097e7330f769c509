package io.homeport.store.pg;

import static io.homeport.store.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.AgentState;
import io.homeport.agent.DeviceAgent;
import io.homeport.server.HomeportServer;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole server on the PostgreSQL store, selected by {@code store.url} as an operator would. */
class PgServerTest {

  @Test
  @DisplayName("Verifies that a server whose store.url names PostgreSQL enrolls a device and runs a command through "
      + "the reference agent, keeping both in the database and creating no SQLite file")
  void commandRoundTripOnPostgresql(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    PgTestSchema schema = new PgTestSchema();
    Vertx agents = Vertx.vertx();
    try {
      // given an empty schema named by HOMEPORT_STORE_URL, and a server started on it
      await(schema.create(vertx));
      Path data = dir.resolve("data");
      try (TestServer server = TestServer.start(TestServer.config(data, Map.of("HOMEPORT_STORE_URL", schema.url())))) {
        // when a device is created and enrolled through the API, its agent comes online, and a command is sent
        DeviceAgent agent = new DeviceAgent(server.enrollDevice("lamp-1"), Clock.systemUTC(), null, Duration.ZERO);
        agents.deployVerticle(agent).await(10, TimeUnit.SECONDS);
        TestServer.await("the agent is online", Duration.ofSeconds(10), () -> agent.state() == AgentState.ONLINE);
        JsonObject command = server.admin("POST", "/api/v1/devices/lamp-1/commands?wait=10s",
            "{\"action\":\"switch\",\"params\":{\"on\":true}}", 200);

        // then the command succeeded, and the device and the command are rows of the PostgreSQL schema
        assertThat(command.getString("state")).isEqualTo("succeeded");
        assertThat(value(vertx, schema, "SELECT state FROM devices WHERE id = 'lamp-1'")).isEqualTo("ENROLLED");
        assertThat(value(vertx, schema, "SELECT state FROM commands WHERE id = '" + command.getString("id") + "'"))
            .isEqualTo("SUCCEEDED");
        assertThat(data.resolve(HomeportServer.DATABASE_FILE)).doesNotExist();
      }
    } finally {
      agents.close().await(10, TimeUnit.SECONDS);
      await(schema.drop(vertx));
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The first column of the first row the query gives, read in the schema. */
  private static Object value(Vertx vertx, PgTestSchema schema, String sql) {
    SqlClient client = PgBuilder.client().connectingTo(schema.connectOptions()).using(vertx).build();
    try {
      Row row = await(client.query(sql).execute()).iterator().next();
      return row.getValue(0);
    } finally {
      await(client.close());
    }
  }
}
