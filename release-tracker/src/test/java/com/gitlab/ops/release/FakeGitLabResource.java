package com.gitlab.ops.release;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for GitLab's API, which cannot run here: one project where every release issue
 * searched for exists as iid 101, beside a decoy titled "... retrospective" (iid 102). It records the notes posted, answers 500
 * to the next N posts when told to ({@code POST /__fail?times=N}), and lists what it received
 * ({@code GET /__notes}: one JSON body a line, prefixed by the issue iid and the token).
 */
public class FakeGitLabResource implements QuarkusTestResourceLifecycleManager {

    public static final String PROJECT = "gitlab-org/release/tasks";
    public static final String TOKEN = "glpat-test-token";

    private HttpServer server;
    private final List<String> notes = new ArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String project = "/api/v4/projects/gitlab-org%2Frelease%2Ftasks";
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (notes) {
                if (path.equals("/__fail")) {
                    failures.set(Integer.parseInt(exchange.getRequestURI().getQuery().replace("times=", "")));
                    answer(exchange, 200, "{}");
                } else if (path.equals("/__notes")) {
                    answer(exchange, 200, String.join("\n", notes));
                } else if (path.equals(project + "/issues") && method.equals("GET")) {
                    // GitLab's search matches titles containing the words: the decoy comes first.
                    String title = java.net.URLDecoder.decode(exchange.getRequestURI().getRawQuery().replaceAll(".*search=([^&]*).*", "$1"),
                            StandardCharsets.UTF_8);
                    answer(exchange, 200, "[{\"iid\":102,\"title\":\"" + title + " retrospective\"},{\"iid\":101,\"title\":\"" + title + "\"}]");
                } else if (path.matches(project + "/issues/\\d+/notes") && method.equals("POST")) {
                    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        answer(exchange, 500, "{\"message\":\"500 Internal Server Error\"}");
                        return;
                    }
                    String iid = path.replaceAll(".*/issues/(\\d+)/notes", "$1");
                    notes.add(iid + " " + exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN") + " " + body);
                    answer(exchange, 201, "{\"id\":" + (9000 + notes.size()) + "}");
                } else {
                    answer(exchange, 404, "{\"message\":\"404 Not Found\"}");
                }
            }
        });
        server.start();
        return Map.of(
                "release-tracker.gitlab-url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "release-tracker.gitlab-token", TOKEN,
                "release-tracker.gitlab-project", PROJECT);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
