package com.gitlab.ops.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.testing.BadRequestGenerator;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * At least 1,000 bad requests derived from the service's OpenAPI document, each answered with a 4xx and
 * {"error": "<sentence>"}; the resources they name exist, so bad bodies reach the validation.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class BadRequestsTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void badRequestsGetA4xxWithASentence() throws Exception {
        BadRequestGenerator.Report report = seeded(new BadRequestGenerator(root.toString(), "admin", "test-admin")).run(1_000);
        System.out.println("Bad requests sent: " + report.sent() + ", answers by status: " + report.statuses());
        assertTrue(report.sent() >= 1_000, "sent " + report.sent());
        assertEquals(List.of(), report.findings().stream().limit(10).toList(),
                report.findings().size() + " of " + report.sent() + " bad requests were not answered with a 4xx and a sentence");
    }

    /** Counters exist for any project or group; the usages named are real ones, so bodies reach their checks. */
    private static BadRequestGenerator seeded(BadRequestGenerator generator) {
        return generator.existing("topic", "imports").existing("usage", "issues")
                .existing("/api/groups/{groupId}/iids/{usage}", "usage", "epics")
                .existing("/api/groups/{groupId}/iids/{usage}/next", "usage", "epics")
                .existing("/api/groups/{groupId}/iids/{usage}/track", "usage", "epics")
                .validBody("POST /api/projects/{projectId}/iids/{usage}/next", "{\"count\": 3}")
                .validBody("POST /api/groups/{groupId}/iids/{usage}/next", "{\"count\": 3}")
                .validBody("POST /api/projects/{projectId}/iids/{usage}/track", "{\"iid\": 10}")
                .validBody("POST /api/groups/{groupId}/iids/{usage}/track", "{\"iid\": 10}")
                .validBody("POST /api/projects/{projectId}/iids/preallocate", "{\"max_iids\": {\"issues\": 5}}")
                .validBody("POST /api/groups/{groupId}/iids/preallocate", "{\"max_iids\": {\"epics\": 5}}")
                .validBody("POST /admin/dead-letters/{topic}/replay", "{\"partition\": 0}");
    }
}
