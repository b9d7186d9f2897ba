package com.gitlab.ops.release;

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
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
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

    /** A package deployed to an environment, named by every request that is not bad in its path. */
    private static BadRequestGenerator seeded(BadRequestGenerator generator) {
        String pkg = DeployEvents.pkg("14.9", "97d6e07c2a1");
        new DeployEvents().deploy(pkg, "gstg");
        return generator.existing("topic", "deploys").existing("package", pkg).existing("environment", "gstg")
                .existing("release", "14.9").existing("sha", "97d6e07c2a1")
                .valid("release", "1.5") // a monthly release with nothing yet: an empty list, not an error
                .validBody("POST /admin/dead-letters/{topic}/replay", "{\"partition\": 0}");
    }
}
