package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.imports.ImportServiceTestSupport.FLAG;
import static com.gitlab.ops.imports.ImportServiceTestSupport.WAIT;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitImports;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitService;
import static com.gitlab.ops.imports.ImportServiceTestSupport.counter;
import static com.gitlab.ops.imports.ImportServiceTestSupport.flagOffEverywhere;
import static com.gitlab.ops.imports.ImportServiceTestSupport.newProject;
import static com.gitlab.ops.imports.ImportServiceTestSupport.serviceSeesFlag;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.CloudEventsSdk;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.PrometheusText;
import com.gitlab.ops.testing.UnleashServer;
import com.gitlab.ops.testing.UnleashServerResource;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Imports started by a producer using the official CloudEvents SDK, in both content modes, and the
 * service's own events as the SDK reads them. The binding's invalid cases are in BadEventsTest.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class CloudEventsModesTest {

    private static final String PATH = "sdk/cloudevents-modes";
    private final CloudEventsSdk sdk = CloudEventsSdk.forSharedBroker();

    @AfterEach
    void flagOff() {
        flagOffEverywhere();
    }

    @Test
    void importsSerializedByTheSdkApplyInEitherMode() {
        long binary = newProject();
        long structured = newProject();
        long defaults = newProject();
        sdk.send("imports", Long.toString(binary), started(CloudEvents.newId(), binary, 10), Encoding.BINARY);
        sdk.send("imports", Long.toString(structured), started(CloudEvents.newId(), structured, 20), Encoding.STRUCTURED);
        sdk.sendWithDefaults("imports", Long.toString(defaults), CloudEventsSdk.eventWithoutContentType(CloudEvents.newId(), "import.started",
                data(defaults, 30)));

        for (long project : new long[] {binary, structured, defaults}) {
            assertEquals("github", awaitImports(project, 1).get(0).get("importer"));
        }
    }

    @Test
    void anEventIdSentInBothModesAppliesOnce() {
        flagOnForThePath();
        long project = newProject();
        String id = CloudEvents.newId();
        double applied = consumed("applied");
        double duplicates = consumed("duplicate");
        sdk.send("imports", Long.toString(project), started(id, project, 100), Encoding.STRUCTURED);
        awaitImports(project, 1);
        // A higher maximum: applied, it would raise the counter; the id alone must stop it.
        sdk.send("imports", Long.toString(project), started(id, project, 900), Encoding.BINARY);
        await().atMost(WAIT).until(() -> consumed("duplicate") == duplicates + 1);

        assertEquals(applied + 1, consumed("applied"));
        assertEquals(1, awaitImports(project, 1).size());
        assertEquals(100, counter(project, "issues").getLong("last_value"));
    }

    @Test
    void preallocationEventsAreReadByTheSdksDeserializer() {
        flagOnForThePath();
        long project = newProject();
        sdk.send("imports", Long.toString(project), started(CloudEvents.newId(), project, 42), Encoding.BINARY);

        CloudEvent event = sdk.awaitEvent("import-events", WAIT, r -> r.key().equals(Long.toString(project)));
        JsonNode preallocated = CloudEventsSdk.publishedData(event, "import.iids_preallocated", "/gitlab/import-service");
        assertEquals(project, preallocated.get("project_id").asLong());
        assertEquals(42, preallocated.at("/counters/issues").asLong());
    }

    private static void flagOnForThePath() {
        UnleashServer.shared().admin().enableForProjects(FLAG, PATH);
        awaitService(() -> serviceSeesFlag(1, PATH));
    }

    private static CloudEvent started(String id, long project, int issues) {
        return CloudEventsSdk.event(id, "import.started", data(project, issues));
    }

    private static Map<String, Object> data(long project, int issues) {
        return Map.of("project_id", project, "project_path", PATH, "importer", "github", "user_id", 1, "max_iids", Map.of("issues", issues));
    }

    private static double consumed(String outcome) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "events_consumed_total{outcome=\"" + outcome + "\",topic=\"imports\"}");
    }
}
