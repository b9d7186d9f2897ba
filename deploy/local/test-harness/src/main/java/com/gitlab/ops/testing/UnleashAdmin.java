package com.gitlab.ops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * The real Unleash Admin API, as the flag tests use it: create flags and context fields, turn a flag
 * on or off in an environment, and set its rollout strategies (percentage of projects, named projects).
 */
public final class UnleashAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROJECT = "default";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String token;
    private final String environment;

    public UnleashAdmin(String baseUrl, String token, String environment) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.environment = environment;
    }

    public void createContextField(String name, boolean stickiness) {
        send("POST", "/api/admin/context", Map.of("name", name, "stickiness", stickiness,
                "description", "set by the services for every evaluation"), 409);
    }

    public void createFlag(String flag) {
        send("POST", "/api/admin/projects/" + PROJECT + "/features", Map.of("name", flag, "type", "release"), 409);
    }

    /** On for everything, with or without a project in the context (default stickiness at 100%). */
    public void enable(String flag) {
        replaceStrategies(flag, List.of(strategy(100, "default", List.of())));
        send("POST", environmentPath(flag) + "/on", null);
    }

    public void disable(String flag) {
        send("POST", environmentPath(flag) + "/off", null);
    }

    /** On for a percentage of projects, sticky on projectId (GitLab's percentage of actors). */
    public void enableForPercentage(String flag, int percent) {
        replaceStrategies(flag, List.of(strategy(percent, "projectId", List.of())));
        send("POST", environmentPath(flag) + "/on", null);
    }

    /** On for the named projects only (GitLab's --project actors). */
    public void enableForProjects(String flag, String... projectPaths) {
        Map<String, Object> constraint = Map.of("contextName", "projectPath", "operator", "IN", "values", List.of(projectPaths));
        replaceStrategies(flag, List.of(strategy(100, "projectId", List.of(constraint))));
        send("POST", environmentPath(flag) + "/on", null);
    }

    /** The flag in this admin's environment as the Admin API shows it: {@code enabled}, {@code strategies}. */
    public JsonNode environmentOf(String flag) {
        return send("GET", environmentPath(flag), null);
    }

    /** Adds a strategy as someone would in the Unleash UI. */
    public void addStrategy(String flag, Map<String, Object> strategy) {
        send("POST", environmentPath(flag) + "/strategies", strategy);
    }

    /** Deletes the flag for good (archived, then removed from the archive): Unleash no longer knows it. */
    public void deleteFlag(String flag) {
        send("DELETE", "/api/admin/projects/" + PROJECT + "/features/" + flag, null, 404);
        send("DELETE", "/api/admin/archive/" + flag, null, 404);
    }

    /**
     * The new strategies first, then the old ones deleted, as {@code ./stack flag} steps: an enabled
     * flag left for a moment without strategies is on for everyone, and a client fetching then sees it so.
     */
    private void replaceStrategies(String flag, List<Map<String, Object>> strategies) {
        JsonNode existing = send("GET", environmentPath(flag) + "/strategies", null);
        for (Map<String, Object> s : strategies) {
            send("POST", environmentPath(flag) + "/strategies", s);
        }
        for (JsonNode s : existing) {
            send("DELETE", environmentPath(flag) + "/strategies/" + s.get("id").asText(), null);
        }
    }

    private static Map<String, Object> strategy(int percent, String stickiness, List<Map<String, Object>> constraints) {
        return Map.of("name", "flexibleRollout",
                "parameters", Map.of("rollout", Integer.toString(percent), "stickiness", stickiness, "groupId", "rollout"),
                "constraints", constraints);
    }

    private String environmentPath(String flag) {
        return "/api/admin/projects/" + PROJECT + "/features/" + flag + "/environments/" + environment;
    }

    private JsonNode send(String method, String path, Object body, int... alsoAccepted) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Authorization", token)
                    .header("Content-Type", "application/json");
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            boolean accepted = status / 100 == 2 || java.util.Arrays.stream(alsoAccepted).anyMatch(s -> s == status);
            if (!accepted) {
                throw new IllegalStateException("Unleash " + method + " " + path + " answered " + status + ": " + response.body());
            }
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
