package com.gitlab.ops.incident;

import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.awaitility.Awaitility.await;

import com.gitlab.ops.incident.escalation.EscalationFlag;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBroker;
import com.gitlab.ops.testing.UnleashServer;
import io.quarkus.arc.Arc;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What the incident-service tests do as the outside world: send alerts, call the API, flip the flag. */
public final class IncidentServiceTestSupport {

    public static final String FLAG = "incident_escalations";
    public static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicLong PROJECTS = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 100);

    private IncidentServiceTestSupport() {
    }

    /** A project id no other test uses, so tests never see each other's state. */
    public static long newProject() {
        return PROJECTS.incrementAndGet();
    }

    /** On for every project, once the service itself sees it so. */
    public static void flagOn() {
        UnleashServer.shared().admin().enable(FLAG);
        await().atMost(WAIT).until(() -> serviceSeesFlag(true));
    }

    public static void flagOff() {
        UnleashServer.shared().admin().disable(FLAG);
        await().atMost(WAIT).until(() -> serviceSeesFlag(false));
    }

    private static boolean serviceSeesFlag(boolean on) {
        return Arc.container().instance(EscalationFlag.class).get().isOn(1, null) == on;
    }

    /** Sends alert.updated for the alert; extra fields override or add to the required ones. */
    public static String sendAlert(long projectId, long alertIid, String status, String updatedAt, Map<String, Object> extra) {
        Map<String, Object> data = new HashMap<>(Map.of("project_id", projectId, "alert_iid", alertIid, "title", "Alert " + alertIid,
                "status", status, "updated_at", updatedAt));
        data.putAll(extra);
        String id = CloudEvents.newId();
        KafkaBroker.shared().companion().produceStrings().fromRecords(record("alerts", Long.toString(projectId), CloudEvents.envelope(id, "alert.updated", data))).awaitCompletion();
        return id;
    }

    public static JsonPath awaitAlert(long projectId, long alertIid) {
        return await().atMost(WAIT).until(() -> given().get("/api/projects/{p}/alerts/{a}", projectId, alertIid),
                r -> r.statusCode() == 200).jsonPath();
    }

    public static long createPolicy(long projectId, List<Map<String, Object>> rules) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "On-call", "rules", rules))
                .post("/api/projects/{p}/escalation-policies", projectId)
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static JsonPath incident(long projectId, long iid) {
        return given().get("/api/projects/{p}/incidents/{i}", projectId, iid).then().statusCode(200).extract().jsonPath();
    }

    public static long createIncident(long projectId) {
        return given().contentType(ContentType.JSON).body(Map.of("title", "Checkout is down"))
                .post("/api/projects/{p}/incidents", projectId)
                .then().statusCode(201).extract().jsonPath().getLong("iid");
    }

    /** The incident's pending escalations that match a SQL condition on {@code p} (the pending_escalation row), "true" for all. */
    public static long pendingEscalations(long projectId, long iid, String condition) {
        jakarta.persistence.EntityManager em = Arc.container().instance(jakarta.persistence.EntityManager.class).get();
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("""
                        SELECT count(*) FROM pending_escalation p JOIN incident i ON i.id = p.incident_id
                        WHERE i.project_id = :p AND i.iid = :i AND %s""".formatted(condition))
                .setParameter("p", projectId).setParameter("i", iid).getSingleResult()).longValue());
    }
}
