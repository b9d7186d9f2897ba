package com.gitlab.ops.incident.escalation;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.FLAG;
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
import static com.gitlab.ops.testing.KafkaRecords.header;
import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.incident.MovableClock;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.PrometheusText;
import com.gitlab.ops.testing.UnleashServer;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class IncidentEscalationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EntityManager em;

    @Inject
    MovableClock clock;

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @AfterEach
    void resetFlagAndClock() {
        flagOff();
        clock.reset();
    }

    /** The seed bug, as users met it: the record must exist, and be the alert's, when the flag comes on. */
    @Test
    void anIncidentCreatedFromAnAlertWhileTheFlagIsOffHasTheAlertsStatusWhenItComesOn() {
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "resolved", "elapsed_time_seconds", 3600, "user_id", 5)));
        sendAlert(project, 1, "acknowledged", "2026-11-21T10:00:00Z", Map.of("create_incident", true, "escalation_policy_id", policy));
        long iid = await().atMost(WAIT).until(() -> awaitAlert(project, 1).<Number>get("incident_iid"), v -> v != null).longValue();

        assertFalse(incident(project, iid).getMap("").containsKey("escalation_status"), "hidden while the flag is off");
        given().contentType(ContentType.JSON).body(Map.of("status", "resolved"))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, iid)
                .then().statusCode(403).body("error", equalTo(
                        "escalation status cannot be changed: the incident_escalations feature flag is off for project " + project));

        flagOn();
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/incidents/{i}", project, iid).then()
                .body("escalation_status.status", equalTo("acknowledged"))
                .body("escalation_status.policy_id", equalTo((int) policy))
                .body("escalation_status.escalations_started_at", notNullValue())
                .body("alert_iids", equalTo(List.of(1))));

        given().contentType(ContentType.JSON).body(Map.of("status", "resolved"))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, iid)
                .then().statusCode(200).body("status", equalTo("resolved")).body("resolved_at", notNullValue());
        given().get("/api/projects/{p}/incidents/{i}", project, iid).then()
                .body("escalation_status.status", equalTo("resolved"))
                .body("escalation_status.resolved_at", notNullValue());
    }

    @Test
    void aManualIncidentHasNoRecordUntilItsFirstUpdateCreatesOne() {
        flagOn();
        long project = newProject();
        long iid = createIncident(project);
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/incidents/{i}", project, iid).then()
                .body("$", org.hamcrest.Matchers.hasKey("escalation_status"))
                .body("escalation_status", nullValue()));

        given().contentType(ContentType.JSON).body(Map.of("status", "acknowledged"))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, iid)
                .then().statusCode(200).body("status", equalTo("acknowledged")).body("policy_id", nullValue());
        assertEquals("acknowledged", incident(project, iid).getString("escalation_status.status"));
    }

    @Test
    void aPolicyOnAnIncidentWithoutARecordTriggersAndPages() throws Exception {
        flagOn();
        long project = newProject();
        long policy = createPolicy(project, List.of(
                Map.of("status", "acknowledged", "elapsed_time_seconds", 1, "user_id", 99),
                Map.of("status", "resolved", "elapsed_time_seconds", 3600, "oncall_schedule_id", 4)));
        long iid = createIncident(project);
        await().atMost(WAIT).until(() -> incident(project, iid).getMap("").containsKey("escalation_status"));

        given().contentType(ContentType.JSON).body(Map.of("policy_id", policy))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, iid)
                .then().statusCode(200)
                .body("status", equalTo("triggered"))
                .body("policy_id", equalTo((int) policy))
                .body("escalations_started_at", notNullValue());

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/incidents/{i}/pages", project, iid).then()
                .body("size()", equalTo(1))
                .body("[0].user_id", equalTo(99))
                .body("[0].rule.status", equalTo("acknowledged"))
                .body("[0].rule.elapsed_time_seconds", equalTo(1)));

        JsonNode paged = read(KafkaRecords.awaitFirst(kafka, "incident-pages", WAIT, r -> r.key().equals(Long.toString(project))));
        assertEquals("incident.paged", paged.get("type").asText());
        assertEquals(iid, paged.at("/data/incident_iid").asLong());
        assertEquals(99, paged.at("/data/user_id").asLong());

        JsonNode changed = read(KafkaRecords.awaitFirst(kafka, "incident-escalations", WAIT, r -> r.key().equals(Long.toString(project))));
        assertEquals("incident.escalation_status.changed", changed.get("type").asText());
        assertEquals("triggered", changed.at("/data/status").asText());
        assertEquals("api", changed.at("/data/reason").asText());
        assertEquals(policy, changed.at("/data/policy_id").asLong());
    }

    @Test
    void anAlertKeepsItsIncidentInStep_staleAndDuplicateEventsChangeNothing() {
        long project = newProject();
        sendAlert(project, 1, "triggered", "2026-11-21T10:00:00Z", Map.of("create_incident", true));
        long iid = await().atMost(WAIT).until(() -> awaitAlert(project, 1).<Number>get("incident_iid"), v -> v != null).longValue();

        sendAlert(project, 1, "acknowledged", "2026-11-21T10:05:00Z", Map.of());
        String third = sendAlert(project, 1, "resolved", "2026-11-21T10:10:00Z", Map.of());
        // Older than what is stored, and last to arrive: applied, it would reopen the incident.
        String stale = sendAlert(project, 1, "triggered", "2026-11-21T10:01:00Z", Map.of());
        await().atMost(WAIT).untilAsserted(() -> given().auth().basic("admin", "test-admin")
                .get("/admin/inbox/{id}", stale).then().statusCode(200));
        flagOn();
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/incidents/{i}", project, iid).then()
                .body("escalation_status.status", equalTo("resolved")));
        assertEquals("resolved", awaitAlert(project, 1).getString("status"));

        // The same event id again, even with other content, has the effect of one.
        String payload = com.gitlab.ops.testing.CloudEvents.envelope(third, "alert.updated", Map.of("project_id", project,
                "alert_iid", 1, "title", "x", "status", "triggered", "updated_at", "2026-11-21T11:00:00Z"));
        kafka.produceStrings().fromRecords(record("alerts", Long.toString(project), payload)).awaitCompletion();
        String after = sendAlert(project, 2, "triggered", "2026-11-21T11:00:00Z", Map.of());
        await().atMost(WAIT).untilAsserted(() -> given().auth().basic("admin", "test-admin")
                .get("/admin/inbox/{id}", after).then().statusCode(200));
        assertEquals("resolved", awaitAlert(project, 1).getString("status"));
        assertEquals("resolved", incident(project, iid).getString("escalation_status.status"));
    }

    @Test
    void anAlertNamingAMissingPolicyOrIncidentIsDeadLettered() {
        long project = newProject();
        sendAlert(project, 1, "triggered", "2026-11-21T10:00:00Z", Map.of("escalation_policy_id", 999_999));
        sendAlert(project, 2, "triggered", "2026-11-21T10:00:00Z", Map.of("incident_iid", 77));

        String key = Long.toString(project);
        List<String> reasons = List.of(
                header(KafkaRecords.awaitFirst(kafka, "alerts.dlq", WAIT, r -> key.equals(r.key()) && r.value().contains("\"alert_iid\":1")), "dead-letter-reason"),
                header(KafkaRecords.awaitFirst(kafka, "alerts.dlq", WAIT, r -> key.equals(r.key()) && r.value().contains("\"alert_iid\":2")), "dead-letter-reason"));
        assertEquals("escalation_policy_id 999999 is not an escalation policy of project " + project
                + "; create it first (POST /api/projects/" + project + "/escalation-policies)", reasons.get(0));
        assertEquals("incident_iid 77 does not exist in project " + project, reasons.get(1));
        given().get("/api/projects/{p}/alerts/{a}", project, 1).then().statusCode(404);
    }

    /** Pending escalations live in the database: one the service was not there to check when due fires once it looks. */
    @Test
    void aPendingEscalationLeftInTheDatabaseFiresWhenDue() {
        flagOn();
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "acknowledged", "elapsed_time_seconds", 3600, "user_id", 7)));
        long iid = createIncident(project);
        await().atMost(WAIT).until(() -> incident(project, iid).getMap("").containsKey("escalation_status"));
        given().contentType(ContentType.JSON).body(Map.of("policy_id", policy))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, iid).then().statusCode(200);
        given().get("/api/projects/{p}/incidents/{i}/pages", project, iid).then().body("size()", equalTo(0));

        assertEquals(1, pendingEscalations(project, iid, "true"));

        // An hour and a minute later, as if the service had been down past the escalation's time.
        clock.moveAhead(Duration.ofMinutes(61));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/incidents/{i}/pages", project, iid).then()
                .body("size()", equalTo(1)).body("[0].user_id", equalTo(7)));
    }

    /**
     * GitLab keeps an escalation whose rule the status is already past, and checks it again: rule
     * "acknowledged within 2 s", acknowledged at once, back to triggered later: the page goes out then.
     */
    @Test
    void aSkippedEscalationIsKept_andPagesAtOnceWhenTheStatusGoesBackToTriggered() {
        flagOn();
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "acknowledged", "elapsed_time_seconds", 2, "user_id", 8)));
        long iid = createIncident(project);
        String path = "/api/projects/{p}/incidents/{i}/escalation-status";
        given().contentType(ContentType.JSON).body(Map.of("policy_id", policy)).patch(path, project, iid)
                .then().statusCode(200).body("status", equalTo("triggered"));
        String started = incident(project, iid).getString("escalation_status.escalations_started_at");
        given().contentType(ContentType.JSON).body(Map.of("status", "acknowledged")).patch(path, project, iid)
                .then().statusCode(200).body("escalations_started_at", equalTo(started));
        assertEquals(1, pendingEscalations(project, iid, "true"), "one pending escalation, not yet due");

        // It falls due and is checked: kept, to be checked again, and nobody paged.
        await().atMost(WAIT).until(() -> pendingEscalations(project, iid, "recheck_at IS NOT NULL") == 1);
        given().get("/api/projects/{p}/incidents/{i}/pages", project, iid).then().body("size()", equalTo(0));

        // Back to triggered: escalations_started_at restarts (GitLab's state machine) and the kept
        // escalation pages at once, not at its next check a minute later.
        given().contentType(ContentType.JSON).body(Map.of("status", "triggered")).patch(path, project, iid)
                .then().statusCode(200).body("escalations_started_at", org.hamcrest.Matchers.not(equalTo(started)));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/api/projects/{p}/incidents/{i}/pages", project, iid)
                .then().body("size()", equalTo(1)).body("[0].user_id", equalTo(8)));
        assertEquals(0, pendingEscalations(project, iid, "true"), "a page is sent once per rule");
    }

    /**
     * The flag gates what users see, not what is due: a page due while the flag is off for one project
     * is held (another project, with the flag on, is paged meanwhile) and goes out once it is on.
     */
    @Test
    void pagesDueWhileTheFlagIsOffForAProjectAreHeld_andSentWhenItComesOn() {
        long on = newProject();
        long off = newProject();
        String onPath = "ops/on-" + on;
        String offPath = "ops/off-" + off;
        UnleashServer.shared().admin().enableForProjects(FLAG, onPath);
        await().atMost(WAIT).until(() -> serviceSees(on, onPath) && !serviceSees(off, offPath));
        double held = metric("incident_escalations_held_total");
        double pagedAfterHold = metric("incident_escalations_paged_after_hold_total");
        // Alerts created ten minutes ago: built from them, the records start escalations then, so the
        // rule "acknowledged within 300 s" is already due.
        String created = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(10).truncatedTo(ChronoUnit.SECONDS).toString();
        for (long project : List.of(on, off)) {
            long policy = createPolicy(project, List.of(Map.of("status", "acknowledged", "elapsed_time_seconds", 300, "user_id", 21)));
            sendAlert(project, 1, "triggered", OffsetDateTime.now(ZoneOffset.UTC).toString(), Map.of("create_incident", true,
                    "escalation_policy_id", policy, "project_path", project == on ? onPath : offPath, "created_at", created));
        }
        long onIid = await().atMost(WAIT).until(() -> awaitAlert(on, 1).<Number>get("incident_iid"), v -> v != null).longValue();
        long offIid = await().atMost(WAIT).until(() -> awaitAlert(off, 1).<Number>get("incident_iid"), v -> v != null).longValue();

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/incidents/{i}/pages", on, onIid).then().body("size()", equalTo(1)));
        assertEquals(OffsetDateTime.parse(created), OffsetDateTime.parse(incident(on, onIid).getString("escalation_status.escalations_started_at")),
                "a record built from an alert starts escalations at the alert's creation");
        await().atMost(WAIT).until(() -> pendingEscalations(off, offIid, "held_since IS NOT NULL") == 1);
        given().get("/api/projects/{p}/incidents/{i}/pages", off, offIid).then().body("size()", equalTo(0));
        assertEquals(held + 1, metric("incident_escalations_held_total"));

        UnleashServer.shared().admin().enableForProjects(FLAG, onPath, offPath);
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/incidents/{i}/pages", off, offIid).then()
                .body("size()", equalTo(1)).body("[0].user_id", equalTo(21)));
        assertEquals(pagedAfterHold + 1, metric("incident_escalations_paged_after_hold_total"));
        given().get("/api/projects/{p}/incidents/{i}/pages", on, onIid).then().body("size()", equalTo(1));
    }

    @Test
    void creatingAnIncidentWithAStatusOrPolicyWhileTheFlagIsOffIsRefusedAsPatchIs() {
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "resolved", "elapsed_time_seconds", 60, "user_id", 1)));
        String refused = "escalation status cannot be changed: the incident_escalations feature flag is off for project " + project;
        given().contentType(ContentType.JSON).body(Map.of("title", "Down", "status", "acknowledged")).post("/api/projects/{p}/incidents", project)
                .then().statusCode(403).body("error", equalTo(refused));
        given().contentType(ContentType.JSON).body(Map.of("title", "Down", "escalation_policy_id", policy)).post("/api/projects/{p}/incidents", project)
                .then().statusCode(403).body("error", equalTo(refused));
        assertEquals(0, QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM incident WHERE project_id = :p").setParameter("p", project).getSingleResult()).intValue()),
                "nothing created behind the flag's back");
        given().contentType(ContentType.JSON).body(Map.of("title", "Down")).post("/api/projects/{p}/incidents", project).then().statusCode(201);
    }

    /** GitLab's PrepareUpdateService: an incident an alert created, without a record, gets the alert's first, then the update. */
    @Test
    void theFirstUpdateOfAnAlertsIncidentWithoutARecordBuildsItFromTheAlertFirst() {
        long project = newProject();
        long policy = createPolicy(project, List.of(Map.of("status", "resolved", "elapsed_time_seconds", 3600, "user_id", 2)));
        sendAlert(project, 1, "acknowledged", "2026-11-21T10:00:00Z", Map.of("create_incident", true, "escalation_policy_id", policy,
                "created_at", "2026-11-21T09:55:00Z"));
        long iid = await().atMost(WAIT).until(() -> awaitAlert(project, 1).<Number>get("incident_iid"), v -> v != null).longValue();
        // As the seed bug left it: no record.
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "DELETE FROM escalation_status WHERE incident_id = (SELECT id FROM incident WHERE project_id = :p AND iid = :i)")
                .setParameter("p", project).setParameter("i", iid).executeUpdate());
        flagOn();

        given().contentType(ContentType.JSON).body(Map.of("status", "ignored"))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, iid).then().statusCode(200)
                .body("status", equalTo("ignored"))
                .body("policy_id", equalTo((int) policy))
                .body("escalations_started_at", equalTo("2026-11-21T09:55:00Z"));
    }

    /** With several alerts on one incident, it follows the one updated last, and so does the repair job. */
    @Test
    void anIncidentWithSeveralAlertsFollowsTheOneUpdatedLast() {
        flagOn();
        long project = newProject();
        sendAlert(project, 1, "acknowledged", "2026-11-21T10:00:00Z", Map.of("create_incident", true));
        long iid = await().atMost(WAIT).until(() -> awaitAlert(project, 1).<Number>get("incident_iid"), v -> v != null).longValue();
        // An older alert linked later: the incident still follows alert 1.
        String older = sendAlert(project, 2, "resolved", "2026-11-21T09:00:00Z", Map.of("incident_iid", iid));
        await().atMost(WAIT).untilAsserted(() -> given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", older).then().statusCode(200));
        assertEquals("acknowledged", incident(project, iid).getString("escalation_status.status"));
        assertEquals(List.of(1, 2), incident(project, iid).getList("alert_iids"));

        sendAlert(project, 2, "resolved", "2026-11-21T11:00:00Z", Map.of());
        await().atMost(WAIT).untilAsserted(() -> assertEquals("resolved", incident(project, iid).getString("escalation_status.status")));
    }

    /**
     * The system that owns alerts syncs a change made here back to the alert, and its event comes
     * back: the incident is already so, and nothing is published again (no ping-pong).
     */
    @Test
    void aChangeSyncedBackByTheAlertsOwnerDoesNotBounceBack() throws Exception {
        flagOn();
        long project = newProject();
        sendAlert(project, 1, "triggered", "2026-11-21T10:00:00Z", Map.of("create_incident", true));
        long iid = await().atMost(WAIT).until(() -> awaitAlert(project, 1).<Number>get("incident_iid"), v -> v != null).longValue();
        given().contentType(ContentType.JSON).body(Map.of("status", "acknowledged"))
                .patch("/api/projects/{p}/incidents/{i}/escalation-status", project, iid).then().statusCode(200);
        // The owner's sync of that change, as an alert event.
        sendAlert(project, 1, "acknowledged", "2026-11-21T10:05:00Z", Map.of());
        // A marker behind it on the same partition: the events of the project are in order.
        sendAlert(project, 2, "triggered", "2026-11-21T10:06:00Z", Map.of("create_incident", true));
        long marker = await().atMost(WAIT).until(() -> awaitAlert(project, 2).<Number>get("incident_iid"), v -> v != null).longValue();

        List<String> reasons = new java.util.ArrayList<>();
        KafkaRecords.awaitFirst(kafka, "incident-escalations", WAIT, r -> {
            if (!r.key().equals(Long.toString(project))) {
                return false;
            }
            JsonNode data = readUnchecked(r).get("data");
            if (data.get("incident_iid").asLong() == iid) {
                reasons.add(data.get("reason").asText() + ":" + data.get("status").asText());
            }
            return data.get("incident_iid").asLong() == marker;
        });
        assertEquals(List.of("alert_sync:triggered", "api:acknowledged"), reasons);
    }

    @Test
    void badRequestsGetASentence() {
        flagOn();
        long project = newProject();
        long other = newProject();
        long otherPolicy = createPolicy(other, List.of(Map.of("status", "resolved", "elapsed_time_seconds", 60, "user_id", 1)));
        long iid = createIncident(project);
        await().atMost(WAIT).until(() -> incident(project, iid).getMap("").containsKey("escalation_status"));
        String path = "/api/projects/{p}/incidents/{i}/escalation-status";

        given().contentType(ContentType.JSON).body(Map.of("status", "closed")).patch(path, project, iid)
                .then().statusCode(400).body("error", equalTo("'status' must be triggered, acknowledged, resolved or ignored; got \"closed\""));
        given().contentType(ContentType.JSON).body(Map.of("policy_id", otherPolicy)).patch(path, project, iid)
                .then().statusCode(400).body("error", equalTo("escalation policy " + otherPolicy + " does not exist in project " + project));
        given().contentType(ContentType.JSON).body(Map.of("policy_id", "x")).patch(path, project, iid)
                .then().statusCode(400).body("error", equalTo("'policy_id' must be a positive integer, or null to clear the policy; got \"x\""));
        given().contentType(ContentType.JSON).body("{}").patch(path, project, iid).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"status\":").patch(path, project, iid)
                .then().statusCode(400).body("error", org.hamcrest.Matchers.startsWith("the request body is not valid JSON"));
        given().contentType(ContentType.JSON).body(Map.of("status", "resolved")).patch(path, project, 999)
                .then().statusCode(404).body("error", equalTo("incident 999 does not exist in project " + project));
        given().contentType(ContentType.JSON).body(Map.of("title", "")).post("/api/projects/{p}/incidents", project)
                .then().statusCode(400).body("error", equalTo("'title' is required"));
        given().contentType(ContentType.JSON).body(Map.of("name", "Second", "rules", List.of(
                        Map.of("status", "resolved", "elapsed_time_seconds", 60, "user_id", 1))))
                .post("/api/projects/{p}/escalation-policies", other)
                .then().statusCode(409).body("error", org.hamcrest.Matchers.containsString("already has escalation policy"));
        given().contentType(ContentType.JSON).body(Map.of("name", "P", "rules", List.of(
                        Map.of("status", "triggered", "elapsed_time_seconds", 90000, "user_id", 1))))
                .post("/api/projects/{p}/escalation-policies", newProject())
                .then().statusCode(400)
                .body("error", equalTo("'rules[0].elapsed_time_seconds' must be between 0 and 86400; 'rules[0].status' must be acknowledged or resolved"));
    }

    private static boolean serviceSees(long project, String path) {
        return io.quarkus.arc.Arc.container().instance(EscalationFlag.class).get().isOn(project, path);
    }

    private static double metric(String series) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(), series);
    }

    private static String value(ConsumerRecord<String, String> record) {
        return record.value();
    }

    private static JsonNode readUnchecked(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(ConsumerRecord<String, String> record) throws Exception {
        JsonNode node = JSON.readTree(record.value());
        assertNotNull(node);
        assertTrue(node.has("id"));
        return node;
    }
}
