package com.gitlab.ops.release.slack;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /slack/commands}: the {@code /release} slash command, as Slack sends it (a form, signed).
 * The body is read raw, since the signature covers its exact bytes.
 */
@Path("/slack/commands")
public class SlackCommandResource {

    private final ReleaseTrackerConfig config;
    private final SlackSignature signature;
    private final ReleaseSlashCommand command;

    public SlackCommandResource(ReleaseTrackerConfig config, SlackSignature signature, ReleaseSlashCommand command) {
        this.config = config;
        this.signature = signature;
        this.command = command;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public SlackMessage command(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String slackSignature, byte[] body) {
        String secret = config.slackSigningSecret().orElseThrow(() -> ApiException.notFound(
                "Slack commands are not set up here: set SLACK_SIGNING_SECRET to the Slack app's signing secret"));
        signature.verify(secret, timestamp, slackSignature, body);
        return command.answer(field(new String(body, StandardCharsets.UTF_8), "text"));
    }

    /** One field of a form body; empty when absent or not decodable (the command then answers with its help). */
    static String field(String form, String name) {
        try {
            return decodedField(form, name);
        } catch (IllegalArgumentException malformed) {
            return "";
        }
    }

    private static String decodedField(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }
}
