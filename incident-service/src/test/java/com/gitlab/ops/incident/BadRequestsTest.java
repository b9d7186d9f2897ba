package com.gitlab.ops.incident;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.testing.BadRequestGenerator;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** At least 1,000 bad requests derived from the service's OpenAPI document: never a 5xx, never a stack trace. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class BadRequestsTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void badRequestsGetA4xxWithASentence() throws Exception {
        BadRequestGenerator.Report report = new BadRequestGenerator(root.toString(), "admin", "test-admin").run(1_000);
        assertTrue(report.sent() >= 1_000, "sent " + report.sent());
        assertTrue(report.findings().isEmpty(), report.findings().size() + " of " + report.sent() + " answered a 5xx or a stack trace: "
                + report.findings().stream().limit(10).map(Object::toString).toList());
    }
}
