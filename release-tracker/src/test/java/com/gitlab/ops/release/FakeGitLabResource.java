package com.gitlab.ops.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for GitLab's API, which cannot run here. One project, where every release issue
 * searched for exists as iid 101 on the second page of the search, after two decoys whose titles
 * only contain the words (as GitLab's search answers). Lists are paged two at a time with
 * {@code X-Next-Page}, and every issue starts with three notes by people, so the tracker must read
 * past the first page. Notes can be posted and edited. Told to ({@code POST /__fail?times=N}), it
 * answers 500 to the next N posts; told to ({@code POST /__slow?ms=M&times=N}), it takes the next N
 * posts but answers only after M ms, as a GitLab slower than its client would. {@code GET /__notes}
 * lists every note as JSON: id, issue_iid, token, body, edits.
 */
public class FakeGitLabResource implements QuarkusTestResourceLifecycleManager {

    public static final String PROJECT = "gitlab-org/release/tasks";
    public static final String TOKEN = "glpat-test-token";
    private static final int PAGE_SIZE = 2;
    private static final String API = "/api/v4/projects/gitlab-org%2Frelease%2Ftasks";
    private static final Pattern NOTES = Pattern.compile(Pattern.quote(API) + "/issues/(\\d+)/notes(?:/(\\d+))?");

    private final ObjectMapper json = new ObjectMapper();
    private final Map<Long, Map<String, Object>> notes = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong(9000);
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger slow = new AtomicInteger();
    private volatile long slowMillis;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try {
                handle(exchange);
            } catch (Exception e) {
                answer(exchange, 500, "{\"message\":\"" + e + "\"}", Map.of());
            }
        });
        server.start();
        return Map.of(
                "release-tracker.gitlab-url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "release-tracker.gitlab-token", TOKEN,
                "release-tracker.gitlab-project", PROJECT);
    }

    private void handle(HttpExchange exchange) throws Exception {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String token = exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN");
        Matcher notesPath = NOTES.matcher(path);
        if (path.equals("/__fail")) {
            failures.set(Integer.parseInt(query.get("times")));
            answer(exchange, 200, "{}", Map.of());
        } else if (path.equals("/__slow")) {
            slowMillis = Long.parseLong(query.get("ms"));
            slow.set(Integer.parseInt(query.get("times")));
            answer(exchange, 200, "{}", Map.of());
        } else if (path.equals("/__notes")) {
            synchronized (notes) {
                answer(exchange, 200, json.writeValueAsString(new ArrayList<>(notes.values())), Map.of());
            }
        } else if (path.equals(API + "/issues") && method.equals("GET")) {
            String title = query.get("search");
            List<Map<String, Object>> found = List.of(Map.of("iid", 102, "title", title + " retrospective"),
                    Map.of("iid", 103, "title", "Planning: " + title), Map.of("iid", 101, "title", title));
            page(exchange, query, found);
        } else if (notesPath.matches() && method.equals("GET") && notesPath.group(2) == null) {
            long issue = Long.parseLong(notesPath.group(1));
            List<Map<String, Object>> onIssue = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                onIssue.add(Map.of("id", i, "body", "A release manager's comment " + i));
            }
            synchronized (notes) {
                notes.values().stream().filter(n -> n.get("issue_iid").equals(issue)).forEach(onIssue::add);
            }
            page(exchange, query, onIssue);
        } else if (notesPath.matches() && method.equals("POST") && notesPath.group(2) == null) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer(exchange, 500, "{\"message\":\"500 Internal Server Error\"}", Map.of());
                return;
            }
            Map<String, Object> note = new LinkedHashMap<>();
            note.put("id", ids.incrementAndGet());
            note.put("issue_iid", Long.parseLong(notesPath.group(1)));
            note.put("token", token);
            note.put("body", json.readTree(exchange.getRequestBody()).path("body").asText());
            note.put("edits", 0);
            synchronized (notes) {
                notes.put((Long) note.get("id"), note);
            }
            String created = json.writeValueAsString(note);
            if (slow.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                // GitLab took the note; its answer comes late.
                later.schedule(() -> {
                    answer(exchange, 201, created, Map.of());
                    return null;
                }, slowMillis, TimeUnit.MILLISECONDS);
                return;
            }
            answer(exchange, 201, created, Map.of());
        } else if (notesPath.matches() && method.equals("PUT") && notesPath.group(2) != null) {
            String body = json.readTree(exchange.getRequestBody()).path("body").asText();
            synchronized (notes) {
                Map<String, Object> note = notes.get(Long.parseLong(notesPath.group(2)));
                if (note == null) {
                    answer(exchange, 404, "{\"message\":\"404 Note Not Found\"}", Map.of());
                    return;
                }
                note.put("body", body);
                note.put("edits", (Integer) note.get("edits") + 1);
                answer(exchange, 200, json.writeValueAsString(note), Map.of());
            }
        } else {
            answer(exchange, 404, "{\"message\":\"404 Not Found\"}", Map.of());
        }
    }

    private void page(HttpExchange exchange, Map<String, String> query, List<Map<String, Object>> all) throws IOException {
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        int from = Math.min(all.size(), (page - 1) * PAGE_SIZE);
        int to = Math.min(all.size(), from + PAGE_SIZE);
        String next = to < all.size() ? Integer.toString(page + 1) : "";
        answer(exchange, 200, json.writeValueAsString(all.subList(from, to)), Map.of("X-Next-Page", next, "X-Page", Integer.toString(page)));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void answer(HttpExchange exchange, int status, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void stop() {
        later.shutdownNow();
        if (server != null) {
            server.stop(0);
        }
    }

    /** The notes GitLab holds for a package (found by the marker in their body), as the fake at {@code gitlabUrl} has them. */
    public static List<Map<String, Object>> notesOf(String gitlabUrl, String packageVersion) {
        JsonPath all = RestAssured.given().baseUri(gitlabUrl).get("/__notes").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> notes = all.getList("");
        return notes.stream().filter(n -> ((String) n.get("body")).contains("<!-- release-tracker package " + packageVersion + " -->")).toList();
    }

    public static void tell(String gitlabUrl, String path) {
        RestAssured.given().baseUri(gitlabUrl).post(path).then().statusCode(200);
    }
}
