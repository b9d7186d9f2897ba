package com.gitlab.ops.incident.policy;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.WAIT;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.createIncident;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.createPolicy;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.flagOff;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.flagOn;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.incident;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.newProject;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.pendingEscalations;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Escalation policies through the API: one per project, read back as created, and deleted as GitLab deletes them. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class EscalationPoliciesTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void resetFlag() {
        flagOff();
    }

    @Test
    void aPolicyReadsBackAsCreated_andOnlyInItsProject() {
        long project = newProject();
        long policy = given().contentType(ContentType.JSON).body(Map.of("name", "SRE on-call", "description", "Day shift", "rules", List.of(
                        Map.of("status", "acknowledged", "elapsed_time_seconds", 300, "user_id", 12),
                        Map.of("status", "resolved", "elapsed_time_seconds", 3600, "oncall_schedule_id", 4))))
                .post("/api/projects/{p}/escalation-policies", project).then().statusCode(201).extract().jsonPath().getLong("id");

        given().get("/api/projects/{p}/escalation-policies/{id}", project, policy).then().statusCode(200)
                .body("id", equalTo((int) policy))
                .body("name", equalTo("SRE on-call"))
                .body("description", equalTo("Day shift"))
                .body("rules.size()", equalTo(2))
                .body("rules[0].status", equalTo("acknowledged"))
                .body("rules[0].elapsed_time_seconds", equalTo(300))
                .body("rules[0].user_id", equalTo(12))
                .body("rules[1].status", equalTo("resolved"))
                .body("rules[1].oncall_schedule_id", equalTo(4));
        given().get("/api/projects/{p}/escalation-policies", project).then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].id", equalTo((int) policy));

        long other = newProject();
        given().get("/api/projects/{p}/escalation-policies", other).then().statusCode(200).body("size()", equalTo(0));
        given().get("/api/projects/{p}/escalation-policies/{id}", other, policy).then().statusCode(404)
                .body("error", equalTo("escalation policy " + policy + " does not exist in project " + other));
        given().delete("/api/projects/{p}/escalation-policies/{id}", other, policy).then().statusCode(404);
    }

    /** GitLab: deleting a policy takes it off the incidents that used it, and their escalations stop. */
    @Test
    void deletingAPolicyClearsItFromIncidentsAndCancelsTheirEscalations() throws Exception {
        flagOn();
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "resolved", "elapsed_time_seconds", 3600, "user_id", 5)));
        long iid = createIncident(project);
        given().contentType(ContentType.JSON).body(Map.of("policy_id", policy))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, iid).then().statusCode(200);
        assertEquals(1, pendingEscalations(project, iid, "true"));

        given().delete("/api/projects/{p}/escalation-policies/{id}", project, policy).then().statusCode(204);

        assertNull(incident(project, iid).get("escalation_status.policy_id"));
        assertNull(incident(project, iid).get("escalation_status.escalations_started_at"));
        assertEquals("triggered", incident(project, iid).getString("escalation_status.status"));
        assertEquals(0, pendingEscalations(project, iid, "true"));
        given().get("/api/projects/{p}/escalation-policies/{id}", project, policy).then().statusCode(404);
        given().delete("/api/projects/{p}/escalation-policies/{id}", project, policy).then().statusCode(404);

        // Published as a change, as any other.
        JsonNode cleared = JSON.readTree(KafkaRecords.awaitFirst(kafka, "incident-escalations", WAIT, r -> {
            try {
                JsonNode data = JSON.readTree(r.value()).get("data");
                return r.key().equals(Long.toString(project)) && data.get("incident_iid").asLong() == iid && data.get("policy_id").isNull();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).value()).get("data");
        assertEquals("api", cleared.get("reason").asText());
    }
}
