package io.homeport.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.device.DeviceGroups;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScopeTest {
  private final DeviceGroups groups = new DeviceGroups();

  @Test
  @DisplayName("Verifies that admins and operators may wake for any application server, an application token only for "
      + "the ids of its claim, and integrators, malformed claims and unknown roles for none")
  void mayWakeFor() {
    // given tokens of each role, an application token with a claim and one with a malformed claim
    Scope admin = Scope.of(new JsonObject().put("role", "admin"), groups);
    Scope operator = Scope.of(new JsonObject().put("role", "operator"), groups);
    Scope integrator = Scope.of(new JsonObject().put("role", "integrator"), groups);
    Scope application = Scope.of(new JsonObject().put("role", "application")
        .put("applicationServers", new JsonArray().add("acme-eu").add("acme-us")), groups);
    Scope malformed = Scope.of(new JsonObject().put("role", "application")
        .put("applicationServers", new JsonArray().add("acme-eu").add(7)), groups);
    Scope unclaimed = Scope.of(new JsonObject().put("role", "application"), groups);
    Scope unknown = Scope.of(new JsonObject().put("role", "guest"), groups);

    // when asked about application servers, then each answers by its role and claim
    assertThat(admin.mayWakeFor("anything")).isTrue();
    assertThat(operator.mayWakeFor("acme-eu")).isTrue();
    assertThat(integrator.mayWakeFor("acme-eu")).isFalse();
    assertThat(application.mayWakeFor("acme-eu")).isTrue();
    assertThat(application.mayWakeFor("acme-us")).isTrue();
    assertThat(application.mayWakeFor("other")).isFalse();
    assertThat(application.mayWakeFor(null)).isFalse();
    assertThat(malformed.mayWakeFor("acme-eu")).isFalse();
    assertThat(unclaimed.mayWakeFor("acme-eu")).isFalse();
    assertThat(unknown.mayWakeFor("acme-eu")).isFalse();
  }
}
