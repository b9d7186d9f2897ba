package com.gitlab.ops.incident.alert;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.WAIT;
import static com.gitlab.ops.testing.KafkaRecords.header;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.incident.IncidentServiceTestSupport;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.PrometheusText;
import com.gitlab.ops.testing.StuckReport;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A storm of alert.updated sent at once, so that polls bring many events together: the set-based
 * path applies them as one at a time would, leaves alerts with incidents to the one-at-a-time path,
 * and one bad event among them is dead-lettered alone.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq,incident-escalations"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class AlertStormTest {

    private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
    private static final int ALERTS = 50;

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Inject
    EntityManager em;

    @Inject
    DataSource dataSource;

    private final List<ProducerRecord<String, String>> storm = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();

    private String add(long project, long alert, String status, int second, Map<String, Object> extra) {
        Map<String, Object> data = new HashMap<>(Map.of("project_id", project, "alert_iid", alert, "title", status + " " + second,
                "status", status, "updated_at", T.plusSeconds(second).toString()));
        data.putAll(extra);
        String id = CloudEvents.newId();
        storm.add(new ProducerRecord<>("alerts", Long.toString(project), CloudEvents.envelope(id, "alert.updated", data)));
        ids.add(id);
        return id;
    }

    /**
     * Sends the storm in one go and waits until the consumer is through with it: each of its events
     * applied (in the inbox), but those expected on the dead-letter topic. Counted by id, not by the
     * topic's metrics, so that a test's storm still in flight is never counted as the next one's.
     */
    private void send(String... deadLettered) {
        List<String> applying = ids.stream().filter(id -> !List.of(deadLettered).contains(id)).toList();
        kafka.produceStrings().fromRecords(storm).awaitCompletion();
        try {
            await().atMost(WAIT).until(() -> applied(applying) == applying.size());
        } catch (ConditionTimeoutException e) {
            // The report first: if the database is what is stuck, counting again may fail too.
            String stuck = StuckReport.of(dataSource);
            throw new AssertionError("the storm's " + applying.size() + " events were not all applied in " + WAIT.toSeconds() + " s; " + stuck, e);
        }
    }

    private long applied(List<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM inbox_event WHERE topic = 'alerts' AND event_id = ANY(:ids)")
                .setParameter("ids", ids.toArray(String[]::new)).getSingleResult()).longValue());
    }

    @Test
    void aStormIsAppliedTogetherAsOneUpdateAtATimeWouldApplyIt() {
        long project = IncidentServiceTestSupport.newProject();
        double together = setBased();
        for (int alert = 1; alert <= ALERTS; alert++) {
            // Out of order: the newest comes second, an older one after it changes nothing, an equally old one neither.
            add(project, alert, "triggered", 1, Map.of("created_at", T.minusSeconds(60).toString()));
            add(project, alert, "acknowledged", 3, Map.of());
            add(project, alert, "triggered", 2, Map.of("created_at", T.minusSeconds(3600).toString()));
            add(project, alert, "resolved", 3, Map.of());
        }
        send();

        for (int alert = 1; alert <= ALERTS; alert++) {
            JsonPath view = given().get("/api/projects/{p}/alerts/{a}", project, alert).then().statusCode(200).extract().jsonPath();
            assertEquals("acknowledged", view.getString("status"), "alert " + alert);
            assertEquals("acknowledged 3", view.getString("title"), "alert " + alert);
            assertEquals(T.plusSeconds(3), OffsetDateTime.parse(view.getString("updated_at")).toInstant(), "alert " + alert);
            assertEquals(T.minusSeconds(60), OffsetDateTime.parse(view.getString("created_at")).toInstant(),
                    "alert " + alert + ": created when the first update said, not the stale one's earlier time");
        }
        assertTrue(setBased() - together > ALERTS, "most of the storm was applied set-based: " + (setBased() - together));
    }

    @Test
    void anUnknownPolicyInAStormIsDeadLetteredAloneAndTheRestApplies() {
        long project = IncidentServiceTestSupport.newProject();
        for (int alert = 1; alert <= ALERTS; alert++) {
            add(project, alert, "triggered", 1, Map.of());
        }
        String bad = add(project, ALERTS + 1, "triggered", 1, Map.of("escalation_policy_id", 987654321));
        for (int alert = 1; alert <= ALERTS; alert++) {
            add(project, alert, "resolved", 2, Map.of());
        }
        send(bad);

        ConsumerRecord<String, String> dead = KafkaRecords.awaitFirst(kafka, "alerts.dlq", WAIT, r -> r.value() != null && r.value().contains(bad));
        assertEquals("escalation_policy_id 987654321 is not an escalation policy of project " + project
                + "; create it first (POST /api/projects/" + project + "/escalation-policies)", header(dead, "dead-letter-reason"));
        for (int alert = 1; alert <= ALERTS; alert++) {
            given().get("/api/projects/{p}/alerts/{a}", project, alert).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("resolved"));
        }
        given().get("/api/projects/{p}/alerts/{a}", project, ALERTS + 1).then().statusCode(404);
    }

    @Test
    void anAlertWithAnIncidentInAStormIsAppliedOneUpdateAtATime() {
        IncidentServiceTestSupport.flagOn();
        long project = IncidentServiceTestSupport.newProject();
        long incident = IncidentServiceTestSupport.createIncident(project);
        for (int alert = 1; alert <= ALERTS; alert++) {
            add(project, alert, "triggered", 1, Map.of());
        }
        add(project, 1001, "triggered", 1, Map.of("create_incident", true));
        add(project, 1002, "triggered", 1, Map.of("incident_iid", incident));
        for (int alert = 1; alert <= ALERTS; alert++) {
            add(project, alert, "acknowledged", 2, Map.of());
        }
        add(project, 1001, "acknowledged", 2, Map.of());
        add(project, 1002, "resolved", 2, Map.of());
        send();

        long created = given().get("/api/projects/{p}/alerts/1001", project).then().statusCode(200).extract().jsonPath().getLong("incident_iid");
        assertEquals("acknowledged", IncidentServiceTestSupport.incident(project, created).getString("escalation_status.status"));
        assertEquals(incident, given().get("/api/projects/{p}/alerts/1002", project).then().extract().jsonPath().getLong("incident_iid"));
        assertEquals("resolved", IncidentServiceTestSupport.incident(project, incident).getString("escalation_status.status"));
        for (int alert = 1; alert <= ALERTS; alert++) {
            given().get("/api/projects/{p}/alerts/{a}", project, alert).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("acknowledged")).body("incident_iid", org.hamcrest.Matchers.nullValue());
        }
    }

    @Test
    void aStormOfAlertsCreatingIncidentsCreatesEachWithItsRecordItsEscalationsAndItsEvent() {
        IncidentServiceTestSupport.flagOn();
        long project = IncidentServiceTestSupport.newProject();
        long policy = IncidentServiceTestSupport.createPolicy(project, List.of(
                Map.of("status", "acknowledged", "elapsed_time_seconds", 60, "user_id", 1),
                Map.of("status", "resolved", "elapsed_time_seconds", 600, "user_id", 2)));
        double together = setBased();
        // Created now: escalations counting from then fall due in a minute, after the test has looked at them.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (int alert = 1; alert <= ALERTS; alert++) {
            Map<String, Object> extra = new HashMap<>(Map.of("create_incident", true, "created_at", now.minusMillis(alert).toString()));
            if (alert % 2 == 0) {
                extra.put("escalation_policy_id", policy);
            }
            add(project, alert, alert % 3 == 0 ? "resolved" : "triggered", 1, extra);
        }
        send();

        java.util.Set<Long> numbers = new java.util.HashSet<>();
        for (int alert = 1; alert <= ALERTS; alert++) {
            long iid = given().get("/api/projects/{p}/alerts/{a}", project, alert).then().statusCode(200).extract().jsonPath().getLong("incident_iid");
            assertTrue(numbers.add(iid), "alert " + alert + " has an incident of its own");
            JsonPath incident = IncidentServiceTestSupport.incident(project, iid);
            String status = alert % 3 == 0 ? "resolved" : "triggered";
            assertEquals(status, incident.getString("escalation_status.status"), "alert " + alert);
            assertEquals(List.of(alert), incident.getList("alert_iids", Integer.class));
            if (alert % 2 == 0) {
                assertEquals(policy, incident.getLong("escalation_status.policy_id"));
                // Escalations start where the alert was created, as GitLab's build service does.
                assertEquals(now.minusMillis(alert), OffsetDateTime.parse(incident.getString("escalation_status.escalations_started_at")).toInstant());
                assertEquals(status.equals("triggered") ? 2 : 0, IncidentServiceTestSupport.pendingEscalations(project, iid, "true"), "alert " + alert);
            } else {
                assertEquals(0, IncidentServiceTestSupport.pendingEscalations(project, iid, "true"), "alert " + alert);
            }
        }
        assertTrue(setBased() - together >= ALERTS / 2.0, "the storm was applied set-based: " + (setBased() - together)
                + " (the service's log says why a poll fell back to one event at a time)");
        // One event per incident, each for its alert, each in the trace of the alert's own event.
        try (var out = kafka.consumeStrings().fromTopics("incident-escalations")) {
            await().atMost(WAIT).until(() -> out.getRecords().stream().filter(r -> r.key().equals(Long.toString(project))).count() >= ALERTS);
            List<ConsumerRecord<String, String>> mine = out.getRecords().stream().filter(r -> r.key().equals(Long.toString(project))).toList();
            assertEquals(ALERTS, mine.size());
            java.util.Set<Integer> alerts = new java.util.HashSet<>();
            java.util.Set<String> traces = new java.util.HashSet<>();
            for (ConsumerRecord<String, String> record : mine) {
                JsonPath data = new JsonPath(record.value()).setRootPath("data");
                assertEquals("alert_sync", data.getString("reason"));
                List<Integer> alertIids = data.getList("alert_iids", Integer.class);
                assertEquals(1, alertIids.size());
                alerts.add(alertIids.get(0));
                assertEquals(given().get("/api/projects/{p}/alerts/{a}", project, alertIids.get(0)).then().extract().jsonPath().getLong("incident_iid"),
                        data.getLong("incident_iid"));
                traces.add(header(record, "traceparent").split("-")[1]);
            }
            assertEquals(ALERTS, alerts.size());
            assertEquals(ALERTS, traces.size(), "each event continues its own alert's trace, not the first of the storm's");
        }
    }

    private static double setBased() {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "events_applied_set_based_total{topic=\"alerts\"}");
    }
}
