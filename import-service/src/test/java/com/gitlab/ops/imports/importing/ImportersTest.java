package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.imports.ImportServiceTestSupport.FLAG;
import static com.gitlab.ops.imports.ImportServiceTestSupport.WAIT;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitImports;
import static com.gitlab.ops.imports.ImportServiceTestSupport.awaitService;
import static com.gitlab.ops.imports.ImportServiceTestSupport.flagOffEverywhere;
import static com.gitlab.ops.imports.ImportServiceTestSupport.newProject;
import static com.gitlab.ops.imports.ImportServiceTestSupport.next;
import static com.gitlab.ops.imports.ImportServiceTestSupport.serviceSeesFlag;
import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServer;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each importer with the {@code max_iids} GitLab's own sends (looked up in its source): every counter
 * named is raised, and a record a user creates during the import is numbered after every imported one.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class ImportersTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    /** A usage's counter, as the key names it: which scope and usage a user's next record takes from. */
    private static final Map<String, String[]> COUNTER = Map.of(
            "issues", new String[] {"projects", "issues"},
            "merge_requests", new String[] {"projects", "merge_requests"},
            "project_milestones", new String[] {"projects", "milestones"},
            "ci_pipelines", new String[] {"projects", "ci_pipelines"},
            "design_management_designs", new String[] {"projects", "design_management_designs"},
            "group_milestones", new String[] {"groups", "milestones"},
            "epics", new String[] {"groups", "epics"},
            "iterations", new String[] {"groups", "sprints"});

    static Stream<Arguments> importers() {
        return Stream.of(
                // GitHub: the last issue, pull request and milestone (Stage::ImportRepositoryWorker#preallocate_iids!).
                Arguments.of("github", Map.of("issues", 1834, "merge_requests", 977, "project_milestones", 41)),
                // Bitbucket Cloud: the last pull request and issue.
                Arguments.of("bitbucket", Map.of("merge_requests", 310, "issues", 128)),
                // Bitbucket Server: the last pull request (it has no issues).
                Arguments.of("bitbucket_server", Map.of("merge_requests", 2210)),
                // FogBugz: cases become issues with their numbers (ixBug).
                Arguments.of("fogbugz", Map.of("issues", 5077)),
                // Gitea: through the legacy GitHub importer: issues, pull requests, milestones.
                Arguments.of("gitea", Map.of("issues", 96, "merge_requests", 54, "project_milestones", 7)),
                // File export: max_iids.json as Project::MaxIidsSaver writes it.
                Arguments.of("gitlab_project", Map.of("issues", 1200, "merge_requests", 340, "project_milestones", 12, "ci_pipelines", 8812,
                        "design_management_designs", 19)),
                // Direct transfer of a project with its group's counters (BulkImports MaxIidsPipeline, project and group savers).
                Arguments.of("bulk_import", Map.of("issues", 640, "merge_requests", 222, "project_milestones", 9, "ci_pipelines", 3001,
                        "design_management_designs", 4, "group_milestones", 15, "epics", 88, "iterations", 26)));
    }

    @AfterEach
    void flagOff() {
        flagOffEverywhere();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("importers")
    void everyCounterTheImporterNamesIsRaised_andAUsersRecordComesAfter(String importer, Map<String, Integer> maxIids) {
        UnleashServer.shared().admin().enable(FLAG);
        awaitService(() -> serviceSeesFlag(1, "any/project"));
        long project = newProject();
        long group = newProject();
        Map<String, Object> data = new HashMap<>(Map.of("project_id", project, "project_path", "imported/" + importer, "importer", importer,
                "user_id", 1, "namespace_id", group, "max_iids", maxIids));
        kafka.produceStrings().fromRecords(record("imports", Long.toString(project), CloudEvents.envelope(CloudEvents.newId(), "import.started", data))).awaitCompletion();

        Map<String, Object> imported = awaitImports(project, 1).get(0);
        assertEquals("reserved", imported.get("outcome"), imported.toString());
        assertEquals(maxIids, imported.get("reserved"));
        assertEquals(Map.of(), imported.get("rejected"));
        maxIids.forEach((key, max) -> {
            String[] counter = COUNTER.get(key);
            long users = counter[0].equals("projects") ? next(project, counter[1]) : nextOfGroup(group, counter[1]);
            assertTrue(users > max, importer + ": a user's " + key + " record got " + users + ", an imported one has " + max);
            assertEquals(max + 1, users, importer + ": " + key);
        });
    }

    /**
     * A direct-transfer group entity has no project: its {@code import.started} names the group
     * alone, and its group's counters are raised; a project key in it is reported, not applied.
     */
    @Test
    void aDirectTransferGroupEntityReservesItsGroupsCounters_withoutAProject() {
        UnleashServer.shared().admin().enable(FLAG);
        awaitService(() -> serviceSeesFlag(1, "any/project"));
        long group = newProject();
        Map<String, Object> groupMaxIids = Map.of("group_milestones", 31, "epics", 412, "iterations", 57);
        Map<String, Object> maxIids = new HashMap<>(groupMaxIids);
        maxIids.put("issues", 9);
        String importId = "bulk-import-entity-" + group;
        kafka.produceStrings().fromRecords(record("imports", "group-" + group, CloudEvents.envelope(CloudEvents.newId(), "import.started",
                Map.of("namespace_id", group, "importer", "bulk_import", "user_id", 1, "import_id", importId, "max_iids", maxIids)))).awaitCompletion();

        Map<String, Object> imported = awaitGroupImports(group, 1).get(0);
        assertEquals("reserved", imported.get("outcome"), imported.toString());
        assertNull(imported.get("project_id"));
        assertEquals(groupMaxIids, imported.get("reserved"));
        assertTrue(((Map<?, ?>) imported.get("rejected")).get("issues").toString().startsWith("is counted per project"), imported.toString());
        groupMaxIids.forEach((key, max) -> assertEquals((Integer) max + 1L, nextOfGroup(group, COUNTER.get(key)[1]), key));

        // The same entity again through the synchronous call (with a higher max): the same record, not a second reservation.
        given().contentType(ContentType.JSON).body(Map.of("import_id", importId, "importer", "bulk_import", "max_iids", Map.of("epics", 900)))
                .post("/api/groups/{g}/iids/preallocate", group).then().statusCode(200).body("id", equalTo(((Number) imported.get("id")).intValue()));
        assertEquals(1, awaitGroupImports(group, 1).size());
        assertEquals(414, nextOfGroup(group, "epics"), "one import, one reservation: the repeat raised nothing");
    }

    @Test
    void aGroupEntitysSynchronousCall_refusesProjectFields() {
        given().contentType(ContentType.JSON).body(Map.of("project_path", "a/b", "max_iids", Map.of("epics", 3)))
                .post("/api/groups/{g}/iids/preallocate", newProject()).then().statusCode(400)
                .body("error", equalTo("unknown field 'project_path'; known fields are import_id, importer, max_iids, user_id"));
    }

    private static List<Map<String, Object>> awaitGroupImports(long group, int count) {
        return await().atMost(WAIT).until(
                () -> given().get("/api/imports?namespace_id={g}", group).then().statusCode(200).extract().jsonPath().getList("$"),
                list -> list.size() >= count);
    }

    private static long nextOfGroup(long group, String usage) {
        return given().post("/api/groups/{g}/iids/{u}/next", group, usage).then().statusCode(200).extract().jsonPath().getLong("iid");
    }
}
