package com.gitlab.ops.release.note;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * GitLab's REST API, for what the tracker needs: find the release issue, find a note on it by its
 * marker, post a note, edit one. Lists are read across every page ({@code X-Next-Page}). Each
 * request has the configured time limit; the caller holds no database transaction meanwhile.
 */
@ApplicationScoped
public class GitLabNotesClient {

    /** 5,000 notes, more than any release issue has; a guard against a server that never stops paging. */
    private static final int MAX_PAGES = 50;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper;
    private final ReleaseTrackerConfig config;

    /** A note found on an issue. */
    public record Note(long id, String body) {
    }

    public GitLabNotesClient(ObjectMapper mapper, ReleaseTrackerConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** The iid of the issue titled exactly "Release {release}", among every page of GitLab's search results. */
    public long releaseIssue(String release) throws IOException, InterruptedException {
        String title = "Release " + release;
        Optional<JsonNode> issue = first("/projects/" + project() + "/issues?in=title&search=" + encode(title),
                node -> title.equals(node.path("title").asText()));
        return issue.orElseThrow(() -> new IOException("no issue titled '" + title + "' in project " + config.gitlabProject().orElseThrow()))
                .path("iid").asLong();
    }

    /** The note on the issue whose body holds the marker, if one was posted already. */
    public Optional<Note> findNote(long issueIid, String marker) throws IOException, InterruptedException {
        return first("/projects/" + project() + "/issues/" + issueIid + "/notes?sort=desc&order_by=created_at",
                node -> node.path("body").asText().contains(marker))
                .map(node -> new Note(node.path("id").asLong(), node.path("body").asText()));
    }

    /** Posts a note on the issue; the new note's id. */
    public long post(long issueIid, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(api("/projects/" + project() + "/issues/" + issueIid + "/notes"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(Map.of("body", body)))));
        return mapper.readTree(response.body()).path("id").asLong();
    }

    /** Replaces a note's body; false when GitLab no longer has the note (deleted by hand). */
    public boolean edit(long issueIid, long noteId, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api("/projects/" + project() + "/issues/" + issueIid + "/notes/" + noteId))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(Map.of("body", body))));
        HttpResponse<String> response = exchange(request);
        if (response.statusCode() == 404) {
            return false;
        }
        check(response);
        return true;
    }

    private Optional<JsonNode> first(String path, Predicate<JsonNode> match) throws IOException, InterruptedException {
        String page = "1";
        for (int pages = 0; page != null && !page.isBlank() && pages < MAX_PAGES; pages++) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(api(path + "&per_page=100&page=" + page)).GET());
            for (JsonNode node : mapper.readTree(response.body())) {
                if (match.test(node)) {
                    return Optional.of(node);
                }
            }
            page = response.headers().firstValue("X-Next-Page").orElse(null);
        }
        return Optional.empty();
    }

    private String project() {
        return encode(config.gitlabProject().orElseThrow());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private URI api(String path) {
        return URI.create(config.gitlabUrl().orElseThrow().replaceAll("/+$", "") + "/api/v4" + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return check(exchange(request));
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) throws IOException, InterruptedException {
        config.gitlabToken().ifPresent(token -> request.header("PRIVATE-TOKEN", token));
        HttpRequest built = request.timeout(config.gitlabTimeout()).build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new IOException("GitLab did not answer " + built.method() + " " + built.uri().getPath() + " within "
                    + config.gitlabTimeout().toString().substring(2).toLowerCase() + " (RELEASE_TRACKER_GITLAB_TIMEOUT)", e);
        } catch (ConnectException e) {
            // The JDK's ConnectException has no message for a refused connection, and last_error is read by a person.
            throw new IOException("could not connect to GitLab at " + built.uri().getScheme() + "://" + built.uri().getAuthority()
                    + " (RELEASE_TRACKER_GITLAB_URL)" + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    private static HttpResponse<String> check(HttpResponse<String> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException("GitLab answered " + response.statusCode() + " to " + response.request().method() + " "
                    + response.request().uri().getPath() + ": " + abbreviate(response.body()));
        }
        return response;
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
