package com.gitlab.ops.incident.backfill;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.WAIT;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.awaitAlert;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.createIncident;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.createPolicy;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.flagOff;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.flagOn;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.incident;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.newProject;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.pendingEscalations;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.sendAlert;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class EscalationStatusBackfillTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BACKFILL = "/admin/escalation-statuses/backfill";
    // Half the worker's poll interval in tests (application.properties).
    private static final Duration STARTED_AT_ONCE = Duration.ofSeconds(10);
    private static final List<String> STATUSES = List.of("triggered", "acknowledged", "resolved", "ignored", "acknowledged", "triggered", "resolved");

    @Inject
    EntityManager em;

    @AfterEach
    void resetFlag() {
        flagOff();
    }

    /** Incidents created from alerts whose records were lost (the seed bug), one record each after the job. */
    private Map<Long, String> incidentsWithLostRecords(long project, Long policy) {
        Map<Long, String> statusByIncident = new LinkedHashMap<>();
        for (int alert = 1; alert <= STATUSES.size(); alert++) {
            Map<String, Object> extra = policy == null ? Map.of("create_incident", true)
                    : Map.of("create_incident", true, "escalation_policy_id", policy);
            sendAlert(project, alert, STATUSES.get(alert - 1), "2026-11-21T10:00:00Z", extra);
        }
        for (int alert = 1; alert <= STATUSES.size(); alert++) {
            int a = alert;
            long iid = await().atMost(WAIT).until(() -> awaitAlert(project, a).<Number>get("incident_iid"), v -> v != null).longValue();
            statusByIncident.put(iid, STATUSES.get(alert - 1));
        }
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("DELETE FROM pending_escalation WHERE incident_id IN (SELECT id FROM incident WHERE project_id = :p)")
                    .setParameter("p", project).executeUpdate();
            em.createNativeQuery("DELETE FROM escalation_status WHERE incident_id IN (SELECT id FROM incident WHERE project_id = :p)")
                    .setParameter("p", project).executeUpdate();
        });
        return statusByIncident;
    }

    private JsonPath runJob(Object body) {
        long job = given().auth().basic("admin", "test-admin").contentType(ContentType.JSON).body(body).post(BACKFILL)
                .then().statusCode(202).body("state", equalTo("running")).extract().jsonPath().getLong("id");
        // Done well before the worker's next poll (every 20 s in tests): a job is started when it
        // is committed, not when the worker next looks. (A wake that races the commit is not forced
        // here; it lost only now and then.)
        return awaitJob(job, STARTED_AT_ONCE);
    }

    private static JsonPath awaitJob(long job, Duration atMost) {
        await().atMost(atMost).untilAsserted(() -> given().auth().basic("admin", "test-admin").get("/admin/jobs/{id}", job)
                .then().statusCode(200).body("state", equalTo("done")));
        return given().auth().basic("admin", "test-admin").get("/admin/jobs/{id}", job).jsonPath();
    }

    @Test
    void everyIncidentWithAnAlertGetsTheAlertsRecord_othersStayNone_nobodyIsPaged() throws Exception {
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "acknowledged", "elapsed_time_seconds", 0, "user_id", 3)));
        Map<Long, String> expected = incidentsWithLostRecords(project, policy);
        long manual = createIncident(project);

        JsonPath job = runJob("{}");
        assertTrue(job.getLong("done") >= expected.size() && job.getLong("done") == job.getLong("total"), job.prettify());
        assertTrue(job.getLong("created") >= expected.size(), job.prettify());

        flagOn();
        expected.forEach((iid, status) -> {
            JsonPath incident = incident(project, iid);
            assertEquals(status, incident.getString("escalation_status.status"), "incident " + iid);
            assertEquals(policy, incident.getLong("escalation_status.policy_id"), "incident " + iid);
        });
        assertNull(incident(project, manual).get("escalation_status"), "an incident without alerts stays None");
        for (long iid : expected.keySet()) {
            given().get("/api/projects/{p}/incidents/{i}/pages", project, iid).then().body("size()", equalTo(0));
        }

        // The job's events say what it wrote, in the envelope every other change is published in.
        long resolvedIid = expected.entrySet().stream().filter(e -> e.getValue().equals("resolved")).findFirst().orElseThrow().getKey();
        JsonNode event = JSON.readTree(KafkaRecords.awaitFirst(kafka, "incident-escalations", WAIT,
                r -> r.key().equals(Long.toString(project)) && backfillEventOf(r, resolvedIid)).value());
        assertEquals(List.of("specversion", "id", "source", "type", "time", "datacontenttype", "data"), fieldNames(event));
        assertEquals(List.of("project_id", "incident_iid", "status", "policy_id", "escalations_started_at", "resolved_at", "alert_iids",
                "reason"), fieldNames(event.get("data")));
        assertEquals("incident.escalation_status.changed", event.get("type").asText());
        assertEquals("/gitlab/incident-service", event.get("source").asText());
        assertEquals(project, event.at("/data/project_id").asLong());
        assertEquals("resolved", event.at("/data/status").asText());
        assertEquals(policy, event.at("/data/policy_id").asLong());
        OffsetDateTime resolvedAt = OffsetDateTime.parse(event.at("/data/resolved_at").asText());
        // Built from the alert: escalations started when the alert was created (its first state seen here).
        assertEquals("2026-11-21T10:00:00Z", event.at("/data/escalations_started_at").asText());
        assertEquals(OffsetDateTime.parse("2026-11-21T10:00:00Z"),
                OffsetDateTime.parse(incident(project, resolvedIid).getString("escalation_status.escalations_started_at")));
        assertEquals(resolvedAt, OffsetDateTime.parse(incident(project, resolvedIid).getString("escalation_status.resolved_at")));
        assertEquals(1, event.at("/data/alert_iids").size());
        OffsetDateTime.parse(event.get("time").asText());
        UUID.fromString(event.get("id").asText());
    }

    private static boolean backfillEventOf(ConsumerRecord<String, String> record, long incidentIid) {
        JsonNode data = read(record).get("data");
        return data.get("reason").asText().equals("backfill") && data.get("incident_iid").asLong() == incidentIid;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void rebuildMustBeAskedFor_isAChangeLikeAnyOther_andRestartsEscalations() throws Exception {
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "resolved", "elapsed_time_seconds", 3600, "user_id", 3)));
        Map<Long, String> expected = incidentsWithLostRecords(project, policy);
        flagOn();
        long manual = createIncident(project);
        given().contentType(ContentType.JSON).body(Map.of("status", "acknowledged"))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, manual).then().statusCode(200);

        given().auth().basic("admin", "test-admin").contentType(ContentType.JSON).body(Map.of("rebuild", "yes")).post(BACKFILL)
                .then().statusCode(400).body("error", equalTo("'rebuild' must be true or false; true deletes every escalation status record first"));
        given().auth().basic("admin", "test-admin").contentType(ContentType.JSON).body(Map.of("rebuil", true)).post(BACKFILL)
                .then().statusCode(400).body("error", equalTo("unknown field 'rebuil'; the only field is rebuild"));

        JsonPath job = runJob(Map.of("rebuild", true));
        assertTrue(job.getBoolean("rebuild"));
        expected.forEach((iid, status) -> assertEquals(status, incident(project, iid).getString("escalation_status.status")));
        assertNull(incident(project, manual).get("escalation_status"), "the seed's plan: records of incidents without alerts are gone");

        // Its removals and its new records are published, as any change is.
        JsonNode removed = rebuildEvent(project, manual, JsonNode::isNull);
        assertTrue(removed.get("policy_id").isNull() && removed.get("escalations_started_at").isNull(), removed.toString());
        for (Map.Entry<Long, String> incident : expected.entrySet()) {
            JsonNode remade = rebuildEvent(project, incident.getKey(), status -> status.asText().equals(incident.getValue()));
            assertEquals(policy, remade.get("policy_id").asLong());
            // Open incidents with a policy escalate again, from the rebuild; closed ones do not.
            long pending = pendingEscalations(project, incident.getKey(), "true");
            boolean open = incident.getValue().equals("triggered") || incident.getValue().equals("acknowledged");
            assertEquals(open ? 1 : 0, pending, "pending escalations of incident " + incident.getKey() + ", " + incident.getValue());
        }
    }

    /** The rebuild's event for the incident whose status matches (a removal has a null status). */
    private JsonNode rebuildEvent(long project, long incidentIid, java.util.function.Predicate<JsonNode> status) throws Exception {
        return JSON.readTree(KafkaRecords.awaitFirst(kafka, "incident-escalations", WAIT, r -> {
            if (!r.key().equals(Long.toString(project))) {
                return false;
            }
            JsonNode data = read(r).get("data");
            return data.get("reason").asText().equals("rebuild") && data.get("incident_iid").asLong() == incidentIid
                    && status.test(data.get("status"));
        }).value()).get("data");
    }

    private static JsonNode read(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aJobACrashInterruptedIsResumedFromEachSlicesProgress() {
        long project = newProject();
        Map<Long, String> expected = incidentsWithLostRecords(project, null);
        List<Long> ids = incidentIds(project);
        // A job left running by a crashed instance, in two slices: the first had done its first
        // incident of the four up to the fourth, the second its first two. The workers go on from
        // each slice's progress, not from the start, and the first slice stops at its end.
        long job = QuarkusTransaction.requiringNew().call(() -> {
            long id = ((Number) em.createNativeQuery("""
                            INSERT INTO admin_job (kind, state, rebuild, total, done, created_at, updated_at)
                            VALUES ('escalation_status_backfill', 'running', false, 0, 3, now(), now()) RETURNING id""")
                    .getSingleResult()).longValue();
            em.createNativeQuery("""
                            INSERT INTO backfill_slice (job_id, slice, last_incident_id, up_to)
                            VALUES (:job, 0, :first, :fourth), (:job, 1, :sixth, NULL)""")
                    .setParameter("job", id).setParameter("first", ids.get(0)).setParameter("fourth", ids.get(3))
                    .setParameter("sixth", ids.get(5)).executeUpdate();
            return id;
        });
        List<Long> doneBeforeTheCrash = List.of(ids.get(0), ids.get(4), ids.get(5));

        JsonPath done = awaitJob(job, WAIT); // found by the workers' next poll
        assertTrue(done.getLong("done") >= 3 + ids.size() - 3, done.prettify());
        assertRepairedAllBut(project, expected, ids, doneBeforeTheCrash);
    }

    @Test
    void aJobTheReleaseBeforeSlicesStartedGoesOnFromItsProgressAsOneSlice() {
        long project = newProject();
        Map<Long, String> expected = incidentsWithLostRecords(project, null);
        List<Long> ids = incidentIds(project);
        // Started during the rolling deploy by an instance that knows no slices: its progress is in
        // admin_job.last_incident_id, past the first three incidents.
        long job = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("""
                        INSERT INTO admin_job (kind, state, rebuild, total, done, created_at, updated_at, last_incident_id)
                        VALUES ('escalation_status_backfill', 'running', false, 0, 3, now(), now(), :third) RETURNING id""")
                .setParameter("third", ids.get(2)).getSingleResult()).longValue());

        awaitJob(job, WAIT); // found by the workers' next poll
        assertRepairedAllBut(project, expected, ids, ids.subList(0, 3));
    }

    private List<Long> incidentIds(long project) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT id FROM incident WHERE project_id = :p ORDER BY id", Long.class).setParameter("p", project).getResultList());
    }

    /**
     * Each of the project's incidents (iids in {@code expected}'s order, ids in {@code ids}'s) has its
     * expected record, but those a resumed job's progress said were done, which it must not do again.
     */
    private void assertRepairedAllBut(long project, Map<Long, String> expected, List<Long> ids, List<Long> doneBefore) {
        flagOn();
        List<Long> iids = new ArrayList<>(expected.keySet());
        for (int i = 0; i < iids.size(); i++) {
            JsonPath incident = incident(project, iids.get(i));
            if (doneBefore.contains(ids.get(i))) {
                assertNull(incident.get("escalation_status"), "incident " + iids.get(i) + " was in the job's progress: not done again");
            } else {
                assertEquals(expected.get(iids.get(i)), incident.getString("escalation_status.status"), "incident " + iids.get(i));
            }
        }
    }

    @Test
    void onlyAdminsMayRunIt() {
        given().contentType(ContentType.JSON).body("{}").post(BACKFILL).then().statusCode(401);
        given().auth().basic("viewer", "test-viewer").contentType(ContentType.JSON).body("{}").post(BACKFILL).then().statusCode(403);
        given().auth().basic("viewer", "test-viewer").get("/admin/jobs/1").then().statusCode(403);
        given().auth().basic("admin", "test-admin").get("/admin/jobs/987654").then().statusCode(404)
                .body("error", equalTo("job 987654 does not exist"));
    }
}
