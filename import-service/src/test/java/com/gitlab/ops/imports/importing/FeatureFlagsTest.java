package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.imports.ImportServiceTestSupport.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.platform.flags.ProjectActor;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashAdmin;
import com.gitlab.ops.testing.UnleashServer;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The platform's flag context against the real Unleash server: per project, changed at run time. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class FeatureFlagsTest {

    private static final String FLAG = "importer_preallocate_iids";
    private static final ProjectActor GITLAB = new ProjectActor(278964, "gitlab-org/gitlab");
    private static final ProjectActor OTHER = new ProjectActor(13083, "gitlab-org/gitlab-foss");

    @Inject
    FeatureFlagService flags;

    private final UnleashAdmin unleash = UnleashServer.shared().admin();

    @AfterEach
    void turnOff() {
        com.gitlab.ops.imports.ImportServiceTestSupport.flagOffEverywhere();
    }

    @Test
    void aFlagWithoutADefinitionIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flags.isEnabled("no_such_flag", GITLAB));
        assertTrue(e.getMessage().contains("config/feature_flags/no_such_flag.yml"), e.getMessage());
    }

    @Test
    void adminFlagsShowsTheDefinitionAndTheStrategiesInForce() {
        unleash.enableForProjects(FLAG, "gitlab-org/gitlab");
        await().atMost(WAIT).until(() -> flags.isEnabled(FLAG, GITLAB));

        given().get("/admin/flags").then().statusCode(401);
        given().auth().preemptive().basic("admin", "test-admin").get("/admin/flags").then().statusCode(200)
                .body("last_fetch_at", notNullValue())
                .body("flags.size()", equalTo(1))
                .body("flags[0].name", equalTo(FLAG))
                .body("flags[0].definition.default_enabled", equalTo(false))
                .body("flags[0].definition.group", equalTo("group::import"))
                .body("flags[0].known_to_unleash", equalTo(true))
                .body("flags[0].enabled", equalTo(true))
                .body("flags[0].strategies[0].constraints[0].values", hasItem("gitlab-org/gitlab"))
                .body("flags[0].evaluations['true']", greaterThan(0));
    }

    @Test
    void namedProjectsOnlyAndSeenWithoutARestart() {
        assertFalse(flags.isEnabled(FLAG, GITLAB));

        unleash.enableForProjects(FLAG, "gitlab-org/gitlab");

        await().atMost(WAIT).until(() -> flags.isEnabled(FLAG, GITLAB));
        assertFalse(flags.isEnabled(FLAG, OTHER));
        assertFalse(flags.isEnabled(FLAG, ProjectActor.of(GITLAB.projectId())), "without its path a project is not named");
    }

    @Test
    void aPercentageOfProjectsIsStickyOnProjectId() {
        unleash.enableForPercentage(FLAG, 50);
        await().atMost(WAIT).until(() -> enabledAmong(1_000).size() > 0);

        List<Long> enabled = enabledAmong(1_000);
        assertTrue(enabled.size() > 400 && enabled.size() < 600, "about half of 1,000 projects, got " + enabled.size());
        assertEquals(enabled, enabledAmong(1_000), "the same projects every time");
    }

    private List<Long> enabledAmong(long projects) {
        return LongStream.rangeClosed(1, projects).boxed()
                .filter(id -> flags.isEnabled(FLAG, ProjectActor.of(id)))
                .toList();
    }

    @Test
    void groupsAreActorsOfAPercentageRollout_butNeverNamedProjects() {
        unleash.enableForProjects(FLAG, "gitlab-org/gitlab");
        await().atMost(WAIT).until(() -> flags.isEnabled(FLAG, GITLAB));
        assertTrue(LongStream.rangeClosed(1, 200).noneMatch(g -> flags.isEnabledForGroup(FLAG, g)), "a group is not a named project");

        unleash.enableForPercentage(FLAG, 50);
        await().atMost(WAIT).until(() -> LongStream.rangeClosed(1, 1_000).anyMatch(g -> flags.isEnabledForGroup(FLAG, g)));
        long groups = LongStream.rangeClosed(1, 1_000).filter(g -> flags.isEnabledForGroup(FLAG, g)).count();
        assertTrue(groups > 400 && groups < 600, "about half of 1,000 groups, got " + groups);

        unleash.enableForPercentage(FLAG, 100);
        await().atMost(WAIT).until(() -> LongStream.rangeClosed(1, 1_000).allMatch(g -> flags.isEnabledForGroup(FLAG, g)));
    }
}
