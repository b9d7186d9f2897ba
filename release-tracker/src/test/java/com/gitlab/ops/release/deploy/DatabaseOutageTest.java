package com.gitlab.ops.release.deploy;

import static com.gitlab.ops.release.DeployEvents.WAIT;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.release.DeployEvents;
import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.testing.CuttableDatabaseResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PrometheusText;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A database outage longer than the retry budget (here 3 attempts, a fraction of a second) and
 * longer than the Kafka connector's default limit on unacked records (60 s, after which it would
 * fail the channel for good) is waited out: readiness DOWN while it lasts, liveness UP, nothing
 * dead-lettered, every event applied once the database is back, and readiness UP again by itself,
 * the channel with it.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.SmallRetryBudget.class)
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(CuttableDatabaseResource.class)
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class DatabaseOutageTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    public static class SmallRetryBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("platform.events.retry.max-attempts", "3", "platform.events.retry.initial-backoff", "PT0.1S",
                    "platform.events.retry.max-backoff", "PT0.5S",
                    // The pool gives up on a connection quickly, so that the wait is in the consumer, not in the pool.
                    "quarkus.datasource.jdbc.acquisition-timeout", "PT1S");
        }
    }

    private final DeployEvents events = new DeployEvents();

    @Test
    void anOutageLongerThanTheRetryBudgetIsWaitedOutAndNothingIsDeadLettered() {
        double deadLetteredBefore = metric("events_dead_lettered_total{topic=\"deploys\"}");
        long deadLettersBefore = KafkaRecords.size(kafka, "deploys.dlq");
        double retriedBefore = metric("events_retried_total{topic=\"deploys\"}");
        CuttableDatabaseResource.proxy().cut();
        List<String> packages = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                String pkg = DeployEvents.pkg("16.9", "abcdef01234");
                packages.add(pkg);
                ids.add(events.job(pkg, "gprd", "wait:helm", "success", Map.of()));
            }
            given().get("/q/health/ready").then().statusCode(503);
            // Over 130 retries at 0.5 s at most: past the connector's 60 s, and over 40 times the retry budget.
            await().atMost(Duration.ofMinutes(3)).until(() -> metric("events_retried_total{topic=\"deploys\"}") >= retriedBefore + 130);
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'Event consumers' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'Event consumers' }.data.deploys", containsString("waiting out an outage since"));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            CuttableDatabaseResource.proxy().restore();
        }

        ids.forEach(DeployEvents::awaitApplied);
        for (String pkg : packages) {
            assertEquals("success", DeployEvents.packageOf(pkg).getString("environments.gprd.jobs.'wait:helm'.status"));
        }
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Event consumers' }.status", equalTo("UP")));
        given().get("/q/health/live").then().statusCode(200);
        assertEquals(deadLetteredBefore, metric("events_dead_lettered_total{topic=\"deploys\"}"), "nothing dead-lettered for the outage");
        assertEquals(deadLettersBefore, KafkaRecords.size(kafka, "deploys.dlq"), "nothing in deploys.dlq");
    }

    private static double metric(String series) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(), series);
    }
}
