package com.gitlab.ops.incident;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.awaitAlert;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.createIncident;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.createPolicy;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.flagOff;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.flagOn;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.newProject;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.sendAlert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.testing.BadRequestGenerator;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * At least 1,000 bad requests derived from the service's OpenAPI document, each answered with a 4xx and
 * {"error": "<sentence>"}; the resources they name exist, so bad bodies reach the validation.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class BadRequestsTest {

    @TestHTTPResource("/")
    URL root;

    @AfterEach
    void off() {
        flagOff();
    }

    @Test
    void badRequestsGetA4xxWithASentence() throws Exception {
        BadRequestGenerator.Report report = seeded(new BadRequestGenerator(root.toString(), "admin", "test-admin")).run(1_000);
        System.out.println("Bad requests sent: " + report.sent() + ", answers by status: " + report.statuses());
        assertTrue(report.sent() >= 1_000, "sent " + report.sent());
        assertEquals(List.of(), report.findings().stream().limit(10).toList(),
                report.findings().size() + " of " + report.sent() + " bad requests were not answered with a 4xx and a sentence");
    }

    /**
     * A project with a policy, an incident and an alert, named by every request that is not bad in its
     * path; a second project, without a policy, where policies are created.
     */
    private static BadRequestGenerator seeded(BadRequestGenerator generator) {
        flagOn();
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "acknowledged", "elapsed_time_seconds", 600, "user_id", 3)));
        long incident = createIncident(project);
        sendAlert(project, 7, "triggered", OffsetDateTime.now(ZoneOffset.UTC).toString(), Map.of());
        awaitAlert(project, 7);
        long withoutPolicy = newProject();
        return generator.existing("/api/projects/{projectId}/escalation-policies", "projectId", withoutPolicy)
                .validBody("POST /api/projects/{projectId}/escalation-policies",
                        "{\"name\": \"Backup\", \"rules\": [{\"status\": \"acknowledged\", \"elapsed_time_seconds\": 300, \"user_id\": 4}]}")
                .validBody("POST /api/projects/{projectId}/incidents", "{\"title\": \"Checkout is down\"}")
                .validBody("PATCH /api/projects/{projectId}/incidents/{incidentIid}/escalation-status", "{\"status\": \"acknowledged\"}")
                .validBody("POST /admin/escalation-statuses/backfill", "{\"rebuild\": false}")
                .validBody("POST /admin/dead-letters/{topic}/replay", "{\"partition\": 0}")
                .existing("topic", "alerts").existing("projectId", project).existing("policyId", policy).existing("incidentIid", incident)
                .existing("alertIid", 7);
    }
}
