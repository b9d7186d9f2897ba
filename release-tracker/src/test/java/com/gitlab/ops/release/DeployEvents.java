package com.gitlab.ops.release;

import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.awaitility.Awaitility.await;

import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.release.note.ReleaseNoteService;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBroker;
import com.gitlab.ops.testing.UnleashServer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the deployer does in these tests, through the real broker: deploy jobs finishing, the
 * post-deploy migrations pipeline running; and what a test reads back through the API.
 */
public final class DeployEvents {

    public static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger BUILD_MINUTES = new AtomicInteger();
    // Packages are built after the commits they contain, which the tests make now.
    private static final LocalDateTime EPOCH = LocalDateTime.now(ZoneOffset.UTC).withSecond(0).withNano(0);
    private static final Set<String> RESOLVED = Set.of("baseline", "listed", "computed", "error");

    private final KafkaCompanion kafka = KafkaBroker.shared().companion();

    /** Empties the tracker's tables, so that no test sees another's packages (which package came "before" is global). */
    public static void reset(EntityManager em) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "TRUNCATE package, deploy_job, deployment, post_migration, post_migrations_run, release_note CASCADE").executeUpdate());
    }

    /** Turns {@code post_deploy_migrations_note} on or off in the real Unleash, and waits until the service sees it. */
    public static void noteFlag(FeatureFlagService flags, boolean on) {
        if (on) {
            UnleashServer.shared().admin().enable(ReleaseNoteService.FLAG);
        } else {
            UnleashServer.shared().admin().disable(ReleaseNoteService.FLAG);
        }
        await().atMost(WAIT).until(() -> flags.isEnabled(ReleaseNoteService.FLAG) == on);
    }

    /** A package of this release, built a minute after the previous one made here, at that GitLab commit. */
    public static String pkg(String release, String gitlabCommit) {
        String built = EPOCH.plusMinutes(BUILD_MINUTES.incrementAndGet()).format(DateTimeFormatter.ofPattern("yyyyMMddHHmm"));
        return release + "." + built + "-" + gitlabCommit + ".4ce763dbce1";
    }

    public String job(String pkg, String environment, String job, String status, Map<String, Object> extra) {
        Map<String, Object> data = new HashMap<>(Map.of("package", pkg, "environment", environment, "job", job, "status", status,
                "finished_at", OffsetDateTime.now(ZoneOffset.UTC).toString()));
        data.putAll(extra);
        String id = CloudEvents.newId();
        kafka.produceStrings().fromRecords(record("deploys", pkg, CloudEvents.envelope(id, "deploy.job.finished", data))).awaitCompletion();
        return id;
    }

    /** Both required jobs succeed on the environment; waits until the last is applied. */
    public void deploy(String pkg, String environment) {
        job(pkg, environment, "wait:omnibus", "success", Map.of());
        awaitApplied(job(pkg, environment, "wait:helm", "success", Map.of()));
    }

    /** The post-deploy migrations pipeline ran on the environment with the package; waits until applied. */
    public void postMigrationsRan(String pkg, String environment) {
        String id = CloudEvents.newId();
        kafka.produceStrings().fromRecords(record("deploys", pkg, CloudEvents.envelope(id, "post_migrations.executed", Map.of("environment", environment, "package", pkg)))).awaitCompletion();
        awaitApplied(id);
    }

    public static void awaitApplied(String eventId) {
        await().atMost(WAIT).untilAsserted(() -> given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", eventId)
                .then().statusCode(200));
    }

    public static JsonPath packageOf(String pkg) {
        return given().get("/api/packages/{p}", pkg).then().statusCode(200).extract().jsonPath();
    }

    /** The package once the tracker has worked out its post-migrations (or failed to). */
    public static JsonPath resolved(String pkg) {
        return await().atMost(WAIT).until(() -> packageOf(pkg), story -> RESOLVED.contains(story.getString("post_migrations.state")));
    }
}
