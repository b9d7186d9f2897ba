package com.gitlab.ops.release.note;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** GitLab's REST API, for what the tracker needs: find the release issue, post a note on it. */
@ApplicationScoped
public class GitLabNotesClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper mapper;
    private final ReleaseTrackerConfig config;

    public GitLabNotesClient(ObjectMapper mapper, ReleaseTrackerConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** Posts the note on the issue titled "Release {release}"; the new note's id. */
    public long post(String release, String body) throws IOException, InterruptedException {
        String project = URLEncoder.encode(config.gitlabProject().orElseThrow(), StandardCharsets.UTF_8);
        String title = "Release " + release;
        JsonNode issues = send(HttpRequest.newBuilder(api("/projects/" + project + "/issues?in=title&search="
                + URLEncoder.encode(title, StandardCharsets.UTF_8))).GET());
        long issueIid = -1;
        for (JsonNode issue : issues) {
            if (title.equals(issue.path("title").asText())) {
                issueIid = issue.path("iid").asLong();
            }
        }
        if (issueIid < 0) {
            throw new IOException("no issue titled '" + title + "' in project " + config.gitlabProject().orElseThrow());
        }
        JsonNode note = send(HttpRequest.newBuilder(api("/projects/" + project + "/issues/" + issueIid + "/notes"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(Map.of("body", body)))));
        return note.path("id").asLong();
    }

    private URI api(String path) {
        return URI.create(config.gitlabUrl().orElseThrow().replaceAll("/+$", "") + "/api/v4" + path);
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        config.gitlabToken().ifPresent(token -> request.header("PRIVATE-TOKEN", token));
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("GitLab answered " + response.statusCode() + " to " + response.request().method() + " "
                    + response.request().uri().getPath() + ": " + abbreviate(response.body()));
        }
        return mapper.readTree(response.body());
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
