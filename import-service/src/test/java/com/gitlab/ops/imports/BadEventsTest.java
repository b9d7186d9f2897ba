package com.gitlab.ops.imports;

import static io.restassured.RestAssured.given;

import com.gitlab.ops.testing.BadEventGenerator;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
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

/** More than 1,000 malformed events mixed into good traffic: each bad one dead-lettered with a reason, each good one applied. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class BadEventsTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Test
    void imports() throws Exception {
        new BadEventGenerator(kafka, "imports",
                i -> CloudEvents.envelopeNode("import.started", Map.of("project_id", 770_000 + i, "project_path", "group/p" + i, "importer", "github",
                        "user_id", 1, "max_iids", Map.of("issues", 5))),
                List.of("project_id", "project_path", "importer", "user_id", "max_iids"),
                Map.of("importer", "\"svn\"", "max_iids", "[1,2]", "user_id", "0", "project_id", "-3")).countedAt(() -> given().get("/q/metrics").asString())
                .run(1_000, Duration.ofSeconds(120))
                .assertComplete(id -> given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", id).statusCode() == 200);
    }
}
