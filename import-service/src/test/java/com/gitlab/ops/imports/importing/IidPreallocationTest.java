package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.imports.ImportServiceTestSupport.FLAG;
import static com.gitlab.ops.imports.ImportServiceTestSupport.WAIT;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitImports;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitService;
import static com.gitlab.ops.imports.ImportServiceTestSupport.counter;
import static com.gitlab.ops.imports.ImportServiceTestSupport.flagOffEverywhere;
import static com.gitlab.ops.imports.ImportServiceTestSupport.newProject;
import static com.gitlab.ops.imports.ImportServiceTestSupport.next;
import static com.gitlab.ops.imports.ImportServiceTestSupport.serviceSeesFlag;
import static com.gitlab.ops.imports.ImportServiceTestSupport.startImport;
import static com.gitlab.ops.testing.KafkaRecords.header;
import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.RecordedSpans;
import com.gitlab.ops.testing.Traceparent;
import com.gitlab.ops.testing.UnleashAdmin;
import com.gitlab.ops.testing.UnleashServer;
import com.gitlab.ops.testing.UnleashServerResource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class IidPreallocationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EntityManager em;

    private final UnleashAdmin unleash = UnleashServer.shared().admin();
    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @AfterEach
    void flagOff() {
        flagOffEverywhere();
    }

    private void flagOnForAll() {
        unleash.enable(FLAG);
        awaitService(() -> serviceSeesFlag(1, "any/project"));
    }

    /** The conflict itself: a user's issue during an import takes a number an imported issue will need. */
    @Test
    void withTheFlagOffAUsersIssueDuringAnImportCollidesWithAnImportedOne() {
        long project = newProject();
        startImport(project, "acme/app", Map.of("issues", 1200));
        List<Map<String, Object>> imports = awaitImports(project, 1);
        assertEquals("skipped", imports.get(0).get("outcome"));
        assertEquals(Map.of(), imports.get(0).get("reserved"));

        long usersIssue = next(project, "issues");
        assertTrue(usersIssue <= 1200, "IID " + usersIssue + " is one the import will bring: the collision");
    }

    /** One trace from the producer's import.started through the reservation's SQL to import.iids_preallocated. */
    @Test
    void anImportStartedWithATraceparentIsOneTraceToItsPreallocatedEvent() {
        flagOnForAll();
        RecordedSpans spans = RecordedSpans.current();
        spans.record();
        try {
            long project = newProject();
            Traceparent producer = Traceparent.random();
            String id = CloudEvents.newId();
            kafka.produceStrings().fromRecords(producer.on("imports", Long.toString(project), CloudEvents.envelope(id, "import.started",
                    Map.of("project_id", project, "project_path", "acme/app", "importer", "github", "user_id", 1,
                            "max_iids", Map.of("issues", 40))))).awaitCompletion();

            SpanData consumer = spans.awaitEvent(WAIT, id);
            assertEquals(producer.traceId(), consumer.getTraceId());
            assertEquals(producer.spanId(), consumer.getParentSpanId());
            assertFalse(spans.statementsUnder(consumer).isEmpty(), "the reservation's SQL under the event's span");

            ConsumerRecord<String, String> out = KafkaRecords.awaitFirst(kafka, "import-events", WAIT, r -> r.key().equals(Long.toString(project)));
            Traceparent sent = Traceparent.parse(header(out, "traceparent"));
            assertEquals(producer.traceId(), sent.traceId(), "import.iids_preallocated carries the import's trace");
            SpanData publish = spans.await(WAIT, "the relay's span of import.iids_preallocated", s -> s.getSpanId().equals(sent.spanId()));
            assertEquals(consumer.getSpanId(), publish.getParentSpanId());
        } finally {
            spans.stop();
        }
    }

    @Test
    void withTheFlagOnUsersNumbersComeAfterEveryImportedOne() throws Exception {
        flagOnForAll();
        long project = newProject();
        String eventId = startImport(project, "acme/app", Map.of("issues", 1200, "merge_requests", 340, "milestones", 12));
        Map<String, Object> imported = awaitImports(project, 1).get(0);
        assertEquals("reserved", imported.get("outcome"));
        assertEquals(Map.of("issues", 1200, "merge_requests", 340, "milestones", 12), imported.get("reserved"));

        assertEquals(1201, next(project, "issues"));
        assertEquals(341, next(project, "merge_requests"));
        // The importer then creates its records with their own IIDs: the counter never goes back.
        given().contentType(ContentType.JSON).body(Map.of("iid", 1150)).post("/api/projects/{p}/iids/issues/track", project)
                .then().body("last_value", equalTo(1201));

        ConsumerRecord<String, String> record = KafkaRecords.awaitFirst(kafka, "import-events", WAIT, r -> r.key().equals(Long.toString(project)));
        JsonNode event = JSON.readTree(record.value());
        assertEquals("import.iids_preallocated", event.get("type").asText());
        assertEquals("github", event.at("/data/importer").asText());
        assertEquals(1200, event.at("/data/counters/issues").asLong());

        // The same event again reserves nothing more and records nothing more.
        kafka.produceStrings().fromRecords(record("imports", Long.toString(project), com.gitlab.ops.testing.CloudEvents.envelope(eventId, "import.started",
                Map.of("project_id", project, "project_path", "acme/app", "importer", "github", "user_id", 1, "max_iids", Map.of("issues", 9000))))).awaitCompletion();
        startImport(project, "acme/app", Map.of("issues", 1000));
        assertEquals(2, awaitImports(project, 2).size());
        assertEquals(1201, counter(project, "issues").getLong("last_value"), "a lower reservation never lowers a counter");
    }

    /** GitLab's pre-allocator keys: project counters on the project, epics, iterations and group milestones on its group. */
    @Test
    void gitlabsKeysRaiseTheProjectsAndTheGroupsCounters() {
        flagOnForAll();
        long project = newProject();
        long group = newProject();
        kafka.produceStrings().fromRecords(record("imports", Long.toString(project), com.gitlab.ops.testing.CloudEvents.envelope(com.gitlab.ops.testing.CloudEvents.newId(),
                "import.started", Map.of("project_id", project, "project_path", "acme/app", "namespace_id", group, "importer", "bulk_import",
                        "user_id", 1, "max_iids", Map.of("issues", 10, "merge_requests", 11, "project_milestones", 12, "group_milestones", 13,
                                "ci_pipelines", 14, "design_management_designs", 15, "epics", 16, "iterations", 17))))).awaitCompletion();
        Map<String, Object> imported = awaitImports(project, 1).get(0);
        assertEquals("reserved", imported.get("outcome"));
        assertEquals(Map.of(), imported.get("rejected"));
        assertEquals(group, ((Number) imported.get("namespace_id")).longValue());

        Map<String, Integer> projectCounters = Map.of("issues", 10, "merge_requests", 11, "milestones", 12, "ci_pipelines", 14,
                "design_management_designs", 15);
        projectCounters.forEach((usage, max) -> assertEquals(max + 1, next(project, usage), usage));
        Map<String, Integer> groupCounters = Map.of("milestones", 13, "epics", 16, "sprints", 17);
        groupCounters.forEach((usage, max) -> given().post("/api/groups/{g}/iids/{u}/next", group, usage).then().statusCode(200)
                .body("iid", equalTo(max + 1)));
    }

    @Test
    void aGroupKeyWithoutTheGroupIsRejectedWithWhy_theRestStillApply() {
        flagOnForAll();
        long project = newProject();
        startImport(project, "acme/app", Map.of("issues", 20, "epics", 5, "group_milestones", 6, "milestones", 7));
        Map<String, Object> imported = awaitImports(project, 1).get(0);
        assertEquals(Map.of("issues", 20, "milestones", 7), imported.get("reserved"), "'milestones' stays an alias of project_milestones");
        @SuppressWarnings("unchecked")
        Map<String, String> rejected = (Map<String, String>) imported.get("rejected");
        assertEquals(Set.of("epics", "group_milestones"), rejected.keySet());
        assertEquals("is counted per group: send namespace_id, the id of the group the project belongs to", rejected.get("epics"));
        assertEquals(8, next(project, "milestones"));
    }

    /** An importer that must wait calls the synchronous endpoint, and its event comes too (twice, even): one record, one event. */
    @Test
    void oneImportIsReservedOnce_whicheverWayItArrives() throws Exception {
        flagOnForAll();
        long project = newProject();
        String importId = "github-import-" + project;
        given().contentType(ContentType.JSON).body(Map.of("max_iids", Map.of("issues", 100), "import_id", importId, "importer", "github",
                        "project_path", "acme/app"))
                .post("/api/projects/{p}/iids/preallocate", project).then().statusCode(200)
                .body("outcome", equalTo("reserved")).body("import_id", equalTo(importId));
        List<String> events = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = com.gitlab.ops.testing.CloudEvents.newId();
            events.add(id);
            kafka.produceStrings().fromRecords(record("imports", Long.toString(project), com.gitlab.ops.testing.CloudEvents.envelope(id, "import.started", Map.of(
                    "project_id", project, "project_path", "acme/app", "importer", "github", "user_id", 1, "import_id", importId,
                    "max_iids", Map.of("issues", 100))))).awaitCompletion();
        }
        for (String id : events) {
            await().atMost(WAIT).untilAsserted(() -> given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", id).then().statusCode(200));
        }
        // Another import of the project afterwards: its event is published after anything the first could have published.
        startImport(project, "acme/app", Map.of("merge_requests", 5));
        assertEquals(2, awaitImports(project, 2).size());

        List<String> published = new java.util.ArrayList<>();
        KafkaRecords.awaitFirst(kafka, "import-events", WAIT, r -> {
            if (!r.key().equals(Long.toString(project))) {
                return false;
            }
            try {
                JsonNode counters = JSON.readTree(r.value()).at("/data/counters");
                published.add(counters.fieldNames().next());
                return counters.has("merge_requests");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(List.of("issues", "merge_requests"), published, "one event for the import, then the other import's");
        assertEquals(1, awaitImports(project, 2).stream().filter(i -> importId.equals(i.get("import_id"))).count());
    }

    @Test
    void invalidEntriesAreLeftOutAndReported_theRestStillApply() {
        flagOnForAll();
        long project = newProject();
        startImport(project, "acme/app", Map.of("issues", 10, "wikis", 5, "merge_requests", "x", "milestones", 0, "epics", 4_000_000_000L));
        Map<String, Object> imported = awaitImports(project, 1).get(0);
        assertEquals(Map.of("issues", 10), imported.get("reserved"));
        @SuppressWarnings("unchecked")
        Map<String, String> rejected = (Map<String, String>) imported.get("rejected");
        assertEquals(Set.of("wikis", "merge_requests", "milestones", "epics"), rejected.keySet());
        assertTrue(rejected.get("wikis").startsWith("unknown usage"));
        assertEquals("must be an integer from 1 to 2147483647, got \"x\"", rejected.get("merge_requests"));
        assertEquals("must be an integer from 1 to 2147483647, got 0", rejected.get("milestones"));
    }

    @Test
    void aPercentageOfProjectsReservesExactlyForThoseProjects() {
        unleash.enableForPercentage(FLAG, 50);
        List<Long> projects = LongStream.range(0, 120).map(i -> newProject()).boxed().toList();
        awaitService(() -> projects.stream().anyMatch(p -> serviceSeesFlag(p, null)));

        projects.forEach(p -> startImport(p, "group/p" + p, Map.of("issues", 100)));
        Set<Long> reserved = new HashSet<>();
        for (long p : projects) {
            if ("reserved".equals(awaitImports(p, 1).get(0).get("outcome"))) {
                reserved.add(p);
            }
        }
        Set<Long> enabled = projects.stream().filter(p -> serviceSeesFlag(p, null)).collect(Collectors.toSet());
        assertEquals(enabled, reserved);
        assertTrue(reserved.size() > 30 && reserved.size() < 90, "about half of 120 projects, got " + reserved.size());
        reserved.forEach(p -> assertEquals(100, counter(p, "issues").getLong("last_value")));
        projects.stream().filter(p -> !reserved.contains(p)).forEach(p -> assertEquals(0, counter(p, "issues").getLong("last_value")));
    }

    @Test
    void namedProjectsOnly() {
        unleash.enableForProjects(FLAG, "gitlab-org/gitlab");
        awaitService(() -> serviceSeesFlag(1, "gitlab-org/gitlab"));
        long gitlab = newProject();
        long foss = newProject();
        startImport(gitlab, "gitlab-org/gitlab", Map.of("issues", 500));
        startImport(foss, "gitlab-org/gitlab-foss", Map.of("issues", 500));
        assertEquals("reserved", awaitImports(gitlab, 1).get(0).get("outcome"));
        assertEquals("skipped", awaitImports(foss, 1).get(0).get("outcome"));
        assertEquals(501, next(gitlab, "issues"));
        assertEquals(1, next(foss, "issues"));
    }

    @Test
    void theSynchronousEndpointReservesBeforeItAnswers() {
        flagOnForAll();
        long project = newProject();
        given().contentType(ContentType.JSON).body(Map.of("max_iids", Map.of("issues", 77), "importer", "gitea", "project_path", "a/b"))
                .post("/api/projects/{p}/iids/preallocate", project)
                .then().statusCode(200).body("outcome", equalTo("reserved")).body("reserved.issues", equalTo(77))
                .body("importer", equalTo("gitea"));
        assertEquals(78, next(project, "issues"));
        given().contentType(ContentType.JSON).body(Map.of("max_iid", Map.of())).post("/api/projects/{p}/iids/preallocate", project)
                .then().statusCode(400).body("error", containsString("send {\"max_iids\""));
        given().get("/api/imports").then().statusCode(400).body("error", startsWith("give a project or a group: /api/imports?project_id=<positive integer>"));
    }

    /** A reservation that keeps failing is retried, then dead-lettered, counted and shown as failed. */
    @Test
    void aFailingReservationIsNeverSilent() {
        flagOnForAll();
        long project = newProject();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                CREATE OR REPLACE FUNCTION fail_project_%d() RETURNS trigger AS $$
                BEGIN IF NEW.scope_id = %d THEN RAISE EXCEPTION 'simulated outage of the counters'; END IF; RETURN NEW; END $$
                LANGUAGE plpgsql;
                CREATE TRIGGER fail_project_%d BEFORE INSERT OR UPDATE ON internal_id FOR EACH ROW EXECUTE FUNCTION fail_project_%d();
                """.formatted(project, project, project, project)).executeUpdate());

        startImport(project, "acme/app", Map.of("issues", 10));

        ConsumerRecord<String, String> dead = KafkaRecords.awaitFirst(kafka, "imports.dlq", WAIT, r -> r.key().equals(Long.toString(project)));
        String reason = header(dead, "dead-letter-reason");
        assertTrue(reason.startsWith("processing failed 3 times; last error: ") && reason.contains("simulated outage of the counters"), reason);
        Map<String, Object> imported = awaitImports(project, 1).get(0);
        assertEquals("failed", imported.get("outcome"));
        assertEquals(reason, imported.get("error"));
        given().get("/q/metrics").then().body(containsString("import_iid_preallocation_failures_total{importer=\"github\"}"));
    }
}
