package com.gitlab.ops.imports;

import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.awaitility.Awaitility.await;

import com.gitlab.ops.imports.importing.IidPreallocation;
import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.platform.flags.ProjectActor;
import com.gitlab.ops.platform.flags.UnleashFetchMonitor;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBroker;
import io.quarkus.arc.Arc;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** What the import-service tests do as the outside world: start imports, call the counters, watch the flag. */
public final class ImportServiceTestSupport {

    public static final String FLAG = IidPreallocation.FLAG;
    public static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicLong PROJECTS = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);

    private ImportServiceTestSupport() {
    }

    public static long newProject() {
        return PROJECTS.incrementAndGet();
    }

    public static boolean serviceSeesFlag(long projectId, String path) {
        return Arc.container().instance(FeatureFlagService.class).get().isEnabled(FLAG, new ProjectActor(projectId, path));
    }

    /**
     * Turns the flag off and waits until the service has taken that in: its client has fetched the flag
     * off and then fetched once more (the SDK tells its subscribers of a fetch before it evaluates with
     * it), and no project of 300, named or not, reads as on. Evaluations alone are not enough: a flag on
     * only for a path not tried here (CloudEventsModesTest's) reads as off before the off is fetched.
     */
    public static void flagOffEverywhere() {
        Instant disabled = Instant.now();
        com.gitlab.ops.testing.UnleashServer.shared().admin().disable(FLAG);
        UnleashFetchMonitor fetches = Arc.container().instance(UnleashFetchMonitor.class).get();
        // Fetched since: an off fetched before an "on" the client has not seen yet does not count.
        Instant fetchedOff = await("the service's client fetching the flag off").atMost(WAIT).until(
                () -> fetches.feature(FLAG).filter(feature -> !feature.path("enabled").asBoolean())
                        .flatMap(feature -> fetches.lastFetchAt()).filter(at -> at.isAfter(disabled)),
                Optional::isPresent).orElseThrow();
        await("the service's client fetching once more").atMost(WAIT).until(() -> fetches.lastFetchAt().orElseThrow().isAfter(fetchedOff));
        awaitService(() -> java.util.stream.LongStream.rangeClosed(1, 300)
                .noneMatch(p -> serviceSeesFlag(p, null) || serviceSeesFlag(p, "gitlab-org/gitlab")));
    }

    /** Waits until the service's own flag client agrees, so a test never races Unleash polling. */
    public static void awaitService(BooleanSupplier condition) {
        await().atMost(WAIT).until(condition::getAsBoolean);
    }

    public static String startImport(long projectId, String path, Map<String, ?> maxIids) {
        String id = CloudEvents.newId();
        KafkaBroker.shared().companion().produceStrings().fromRecords(record("imports", Long.toString(projectId), CloudEvents.envelope(id, "import.started",
                Map.of("project_id", projectId, "project_path", path, "importer", "github", "user_id", 1, "max_iids", maxIids)))).awaitCompletion();
        return id;
    }

    /** The import records of a project once {@code count} are there. */
    public static List<Map<String, Object>> awaitImports(long projectId, int count) {
        return await().atMost(WAIT).until(
                () -> given().get("/api/imports?project_id={p}", projectId).then().statusCode(200).extract().jsonPath().getList("$"),
                list -> list.size() >= count);
    }

    public static long next(long projectId, String usage) {
        return given().post("/api/projects/{p}/iids/{u}/next", projectId, usage).then().statusCode(200).extract().jsonPath().getLong("iid");
    }

    public static JsonPath counter(long projectId, String usage) {
        return given().get("/api/projects/{p}/iids/{u}", projectId, usage).then().statusCode(200).extract().jsonPath();
    }
}
