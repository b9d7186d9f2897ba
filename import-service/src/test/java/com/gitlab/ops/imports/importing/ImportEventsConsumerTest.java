package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.testing.KafkaRecords.header;
import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.imports.ImportServiceTestSupport;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.PrometheusText;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class ImportEventsConsumerTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    /** Applied once: the same event again, even with other content, makes no second record and no second reservation. */
    @Test
    void anImportStartedEventIsAppliedOnceThroughTheRealBroker() {
        long project = ImportServiceTestSupport.newProject();
        String id = CloudEvents.newId();
        kafka.produceStrings().fromRecords(record("imports", Long.toString(project), CloudEvents.envelope(id, "import.started", Map.of(
                "project_id", project, "project_path", "gitlab-org/gitlab", "importer", "github", "user_id", 1,
                "max_iids", Map.of("issues", 1200, "merge_requests", 340))))).awaitCompletion();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().basic("admin", "test-admin")
                .get("/admin/inbox/{id}", id).then().statusCode(200).body("[0].event_type", equalTo("import.started")));
        double duplicates = duplicates();

        kafka.produceStrings().fromRecords(record("imports", Long.toString(project), CloudEvents.envelope(id, "import.started", Map.of(
                "project_id", project, "project_path", "gitlab-org/gitlab", "importer", "gitea", "user_id", 1,
                "max_iids", Map.of("issues", 9000))))).awaitCompletion();
        await().atMost(Duration.ofSeconds(30)).until(() -> duplicates() == duplicates + 1);
        List<Map<String, Object>> imports = ImportServiceTestSupport.awaitImports(project, 1);
        assertEquals(1, imports.size());
        assertEquals("github", imports.get(0).get("importer"));
    }

    @Test
    void adminEndpointsNeedAnAdmin() {
        given().get("/admin/inbox/{id}", "x").then().statusCode(401);
        given().auth().basic("admin", "wrong").get("/admin/inbox/{id}", "x").then().statusCode(401);
        given().auth().basic("viewer", "test-viewer").get("/admin/inbox/{id}", "x").then().statusCode(403);
        given().auth().basic("viewer", "test-viewer").contentType("application/json").body("{}").post("/admin/dead-letters/imports/replay")
                .then().statusCode(403);
        given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", "x").then().statusCode(404);
    }

    private static double duplicates() {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "events_consumed_total{outcome=\"duplicate\",topic=\"imports\"}");
    }

    @Test
    void anUnknownImporterIsDeadLetteredWithItsReason() {
        kafka.produceStrings().fromRecords(record("imports", "13", CloudEvents.envelope(CloudEvents.newId(), "import.started", Map.of(
                "project_id", 13, "project_path", "a/b", "importer", "svn", "user_id", 1, "max_iids", Map.of())))).awaitCompletion();

        assertEquals("field 'importer' must be one of bitbucket, bitbucket_server, bulk_import, fogbugz, gitea, github, gitlab_project; got \"svn\"",
                header(KafkaRecords.awaitFirst(kafka, "imports.dlq", Duration.ofSeconds(30), r -> "13".equals(r.key())), "dead-letter-reason"));
    }
}
