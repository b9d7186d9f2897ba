package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.imports.ImportServiceTestSupport.FLAG;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitService;
import static com.gitlab.ops.imports.ImportServiceTestSupport.flagOffEverywhere;
import static com.gitlab.ops.imports.ImportServiceTestSupport.serviceSeesFlag;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.StackCommand;
import com.gitlab.ops.testing.UnleashAdmin;
import com.gitlab.ops.testing.UnleashServer;
import com.gitlab.ops.testing.UnleashServerResource;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.UnleashSubscriber;
import io.getunleash.util.UnleashConfig;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ./stack flag's steps against the real Unleash: each moves from one exposure to the next and
 * nowhere else, leaves strategies it did not make alone, gives each flag its own cohort, and will not
 * delete a flag whose definition still says default_enabled: false.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class FlagStepsTest {

    /** A second flag, only for comparing cohorts: no service evaluates it. */
    private static final String OTHER_FLAG = "flag_steps_test_other";

    private final UnleashAdmin unleash = UnleashServer.shared().admin();

    private static StackCommand.Result flag(String... args) {
        StackCommand.Result result = StackCommand.flag(args);
        assertEquals(0, result.exitCode(), result.output());
        return result;
    }

    @AfterEach
    void off() {
        flag("set", FLAG, "false");
        flagOffEverywhere();
    }

    @Test
    void aReaderNeverSeesTheFlagOffOrWithoutStrategiesBetweenTwentySteps() throws Exception {
        flag("set", FLAG, "10", "--actors");
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            while (reading.get()) {
                JsonNode env = unleash.environmentOf(FLAG);
                reads.incrementAndGet();
                if (!env.path("enabled").asBoolean() || env.path("strategies").isEmpty()) {
                    wrong.add(env.toString());
                }
            }
        });
        reader.start();
        try {
            for (int step = 0; step < 20; step++) {
                if (step % 3 == 2) {
                    flag("set", FLAG, "true", "--project=gitlab-org/gitlab" + (step % 2 == 0 ? ",gitlab-org/gitaly" : ""));
                } else {
                    flag("set", FLAG, Integer.toString(5 + step * 37 % 95), "--actors");
                }
            }
        } finally {
            reading.set(false);
            reader.join();
        }
        assertTrue(reads.get() > 50, "the reader read " + reads.get() + " times");
        assertEquals(List.of(), wrong, "reads that saw the flag off, or enabled with no strategy, out of " + reads.get());
    }

    @Test
    void twoFlagsAtTwentyFivePercentCoverDifferentProjects() throws Exception {
        unleash.createFlag(OTHER_FLAG);
        flag("set", FLAG, "25", "--actors");
        flag("set", OTHER_FLAG, "25", "--actors");
        // Counted once the client has itself fetched both steps: an earlier fetch (the server's cached
        // view lags a change by a moment) or a failed one would count another state.
        AtomicReference<String> fetched = new AtomicReference<>("");
        AtomicInteger fetchCount = new AtomicInteger();
        UnleashSubscriber fetches = new UnleashSubscriber() {
            @Override
            public void togglesFetched(ClientFeaturesResponse response) {
                // Counted first: a count read once this fetch's features are seen includes it.
                fetchCount.incrementAndGet();
                response.getClientFeatures().ifPresent(fetched::set);
            }
        };
        Unleash client = new DefaultUnleash(UnleashConfig.builder().appName("flag-steps-test").unleashAPI(UnleashServer.shared().url() + "/api")
                .apiKey(UnleashServer.shared().clientToken()).environment(UnleashServer.ENVIRONMENT).synchronousFetchOnInitialisation(true)
                .fetchTogglesInterval(1).backupFile(backupFile()).subscriber(fetches).build());
        try {
            try {
                await("the client's own fetch with both flags at 25%").atMost(Duration.ofSeconds(30))
                        .until(() -> atTwentyFivePercent(fetched.get(), FLAG) && atTwentyFivePercent(fetched.get(), OTHER_FLAG));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the client last fetched " + fetched.get(), e);
            }
            // The SDK tells its subscribers of a fetch before it evaluates with it; after the next fetch it does.
            int seen = fetchCount.get();
            await("the client's next fetch").atMost(Duration.ofSeconds(30)).until(() -> fetchCount.get() > seen);
            Set<Long> first = enabledAmong(client, FLAG);
            Set<Long> second = enabledAmong(client, OTHER_FLAG);
            assertTrue(first.size() > 200 && first.size() < 300, "about 250 of 1,000 projects, got " + first.size());
            assertTrue(second.size() > 200 && second.size() < 300, "about 250 of 1,000 projects, got " + second.size());
            long both = first.stream().filter(second::contains).count();
            // Independent cohorts overlap on about a quarter of a quarter; the same cohort would overlap entirely.
            assertTrue(both < 120, both + " projects are in both 25% cohorts");
            assertNotEquals(first, second);
        } finally {
            client.shutdown();
            unleash.deleteFlag(OTHER_FLAG);
        }
    }

    @Test
    void setFalseRemovesEveryGateSoANamedProjectIsTheOnlyOneOn() {
        flag("set", FLAG, "50", "--actors");
        awaitService(() -> LongStream.rangeClosed(1, 100).anyMatch(p -> serviceSeesFlag(p, null)));

        flag("set", FLAG, "false");
        assertEquals(0, unleash.environmentOf(FLAG).path("strategies").size(), "every gate removed");
        flag("set", FLAG, "true", "--project=gitlab-org/gitlab");

        awaitService(() -> serviceSeesFlag(278964, "gitlab-org/gitlab"));
        assertEquals(0, LongStream.rangeClosed(1, 1_000).filter(p -> serviceSeesFlag(p, null) || serviceSeesFlag(p, "gitlab-org/gitaly")).count(),
                "no other project is on: the 50% of projects went with set false");
    }

    @Test
    void aStrategyMadeInTheUnleashUiSurvivesAStepButNotReplaceAll() {
        flag("set", FLAG, "10", "--actors");
        unleash.addStrategy(FLAG, Map.of("name", "flexibleRollout", "parameters", Map.of("rollout", "100", "stickiness", "default",
                "groupId", FLAG), "constraints", List.of(Map.of("contextName", "projectPath", "operator", "IN", "values", List.of("ops/runbooks")))));

        String shown = flag("set", FLAG, "50", "--actors").output();
        assertTrue(shown.contains("projects ops/runbooks (not made by ./stack flag)") && shown.contains("50% of projects"), shown);
        assertEquals(2, unleash.environmentOf(FLAG).path("strategies").size());

        shown = flag("set", FLAG, "50", "--actors", "--replace-all").output();
        assertFalse(shown.contains("ops/runbooks"), shown);
        assertEquals(1, unleash.environmentOf(FLAG).path("strategies").size());
    }

    @Test
    void deleteIsRefusedWhileTheDefinitionSaysDefaultEnabledFalse() {
        StackCommand.Result refused = StackCommand.flag("delete", FLAG);
        assertEquals(2, refused.exitCode(), refused.output());
        assertEquals("stack flag: not deleted: import-service/src/main/resources/config/feature_flags/importer_preallocate_iids.yml says "
                + "default_enabled: false, so deleting 'importer_preallocate_iids' turns the feature off everywhere. Set default_enabled: "
                + "true there, ship it, then delete the flag (--force deletes it now).", refused.output().strip());
        assertTrue(flag("show", FLAG).output().startsWith(FLAG + " (default_enabled: false"), "the flag is still there");
    }

    @Test
    void oneStepInSeveralEnvironments() {
        String shown = flag("set", FLAG, "20", "--actors", "--environment", "development,production").output();
        assertEquals(2, shown.lines().filter(line -> line.contains("20% of projects")).count(), shown);
        flag("set", FLAG, "false", "--environment", "development", "--environment", "production");
        JsonNode production = new UnleashAdmin(UnleashServer.shared().url(), UnleashServer.shared().adminToken(), "production").environmentOf(FLAG);
        assertFalse(production.path("enabled").asBoolean());
    }

    /** Whether features JSON, as the client API serves it, has the flag on at 25% of projects and nothing else. */
    private static boolean atTwentyFivePercent(String features, String flag) throws Exception {
        if (features.isEmpty()) {
            return false;
        }
        for (JsonNode feature : new ObjectMapper().readTree(features).path("features")) {
            if (feature.path("name").asText().equals(flag)) {
                JsonNode strategies = feature.path("strategies");
                return feature.path("enabled").asBoolean() && strategies.size() == 1
                        && "25".equals(strategies.get(0).path("parameters").path("rollout").asText());
            }
        }
        return false;
    }

    /** The SDK's backup of fetched flags, fresh for each client: never one another run left behind. */
    private static String backupFile() throws Exception {
        Path file = Files.createTempFile("unleash-flag-steps-test-", ".json");
        Files.delete(file);
        return file.toString();
    }

    private static Set<Long> enabledAmong(Unleash client, String flag) {
        return LongStream.rangeClosed(1, 1_000).boxed()
                .filter(p -> client.isEnabled(flag, UnleashContext.builder().addProperty("projectId", Long.toString(p)).build(), false))
                .collect(Collectors.toSet());
    }
}
