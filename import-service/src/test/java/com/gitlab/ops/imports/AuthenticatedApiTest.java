package com.gitlab.ops.imports;

import static io.restassured.RestAssured.given;

import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code API_AUTH=authenticated}, /api/** wants the service's users (any role); health and metrics stay open to probes. */
@QuarkusTest
@TestProfile(AuthenticatedApiTest.AuthenticatedApi.class)
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class AuthenticatedApiTest {

    /** What {@code API_AUTH=authenticated} sets. */
    public static class AuthenticatedApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("API_AUTH", "authenticated");
        }
    }

    @Test
    void theApiWantsCredentials_ofAnyRole() {
        given().get("/api/projects/1/iids/issues").then().statusCode(401);
        given().auth().preemptive().basic("viewer", "wrong").get("/api/projects/1/iids/issues").then().statusCode(401);
        given().auth().preemptive().basic("viewer", "test-viewer").get("/api/projects/1/iids/issues").then().statusCode(200);
        given().auth().preemptive().basic("viewer", "test-viewer").post("/api/projects/1/iids/issues/next").then().statusCode(200);
        given().auth().preemptive().basic("admin", "test-admin").post("/api/projects/1/iids/issues/next").then().statusCode(200);
    }

    @Test
    void probesAndMetricsStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
