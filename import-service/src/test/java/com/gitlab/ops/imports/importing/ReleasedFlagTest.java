package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.imports.ImportServiceTestSupport.FLAG;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitImports;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitService;
import static com.gitlab.ops.imports.ImportServiceTestSupport.counter;
import static com.gitlab.ops.imports.ImportServiceTestSupport.newProject;
import static com.gitlab.ops.imports.ImportServiceTestSupport.serviceSeesFlag;
import static com.gitlab.ops.imports.ImportServiceTestSupport.startImport;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashAdmin;
import com.gitlab.ops.testing.UnleashServer;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The last step of a rollout, against the real Unleash: with the definition saying
 * {@code default_enabled: true} (shipped), deleting the flag from Unleash keeps imports reserving
 * IIDs, where a flag Unleash does not know used to read as off.
 */
@QuarkusTest
@TestProfile(ReleasedFlagTest.Released.class)
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class ReleasedFlagTest {

    /** The service as shipped after "set default_enabled: true": its definitions say so. */
    public static class Released implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("platform.flag-definitions", "released-flags");
        }
    }

    private final UnleashAdmin unleash = UnleashServer.shared().admin();

    @AfterEach
    void flagBack() {
        // The other tests of this JVM share the Unleash server and expect the flag, off.
        unleash.createFlag(FLAG);
        unleash.disable(FLAG);
    }

    @Test
    void deletingAReleasedFlagKeepsTheFeatureOn() {
        long before = newProject();
        unleash.disable(FLAG);
        awaitService(() -> !serviceSeesFlag(before, "group/before"));
        startImport(before, "group/before", Map.of("issues", 40));
        assertEquals("skipped", awaitImports(before, 1).get(0).get("outcome"), "off in Unleash: the definition's default does not apply");

        unleash.deleteFlag(FLAG);
        long after = newProject();
        awaitService(() -> serviceSeesFlag(after, "group/after"));
        startImport(after, "group/after", Map.of("issues", 40));

        assertEquals("reserved", awaitImports(after, 1).get(0).get("outcome"));
        assertEquals(40, counter(after, "issues").getLong("last_value"));
        given().auth().preemptive().basic("admin", "test-admin").get("/admin/flags").then().statusCode(200)
                .body("flags[0].name", equalTo(FLAG))
                .body("flags[0].known_to_unleash", equalTo(false))
                .body("flags[0].enabled", nullValue())
                .body("flags[0].definition.default_enabled", equalTo(true))
                .body("flags[0].evaluations['true']", org.hamcrest.Matchers.greaterThan(0));
    }
}
