package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.imports.ImportServiceTestSupport.FLAG;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitService;
import static com.gitlab.ops.imports.ImportServiceTestSupport.flagOffEverywhere;
import static com.gitlab.ops.imports.ImportServiceTestSupport.serviceSeesFlag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.StackCommand;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GitLab's rollout plan, one ./stack flag command per step, seen by the running service within seconds. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class FlagRolloutCommandTest {

    private static StackCommand.Result flag(String... args) {
        StackCommand.Result result = StackCommand.flag(args);
        assertEquals(0, result.exitCode(), result.output());
        return result;
    }

    private static long enabledAmong(long projects) {
        return LongStream.rangeClosed(1, projects).filter(p -> serviceSeesFlag(p, null)).count();
    }

    @AfterEach
    void off() {
        StackCommand.flag("set", FLAG, "false", "--environment", "production");
        flagOffEverywhere();
    }

    @Test
    void percentageOfActorsThenNamedProjectsBothHoldThenEveryoneThenOff() {
        assertTrue(flag("set", FLAG, "50", "--actors").output().contains("50% of projects (sticky on projectId)"));
        awaitService(() -> enabledAmong(200) > 0);
        long half = enabledAmong(1_000);
        assertTrue(half > 400 && half < 600, "about half of 1,000 projects, got " + half);

        flag("set", FLAG, "true", "--project=gitlab-org/gitlab,gitlab-org/gitlab-foss");
        long someUnluckyProject = LongStream.rangeClosed(1, 1_000).filter(p -> !serviceSeesFlag(p, null)).findFirst().orElseThrow();
        awaitService(() -> serviceSeesFlag(someUnluckyProject, "gitlab-org/gitlab"));
        assertFalse(serviceSeesFlag(someUnluckyProject, "gitlab-org/gitaly"), "not named, not in the percentage");
        assertEquals(half, enabledAmong(1_000), "the percentage still holds beside the named projects");
        String shown = flag("show", FLAG).output();
        assertTrue(shown.contains("development: on") && shown.contains("projects gitlab-org/gitlab, gitlab-org/gitlab-foss")
                && shown.contains("50% of projects"), shown);

        flag("set", FLAG, "true");
        awaitService(() -> enabledAmong(1_000) == 1_000);

        flag("set", FLAG, "false");
        awaitService(() -> enabledAmong(1_000) == 0 && !serviceSeesFlag(someUnluckyProject, "gitlab-org/gitlab"));
    }

    @Test
    void anotherEnvironmentIsLeftAlone_badStepsGetOneLine() {
        flag("set", FLAG, "10", "--actors", "--environment", "production");
        // A change to development after it (from no gates at all): once the service shows that one, it
        // has fetched since production's.
        flag("set", FLAG, "false");
        flag("set", FLAG, "true", "--project=acme/marker");
        awaitService(() -> serviceSeesFlag(1, "acme/marker"));
        assertEquals(0, enabledAmong(1_000), "the service reads development: production's 10% of projects reaches none of them");
        assertTrue(flag("show", FLAG, "--environment", "production").output().contains("10% of projects"));

        StackCommand.Result bad = StackCommand.flag("set", FLAG, "150", "--actors");
        assertEquals(2, bad.exitCode());
        assertEquals("stack flag: with --actors, give a percentage from 0 to 100, not '150'", bad.output().lines().findFirst().orElseThrow());
        assertEquals("stack flag: no flag 'no_such_flag' in Unleash at " + com.gitlab.ops.testing.UnleashServer.shared().url(),
                StackCommand.flag("show", "no_such_flag").output().strip());
    }
}
