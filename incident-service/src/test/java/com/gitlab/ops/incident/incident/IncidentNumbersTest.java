package com.gitlab.ops.incident.incident;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.WAIT;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.awaitAlert;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.createIncident;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.flagOff;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.flagOn;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.newProject;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.sendAlert;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.testing.ImportServiceProcess;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Incident numbers come from the project's issues counter in the real import-service, as GitLab's
 * incidents are issues: an incident created during an import never takes an imported issue's number.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class IncidentNumbersTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    private static final String PREALLOCATE = "importer_preallocate_iids";

    @Inject
    EntityManager em;

    @AfterEach
    void importServiceRunsAgain() {
        ImportServiceProcess.shared().startIfStopped();
        flagOff();
        UnleashServer.shared().admin().createFlag(PREALLOCATE);
        UnleashServer.shared().admin().disable(PREALLOCATE);
    }

    /**
     * import-service runs here as a production keeping its /api behind credentials
     * ({@code API_AUTH=authenticated}): 401 without them, while its probes stay open; incident-service
     * sends them ({@code IMPORT_SERVICE_USER}, {@code IMPORT_SERVICE_PASSWORD}), so incidents get numbers.
     */
    @Test
    void importServicesApiWantsCredentials_andIncidentServiceSendsThem() {
        long project = newProject();
        String api = ImportServiceProcess.shared().url() + "/api/projects/" + project + "/iids/issues";
        given().get(api).then().statusCode(401);
        given().auth().preemptive().basic(ImportServiceProcess.ADMIN_USER, "wrong").get(api).then().statusCode(401);
        given().post(api + "/next").then().statusCode(401);
        given().get(ImportServiceProcess.shared().url() + "/q/health/ready").then().statusCode(200);
        given().get(ImportServiceProcess.shared().url() + "/q/metrics").then().statusCode(200);
        importService().get("/api/projects/{p}/iids/issues", project).then().statusCode(200).body("last_value", equalTo(0));

        flagOn();
        long iid = createIncident(project);
        assertEquals(1, iid);
        importService().get("/api/projects/{p}/iids/issues", project).then().statusCode(200).body("last_value", equalTo(1));
    }

    @Test
    void anIncidentCreatedDuringAnImportComesAfterEveryImportedIssue() {
        long project = newProject();
        String path = "acme/imported-" + project;
        UnleashServer.shared().admin().createFlag(PREALLOCATE);
        UnleashServer.shared().admin().enableForProjects(PREALLOCATE, path);
        // The importer reserves the source's highest issue number through import-service (once it sees the flag).
        await().atMost(WAIT).until(() -> "reserved".equals(importService().contentType(ContentType.JSON)
                .body(Map.of("max_iids", Map.of("issues", 500), "project_path", path, "importer", "github"))
                .post("/api/projects/{p}/iids/preallocate", project).then().statusCode(200).extract().path("outcome")));

        sendAlert(project, 1, "triggered", OffsetDateTime.now(ZoneOffset.UTC).toString(), Map.of("create_incident", true, "project_path", path));
        assertEquals(501, await().atMost(WAIT).until(() -> awaitAlert(project, 1).<Number>get("incident_iid"), v -> v != null).longValue());
        assertEquals(502, createIncident(project));
        importService().get("/api/projects/{p}/iids/issues", project).then().statusCode(200).body("last_value", equalTo(502));
    }

    @Test
    void incidentsNumberedHereBeforeRaiseTheCounterFirst() {
        long project = newProject();
        // An incident numbered by the service's own counter, before import-service numbered them.
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                        INSERT INTO incident (project_id, iid, title, severity, created_at) VALUES (:p, 40, 'Old', 'unknown', now())""")
                .setParameter("p", project).executeUpdate());
        assertEquals(41, createIncident(project));
        importService().get("/api/projects/{p}/iids/issues", project).then().statusCode(200).body("last_value", equalTo(41));
    }

    /**
     * While import-service is down no number can be had: a create answers 503 with Retry-After, and an
     * alert that creates an incident waits for it (not dead-lettered, the service still ready), then
     * applies once it is back.
     */
    @Test
    void whileImportServiceIsDownCreatesAnswer503_andAnAlertWaitsForItsReturn() throws Exception {
        long project = newProject();
        ImportServiceProcess.shared().stop();

        given().contentType(ContentType.JSON).body(Map.of("title", "Checkout is down")).post("/api/projects/{p}/incidents", project)
                .then().statusCode(503).header("Retry-After", "5")
                .body("error", startsWith("import-service, which numbers incidents (the project's issues counter), cannot give one now"));

        long deadLetters = KafkaRecords.size(kafka, "alerts.dlq");
        String waiting = sendAlert(project, 1, "triggered", OffsetDateTime.now(ZoneOffset.UTC).toString(), Map.of("create_incident", true));
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Event consumers' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Event consumers' }.data.alerts", startsWith("waiting out an outage since")));
        given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", waiting).then().statusCode(404);

        ImportServiceProcess.shared().startIfStopped();
        assertEquals(1, await().atMost(WAIT).until(() -> awaitAlert(project, 1).<Number>get("incident_iid"), v -> v != null).longValue());
        assertEquals(deadLetters, KafkaRecords.size(kafka, "alerts.dlq"), "nothing dead-lettered for the outage");
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Event consumers' }.data", org.hamcrest.Matchers.nullValue()));
    }

    private static io.restassured.specification.RequestSpecification importService() {
        return given().baseUri("http://127.0.0.1").port(ImportServiceProcess.shared().port()).auth().preemptive()
                .basic(ImportServiceProcess.ADMIN_USER, ImportServiceProcess.ADMIN_PASSWORD);
    }
}
