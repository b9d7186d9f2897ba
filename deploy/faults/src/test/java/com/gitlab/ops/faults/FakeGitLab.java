package com.gitlab.ops.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitLab's notes API, as far as release-tracker uses it (GitLab itself cannot run here): one
 * project with the issue "Release 17.6"; notes listed newest first, 100 a page with
 * {@code X-Next-Page}; posted; edited. It counts the notes posted per package, read from the
 * tracker's hidden marker, so that a note posted twice shows.
 */
final class FakeGitLab implements AutoCloseable {

    static final String PROJECT = "gitlab-org/release/tasks";
    static final String RELEASE = "17.6";
    private static final long ISSUE_IID = 1;
    private static final Pattern MARKER = Pattern.compile("<!-- release-tracker package (\\S+) -->");
    private static final Pattern NOTE = Pattern.compile(".*/issues/" + ISSUE_IID + "/notes/(\\d+)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Map<String, Object>> notes = new ArrayList<>();
    private final Map<String, AtomicInteger> postsPerPackage = new ConcurrentHashMap<>();
    private final AtomicInteger edits = new AtomicInteger();

    FakeGitLab() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "fake-gitlab");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/api/v4/projects/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Notes posted per package version. */
    Map<String, Integer> postsPerPackage() {
        Map<String, Integer> posts = new java.util.TreeMap<>();
        postsPerPackage.forEach((pkg, count) -> posts.put(pkg, count.get()));
        return posts;
    }

    int edits() {
        return edits.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.endsWith("/issues")) {
                answer(exchange, 200, List.of(Map.of("iid", ISSUE_IID, "title", "Release " + RELEASE)), null);
            } else if (method.equals("GET") && path.endsWith("/issues/" + ISSUE_IID + "/notes")) {
                listNotes(exchange);
            } else if (method.equals("POST") && path.endsWith("/issues/" + ISSUE_IID + "/notes")) {
                String body = JSON.readTree(exchange.getRequestBody()).path("body").asText();
                Map<String, Object> note;
                synchronized (notes) {
                    note = new ConcurrentHashMap<>(Map.of("id", 500L + notes.size() + 1, "body", body));
                    notes.add(note);
                }
                Matcher marker = MARKER.matcher(body);
                postsPerPackage.computeIfAbsent(marker.find() ? marker.group(1) : "(no marker)", k -> new AtomicInteger()).incrementAndGet();
                answer(exchange, 201, note, null);
            } else if (method.equals("PUT") && NOTE.matcher(path).matches()) {
                edit(exchange, path);
            } else {
                answer(exchange, 404, Map.of("message", "404 Not found"), null);
            }
        }
    }

    private void listNotes(HttpExchange exchange) throws IOException {
        int page = Integer.parseInt(query(exchange, "page", "1"));
        int perPage = Integer.parseInt(query(exchange, "per_page", "20"));
        List<Map<String, Object>> newestFirst;
        synchronized (notes) {
            newestFirst = new ArrayList<>(notes);
        }
        java.util.Collections.reverse(newestFirst);
        int from = Math.min(newestFirst.size(), (page - 1) * perPage);
        int to = Math.min(newestFirst.size(), from + perPage);
        answer(exchange, 200, newestFirst.subList(from, to), to < newestFirst.size() ? Integer.toString(page + 1) : "");
    }

    private void edit(HttpExchange exchange, String path) throws IOException {
        Matcher id = NOTE.matcher(path);
        id.matches();
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        synchronized (notes) {
            for (Map<String, Object> note : notes) {
                if (((Number) note.get("id")).longValue() == Long.parseLong(id.group(1))) {
                    note.put("body", request.path("body").asText());
                    edits.incrementAndGet();
                    answer(exchange, 200, note, null);
                    return;
                }
            }
        }
        answer(exchange, 404, Map.of("message", "404 Not found"), null);
    }

    private static String query(HttpExchange exchange, String name, String otherwise) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
        }
        return otherwise;
    }

    private static void answer(HttpExchange exchange, int status, Object body, String nextPage) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (nextPage != null) {
            exchange.getResponseHeaders().add("X-Next-Page", nextPage);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
