package com.gitlab.ops.release.slack;

import static com.gitlab.ops.release.DeployEvents.resolved;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.release.DeployEvents;
import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.release.TestGitRepository;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /release} as Slack sends it: signed forms, each subcommand answered with what the API says,
 * and every request Slack did not sign, or signed for another body or too long ago, refused.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class SlackCommandsTest {

    // The repository is shared by the tests: each adds a post-migration of its own.
    private static final AtomicInteger MIGRATIONS = new AtomicInteger();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/slack/commands")
    URL endpoint;

    @ConfigProperty(name = "release-tracker.slack-signing-secret")
    String secret;

    @ConfigProperty(name = "release-tracker.git-repository")
    String repositoryPath;

    @Inject
    EntityManager em;

    private final DeployEvents events = new DeployEvents();
    private TestGitRepository repository;
    private String before;
    private String after;
    private String afterCommit;
    private String fileName;

    /** Two packages on gprd, the second introducing a post-migration that has run there. */
    @BeforeEach
    void deployed() {
        DeployEvents.reset(em);
        repository = TestGitRepository.open(repositoryPath);
        String base = repository.commit("base", "app/models/note.rb");
        fileName = "202303011200" + String.format("%02d", MIGRATIONS.incrementAndGet()) + "_add_index_on_notes.rb";
        afterCommit = repository.commit("index notes", "db/post_migrate/" + fileName);
        before = DeployEvents.pkg("16.1", base);
        after = DeployEvents.pkg("16.1", afterCommit);
        for (String pkg : new String[] {before, after}) {
            events.deploy(pkg, "gstg-cny");
            resolved(pkg);
            events.deploy(pkg, "gprd");
        }
        events.postMigrationsRan(after, "gprd");
    }

    @AfterEach
    void close() {
        repository.close();
    }

    @Test
    void eachSubcommandAnswersWhatTheApiSays() {
        JsonPath api = given().get("/api/post-migrations/{f}", fileName).then().statusCode(200).extract().jsonPath();
        String answer = signed("post-migration " + fileName).text();
        assertTrue(answer.contains("`" + api.getString("path") + "` was introduced by `" + api.getString("package_version") + "` (release "
                + api.getString("release") + ")"), answer);
        assertTrue(answer.contains("It has run on " + String.join(", ", api.getList("ran_on", String.class)) + "."), answer);

        JsonPath check = given().get("/api/environments/gprd/rollback-check?target={p}", before).then().statusCode(200).extract().jsonPath();
        assertEquals(false, check.getBoolean("safe"));
        answer = signed("rollback-check gprd " + before).text();
        assertTrue(answer.startsWith(":no_entry: Rolling `gprd` back to `" + before + "` is *not* known to be safe."), answer);
        assertTrue(answer.contains("• `" + check.getString("blocking[0].path") + "` (introduced by `" + check.getString("blocking[0].package_version")
                + "`)"), answer);
        answer = signed("rollback-check gprd " + after).text();
        assertTrue(answer.startsWith(":white_check_mark: Rolling `gprd` back to `" + after + "` is safe"), answer);

        JsonPath status = given().get("/api/commits/{sha}", afterCommit).then().statusCode(200).extract().jsonPath();
        answer = signed("status " + afterCommit).text();
        assertTrue(answer.startsWith("Commit `" + status.getString("sha") + "` is first in `" + status.getString("first_package.package_version") + "`"),
                answer);
        assertTrue(answer.contains("• gprd: runs `" + status.getString("environments.gprd.package_version") + "`, has the commit"), answer);
        assertTrue(answer.contains("• gstg: nothing deployed"), answer);

        assertTrue(signed("help").text().startsWith("*Release tracker commands*"));
    }

    @Test
    void theAnswerIsAnEphemeralMessageWithBlocksAndAPlainFallback() {
        Answer answer = signed("help").expect(200);
        assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
        assertEquals("ephemeral", answer.json().getString("response_type"));
        assertEquals("section", answer.json().getString("blocks[0].type"));
        assertEquals("mrkdwn", answer.json().getString("blocks[0].text.type"));
        assertEquals(ReleaseSlashCommand.HELP, answer.json().getString("blocks[0].text.text"));
        assertEquals(ReleaseSlashCommand.HELP, answer.json().getString("text"));
    }

    @Test
    void badInputGetsTheHelpNeverAnErrorPage() {
        for (String text : new String[] {"deploy gprd", "rollback-check gprd not-a-package", "rollback-check production " + before,
                "status xyz", "post-migration", "status"}) {
            String answer = signed(text).text();
            assertTrue(answer.endsWith(ReleaseSlashCommand.HELP) && !answer.startsWith(ReleaseSlashCommand.HELP), text + " -> " + answer);
        }
        assertTrue(signed("rollback-check gprd not-a-package").text().startsWith("'not-a-package' is not"), "the API's sentence first");
        // Found nothing is an answer, not a mistake: the API's sentence alone.
        assertEquals(given().get("/api/post-migrations/none.rb").then().statusCode(404).extract().jsonPath().getString("error"),
                signed("post-migration none.rb").text());
    }

    /** The signature as the README's openssl line makes it, written independently of the service's code. */
    @Test
    void theSignatureIsSlacksV0AsOpensslComputesIt() throws Exception {
        String body = form("status 97d6e07c2a1");
        String timestamp = "1531420618";
        ProcessBuilder command = new ProcessBuilder("sh", "-c",
                "printf 'v0:%s:%s' \"$TS\" \"$BODY\" | openssl dgst -sha256 -hmac \"$SECRET\" | sed 's/^.* //'").redirectErrorStream(true);
        // Through the environment: the body is not quoted into a shell line.
        command.environment().putAll(Map.of("TS", timestamp, "BODY", body, "SECRET", secret));
        Process openssl = command.start();
        String printed = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, openssl.waitFor(), printed);
        String expected = "v0=" + printed;
        assertEquals(expected, SlackSignature.sign(secret, timestamp, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void onlyRequestsSlackSignedNowForThisBodyAreAnswered() {
        String body = form("help");
        String now = Long.toString(Instant.now().getEpochSecond());
        String signature = SlackSignature.sign(secret, now, body.getBytes(StandardCharsets.UTF_8));
        send(body, now, signature).expect(200);

        String wrong = send(body, now, SlackSignature.sign("another-secret", now, body.getBytes(StandardCharsets.UTF_8))).expect(401).error();
        assertTrue(wrong.startsWith("the Slack signature does not match this request"), wrong);
        assertTrue(send(body, now, null).expect(401).error().startsWith("not signed by Slack"));
        assertTrue(send(body, null, signature).expect(401).error().startsWith("not signed by Slack"));
        String stale = Long.toString(Instant.now().minusSeconds(6 * 60).getEpochSecond());
        assertTrue(send(body, stale, SlackSignature.sign(secret, stale, body.getBytes(StandardCharsets.UTF_8))).expect(401).error()
                .startsWith("the request was signed more than 5 minutes from now"));
        // A captured request sent again with another command: the signature was for the old body.
        assertTrue(send(form("rollback-check gprd " + before), now, signature).expect(401).error()
                .startsWith("the Slack signature does not match this request"));
    }

    private Answer signed(String text) {
        String body = form(text);
        String now = Long.toString(Instant.now().getEpochSecond());
        return send(body, now, SlackSignature.sign(secret, now, body.getBytes(StandardCharsets.UTF_8)));
    }


    /** The form Slack posts for a slash command. */
    private static String form(String text) {
        return "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=gitlab&channel_id=C2147483705&channel_name=releases"
                + "&user_id=U2147483697&user_name=release.manager&command=%2Frelease&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)
                + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=13345224609.738474920.8088930838d88f008e0";
    }

    /** Sent as Slack sends it, the exact bytes that were signed (REST Assured would re-encode a form). */
    private Answer send(String body, String timestamp, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.toString()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (timestamp != null) {
            request.header("X-Slack-Request-Timestamp", timestamp);
        }
        if (signature != null) {
            request.header("X-Slack-Signature", signature);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), new JsonPath(response.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record Answer(int status, String contentType, JsonPath json) {

        Answer expect(int expected) {
            assertEquals(expected, status, json.prettify());
            return this;
        }

        String text() {
            return expect(200).json().getString("text");
        }

        String error() {
            return json.getString("error");
        }
    }
}
