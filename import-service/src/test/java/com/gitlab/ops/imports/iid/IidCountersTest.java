package com.gitlab.ops.imports.iid;

import static com.gitlab.ops.imports.ImportServiceTestSupport.WAIT;
import static com.gitlab.ops.imports.ImportServiceTestSupport.counter;
import static com.gitlab.ops.imports.ImportServiceTestSupport.newProject;
import static com.gitlab.ops.imports.ImportServiceTestSupport.next;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.RecordedSpans;
import com.gitlab.ops.testing.Traceparent;
import com.gitlab.ops.testing.UnleashServerResource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class IidCountersTest {

    @Inject
    EntityManager em;

    @Test
    void aNewCounterStartsAtOneAndTrackNeverLowersIt() {
        long project = newProject();
        assertEquals(0, counter(project, "issues").getLong("last_value"));
        assertEquals(1, next(project, "issues"));
        assertEquals(2, next(project, "issues"));
        assertEquals(1, next(project, "merge_requests"), "each usage has its own counter");

        given().contentType(ContentType.JSON).body(Map.of("iid", 40)).post("/api/projects/{p}/iids/issues/track", project)
                .then().statusCode(200).body("last_value", equalTo(40));
        given().contentType(ContentType.JSON).body(Map.of("iid", 7)).post("/api/projects/{p}/iids/issues/track", project)
                .then().statusCode(200).body("last_value", equalTo(40));
        assertEquals(41, next(project, "issues"));
        given().contentType(ContentType.JSON).body(Map.of("iid", 5)).post("/api/projects/{p}/iids/milestones/track", project)
                .then().statusCode(200).body("last_value", equalTo(5));
        assertEquals(6, next(project, "milestones"), "tracking first starts the counter there");
    }

    /** Epics, iterations and group milestones are numbered per group, apart from any project's counters. */
    @Test
    void groupCountersHaveTheSameGuaranteesAndAreTheirOwn() throws Exception {
        long group = newProject();
        String path = "/api/groups/{g}/iids/{u}";
        given().get(path, group, "epics").then().statusCode(200).body("last_value", equalTo(0));
        given().post(path + "/next", group, "epics").then().statusCode(200).body("iid", equalTo(1));
        given().post(path + "/next", group, "epics").then().statusCode(200).body("iid", equalTo(2));
        given().contentType(ContentType.JSON).body(Map.of("iid", 30)).post(path + "/track", group, "milestones")
                .then().statusCode(200).body("last_value", equalTo(30));
        given().contentType(ContentType.JSON).body(Map.of("iid", 3)).post(path + "/track", group, "milestones")
                .then().statusCode(200).body("last_value", equalTo(30));
        given().post(path + "/next", group, "sprints").then().statusCode(200).body("iid", equalTo(1));
        // The same id as a project: its milestones are another counter.
        assertEquals(1, next(group, "milestones"), "a project's milestones are not its group's");
        given().get(path, group, "milestones").then().statusCode(200).body("last_value", equalTo(30));

        // Many clients at once on a group's counter: each number once, none lost.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Long>> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            clients.add(() -> given().post(path + "/next", group, "epics").then().statusCode(200).extract().jsonPath().getLong("iid"));
        }
        Set<Long> numbers = new HashSet<>();
        for (Future<Long> f : pool.invokeAll(clients)) {
            numbers.add(f.get());
        }
        pool.shutdown();
        assertEquals(200, numbers.size(), "duplicates handed out");
        assertEquals(Set.of(3L, 202L), Set.of(java.util.Collections.min(numbers), java.util.Collections.max(numbers)));
    }

    @Test
    void badUsagesAndValuesGetASentence() {
        long project = newProject();
        given().post("/api/projects/{p}/iids/wikis/next", project).then().statusCode(400)
                .body("error", equalTo("unknown usage 'wikis'; the usages of a project are alert_management_alerts, ci_pipelines, "
                        + "deployments, design_management_designs, incident_management_oncall_schedules, issues, merge_requests, milestones, "
                        + "ml_candidates, ml_experiments, operations_feature_flags, operations_user_lists, requirements, sprints"));
        given().post("/api/projects/{p}/iids/epics/next", project).then().statusCode(400)
                .body("error", equalTo("'epics' is counted per group, not per project; use /api/groups/{id}/iids/epics"));
        given().post("/api/groups/{g}/iids/issues/next", project).then().statusCode(400)
                .body("error", equalTo("'issues' is counted per project, not per group; use /api/projects/{id}/iids/issues"));
        given().get("/api/groups/0/iids/epics").then().statusCode(400).body("error", equalTo("group id must be a positive integer"));
        for (Object bad : List.of(0, -3, 2147483648L, "12", 1.5)) {
            given().contentType(ContentType.JSON).body(Map.of("iid", bad)).post("/api/projects/{p}/iids/issues/track", project)
                    .then().statusCode(400).body("error", equalTo("send {\"iid\": n} with n an integer from 1 to 2147483647"));
        }
        given().post("/api/projects/0/iids/issues/next").then().statusCode(400).body("error", equalTo("project id must be a positive integer"));
        given().post("/api/projects/gitlab-org/iids/issues/next").then().statusCode(400).body("error", equalTo("project id must be a positive integer"));
        given().post("/api/groups/99999999999999999999/iids/epics/next").then().statusCode(400).body("error", equalTo("group id must be a positive integer"));
        given().contentType(ContentType.JSON).body(" ".repeat(5000) + "{\"count\": 2}").post("/api/projects/{p}/iids/issues/next", project)
                .then().statusCode(413).body("error", equalTo("the body is larger than 4 KB; send {\"count\": n}, or no body for one number"));
        given().multiPart("count", "5").post("/api/projects/{p}/iids/issues/next", project)
                .then().statusCode(400).body("error", startsWith("the body is not JSON (multipart/form-data"));
        given().get("/api/projects/{p}/iids/issues/next", project).then().statusCode(405).header("Allow", "POST")
                .body("error", equalTo("the next IID is taken with POST (it hands out a number); GET .../iids/issues reads the last one without taking it"));
        given().put("/api/groups/{g}/iids/epics/next", project).then().statusCode(405).header("Allow", "POST");
    }

    /** next is a Vert.x route, not a JAX-RS method: /q/openapi still lists it, for projects and groups. */
    @Test
    void theApiDocumentListsNext() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/projects/{projectId}/iids/{usage}/next'.post.responses.'200'", notNullValue())
                .body("paths.'/api/groups/{groupId}/iids/{usage}/next'.post.responses.'503'", notNullValue());
    }

    /**
     * Clients on several counters at once, some asking for ranges: requests for different counters
     * share round trips, and each counter hands out 1..n exactly once, with no gap.
     */
    @Test
    void rangesAndSingleNumbersAcrossCountersAreEachHandedOutOnce() throws Exception {
        List<Long> projects = List.of(newProject(), newProject(), newProject(), newProject());
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Callable<Map<Long, List<Long>>>> clients = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            int client = t;
            clients.add(() -> {
                Map<Long, List<Long>> got = new java.util.HashMap<>();
                for (int i = 0; i < 30; i++) {
                    long project = projects.get((client + i) % projects.size());
                    List<Long> numbers = got.computeIfAbsent(project, p -> new ArrayList<>());
                    if (i % 3 == 0) {
                        int count = 1 + (client + i) % 7;
                        var answer = given().contentType(ContentType.JSON).body(Map.of("count", count))
                                .post("/api/projects/{p}/iids/issues/next", project).then().statusCode(200).extract().jsonPath();
                        long first = answer.getLong("first");
                        assertEquals(first + count - 1, answer.getLong("iid"), "a range's last is its first plus count minus one");
                        for (long n = first; n <= answer.getLong("iid"); n++) {
                            numbers.add(n);
                        }
                    } else {
                        numbers.add(next(project, "issues"));
                    }
                }
                return got;
            });
        }
        Map<Long, List<Long>> all = new java.util.HashMap<>();
        for (Future<Map<Long, List<Long>>> f : pool.invokeAll(clients)) {
            f.get().forEach((project, numbers) -> all.computeIfAbsent(project, p -> new ArrayList<>()).addAll(numbers));
        }
        pool.shutdown();
        for (long project : projects) {
            List<Long> numbers = all.get(project);
            assertEquals(numbers.size(), new HashSet<>(numbers).size(), "duplicates handed out for project " + project);
            assertEquals(numbers.size(), numbers.stream().mapToLong(Long::longValue).max().orElseThrow(), "a gap for project " + project);
            assertEquals(numbers.size(), counter(project, "issues").getLong("last_value"));
        }
    }

    @Test
    void aBadCountGetsASentence() {
        long project = newProject();
        for (Object bad : List.of(0, 1001, "3", 2.5)) {
            given().contentType(ContentType.JSON).body(Map.of("count", bad)).post("/api/projects/{p}/iids/issues/next", project)
                    .then().statusCode(400).body("error", equalTo("send {\"count\": n} with n an integer from 1 to 1000, or no body for one number"));
        }
        given().contentType(ContentType.JSON).body(Map.of("n", 2)).post("/api/projects/{p}/iids/issues/next", project)
                .then().statusCode(400).body("error", equalTo("unknown field 'n'; the only field is count"));
        given().contentType(ContentType.JSON).body("[1]").post("/api/projects/{p}/iids/issues/next", project)
                .then().statusCode(400).body("error", equalTo("the body must be a JSON object: {\"count\": n}, or no body for one number"));
        assertEquals(1, next(project, "issues"), "nothing was taken by the refused requests");
    }

    /**
     * A round trip the database refuses answers 503 with a sentence and Retry-After, allocates
     * nothing, and the counter's next round trip works again (the round trips go on, no request is
     * left waiting).
     */
    @Test
    void aFailingRoundTripIsA503AndTheNextOneWorks() {
        long project = newProject();
        assertEquals(1, next(project, "issues"));
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                CREATE OR REPLACE FUNCTION fail_next_%d() RETURNS trigger AS $$
                BEGIN IF NEW.scope_id = %d THEN RAISE EXCEPTION 'simulated outage of the counters'; END IF; RETURN NEW; END $$
                LANGUAGE plpgsql;
                CREATE TRIGGER fail_next_%d BEFORE INSERT OR UPDATE ON internal_id FOR EACH ROW EXECUTE FUNCTION fail_next_%d();
                """.formatted(project, project, project, project)).executeUpdate());
        try {
            for (int i = 0; i < 3; i++) {
                given().post("/api/projects/{p}/iids/issues/next", project).then().statusCode(503).header("Retry-After", "5")
                        .body("error", allOf(startsWith("the IID counters are unavailable right now (database: "),
                                containsString("simulated outage of the counters"), endsWith("nothing was allocated, retry")));
            }
        } finally {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("DROP TRIGGER fail_next_%d ON internal_id".formatted(project))
                    .executeUpdate());
        }
        assertEquals(2, next(project, "issues"), "the refused round trips took no number");
    }

    /** Many clients at once on one counter, allocating and tracking: zero duplicates, nothing lost. */
    @Test
    void concurrentNextAndTrackNeverHandOutTheSameNumberTwice() throws Exception {
        long project = newProject();
        int threads = 16;
        int callsPerThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Callable<List<Long>>> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int client = t;
            clients.add(() -> {
                List<Long> got = new ArrayList<>();
                for (int i = 0; i < callsPerThread; i++) {
                    if (client % 4 == 0 && i % 10 == 0) {
                        // An importer tracking IIDs well ahead of the users.
                        given().contentType(ContentType.JSON).body(Map.of("iid", 5_000 + client * 100 + i))
                                .post("/api/projects/{p}/iids/issues/track", project).then().statusCode(200);
                    } else {
                        got.add(next(project, "issues"));
                    }
                }
                return got;
            });
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : pool.invokeAll(clients)) {
            all.addAll(f.get());
        }
        pool.shutdown();

        Set<Long> distinct = new HashSet<>(all);
        assertEquals(all.size(), distinct.size(), "duplicates handed out");
        long highest = all.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertEquals(Math.max(highest, 5_000 + 12 * 100 + 90), counter(project, "issues").getLong("last_value"),
                "the counter is the highest number handed out or tracked");
    }

    /** A next taken under a caller's trace: the request's span continues it, and its round trip is a statement span under it. */
    @Test
    void aNextUnderATraceShowsItsRoundTripInThatTrace() {
        RecordedSpans spans = RecordedSpans.current();
        spans.record();
        try {
            long project = newProject();
            Traceparent caller = Traceparent.random();
            given().header("traceparent", caller.header()).contentType(ContentType.JSON).body(Map.of("count", 3))
                    .post("/api/projects/{p}/iids/issues/next", project).then().statusCode(200).body("iid", equalTo(3));

            SpanData request = spans.await(WAIT, "the request's span", s -> s.getKind() == SpanKind.SERVER
                    && caller.spanId().equals(s.getParentSpanId()));
            assertEquals(caller.traceId(), request.getTraceId());
            SpanData roundTrip = spans.await(WAIT, "its round trip's span", s -> s.getKind() == SpanKind.CLIENT
                    && request.getSpanId().equals(s.getParentSpanId()));
            assertEquals("INSERT internal_id", roundTrip.getName());
            assertEquals("postgresql", roundTrip.getAttributes().get(RecordedSpans.DB_SYSTEM));
            assertEquals("issues", roundTrip.getAttributes().get(AttributeKey.stringKey("iid.usage")));
            assertEquals(3L, roundTrip.getAttributes().get(AttributeKey.longKey("iid.count")));
            assertEquals(1L, roundTrip.getAttributes().get(AttributeKey.longKey("iid.round_trip.requests")));
            assertEquals(List.of("round trip sent"), roundTrip.getEvents().stream().map(EventData::getName).toList());
            assertTrue(roundTrip.getEndEpochNanos() <= request.getEndEpochNanos(), "the round trip's span ends within the request's");
        } finally {
            spans.stop();
        }
    }
}
