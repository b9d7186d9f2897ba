package com.gitlab.ops.release;

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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** More than 1,000 malformed events mixed into good traffic: each bad one dead-lettered with a reason, each good one applied. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class BadEventsTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Test
    void deploys() throws Exception {
        new BadEventGenerator(kafka, "deploys",
                i -> CloudEvents.envelopeNode("deploy.job.finished", Map.of("package", String.format("16.1.%s-%011x.4ce763dbce1",
                                java.time.LocalDateTime.of(2023, 1, 1, 0, 0).plusMinutes(i).format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmm")), i),
                        "environment", "gstg", "job", "wait:helm", "status", "success",
                        "finished_at", OffsetDateTime.now(ZoneOffset.UTC).toString())),
                List.of("package", "environment", "job", "status", "finished_at"),
                Map.of("package", "\"16.1\"", "environment", "\"staging\"", "status", "\"done\"", "post_migrations", "\"not-a-list\"",
                        "pipeline_id", "-1", "finished_at", "\"soon\"")).countedAt(() -> given().get("/q/metrics").asString())
                .run(1_000, Duration.ofSeconds(120))
                .assertComplete(id -> given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", id).statusCode() == 200);
    }
}
