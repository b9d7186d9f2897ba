package com.gitlab.ops.imports.importing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaTestClient;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class ImportEventsConsumerTest {

    private final KafkaTestClient kafka = KafkaTestClient.forSharedBroker();

    @Test
    void anImportStartedEventIsAppliedThroughTheRealBroker() {
        String id = CloudEvents.newId();
        kafka.send("imports", "12", CloudEvents.envelope(id, "import.started", Map.of(
                "project_id", 12, "project_path", "gitlab-org/gitlab", "importer", "github", "user_id", 1,
                "max_iids", Map.of("issues", 1200, "merge_requests", 340))));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().basic("admin", "test-admin")
                .get("/admin/inbox/{id}", id).then().statusCode(200).body("[0].event_type", equalTo("import.started")));
    }

    @Test
    void anUnknownImporterIsDeadLetteredWithItsReason() {
        kafka.send("imports", "13", CloudEvents.envelope(CloudEvents.newId(), "import.started", Map.of(
                "project_id", 13, "project_path", "a/b", "importer", "svn", "user_id", 1, "max_iids", Map.of())));

        assertEquals("field 'importer' must be one of bitbucket, bitbucket_server, bulk_import, fogbugz, gitea, github, gitlab_project; got \"svn\"",
                KafkaTestClient.header(kafka.awaitRecord("imports.dlq", Duration.ofSeconds(30), r -> "13".equals(r.key())),
                        "dead-letter-reason"));
    }
}
