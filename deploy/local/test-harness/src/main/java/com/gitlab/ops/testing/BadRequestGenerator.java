package com.gitlab.ops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bad HTTP requests derived from a service's own OpenAPI document, each bad in one way only: a path
 * parameter that is not a number, out of range or strange (the others naming seeded resources that
 * exist, so the request reaches the resource and is not stopped by a 404 first), a declared query
 * parameter with a bad value, a body that is not JSON or has the wrong shape, or a valid body (given
 * by the test, see {@link #validBody}) with one field of a wrong type or a huge value. Sent with admin credentials so they reach the
 * handlers. What a service must answer: a 4xx whose body is the JSON error shape
 * {@code {"error": "<sentence>"}}, and never a stack trace.
 */
public final class BadRequestGenerator {

    /** @param atExisting its path names what exists: only its query or body is bad, so a 404 means the seed missed */
    public record Request(String method, String path, String body, boolean atExisting) {
        @Override
        public String toString() {
            return method + " " + path + (body.isEmpty() ? "" : " " + abbreviate(body));
        }
    }

    public record Finding(Request request, int status, String body, String why) {
        @Override
        public String toString() {
            return request + " -> " + status + " " + why + ": " + (body.length() > 120 ? body.substring(0, 120) + "…" : body);
        }
    }

    /** What was sent, what came back (count per status), and every answer that was not a 4xx with a sentence. */
    public record Report(int sent, Map<Integer, Integer> statuses, List<Finding> findings) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where the bad value goes in a valid body, replaced as text so that a huge or deep value is sent as it is. */
    private static final String BAD_VALUE_HERE = "<bad value " + java.util.UUID.randomUUID() + ">";
    private static final Pattern STACK_TRACE = Pattern.compile("(\\tat |\\bat [a-z]+\\.[a-z]+\\.|Exception:|\\.java:\\d+\\))");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}:]+)(?::[^}]*)?}");
    private static final List<String> BAD_SEGMENTS = List.of("abc", "-1", "0", "9223372036854775808", "1.5", "%00", "%27%3B--",
            "..%2F..%2Fetc", "%F0%9F%92%A5", "1e10", "%20", "null", "x".repeat(300));
    /** Values no field of the type accepts, whatever it means. */
    private static final Map<String, List<String>> BAD_VALUES = Map.of(
            "string", List.of("0", "true", "1.5", "[]", "{}", "\"" + "a".repeat(100_000) + "\"", "\"\\u0000\"", "-9223372036854775808"),
            "integer", List.of("\"text\"", "1.5", "true", "[]", "{}", "9223372036854775808", "\"\"", "1e400"),
            "boolean", List.of("\"text\"", "1", "[]", "{}", "\"yes\""),
            "other", List.of("\"text\"", "1.5", "true", "9223372036854775808", "\"\\u0000\""));
    private static final List<String> BAD_BODIES = List.of("not json", "{", "[]", "[1,2]", "\"string\"", "42",
            "{\"unknown_field\": 1}", "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}");
    /** Bad only where a body is required. */
    private static final List<String> NO_BODIES = List.of("", "null");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String authorization;
    private final Map<String, String> existing = new HashMap<>();
    private final Map<String, Set<String>> valid = new HashMap<>();
    private final Map<String, String> validBodies = new HashMap<>();
    /** Per operation and slot, the next value of its list: each slot goes through every value in turn. */
    private final Map<String, Integer> turns = new HashMap<>();

    public BadRequestGenerator(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A path parameter's value that names a resource the test seeded, e.g. {@code incidentIid -> 3}; others get 1. */
    public BadRequestGenerator existing(String parameter, Object value) {
        existing.put(parameter, value.toString());
        return this;
    }

    /** The same for one path only, where the parameter names something else than elsewhere (a group's usage). */
    public BadRequestGenerator existing(String template, String parameter, Object value) {
        existing.put(template + " " + parameter, value.toString());
        return this;
    }

    /** Segments of the bad list that are in fact valid for this parameter (a release named "1.5"): never sent in it. */
    public BadRequestGenerator valid(String parameter, String... segments) {
        valid.put(parameter, Set.of(segments));
        return this;
    }

    /**
     * A body the operation accepts, e.g. {@code validBody("POST /api/projects/{projectId}/incidents", "{\"title\": \"Down\"}")}:
     * each field is then made bad in it alone, so that the request fails for that field and not for
     * the ones missing around it. Every operation whose body has fields needs one.
     */
    public BadRequestGenerator validBody(String operation, String json) {
        validBodies.put(operation, json);
        return this;
    }

    /** Sends at least {@code minimum} bad requests, cycling every operation of the document and every kind of badness. */
    public Report run(int minimum) throws Exception {
        JsonNode document = JSON.readTree(get("/q/openapi?format=json"));
        List<Operation> operations = operations(document);
        List<String> missing = operations.stream().filter(op -> !op.fields().isEmpty() && !validBodies.containsKey(op.name()))
                .map(Operation::name).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no valid body given for " + missing + ": give one with validBody(...)");
        }
        for (Operation op : operations) {
            if (validBodies.containsKey(op.name())) {
                // Else every request made from it would fail for what is already wrong in it.
                HttpResponse<String> response = send(new Request(op.method(), fill(op.template(), null, null), validBodies.get(op.name()), true));
                if (response.statusCode() >= 300) {
                    throw new IllegalStateException("the valid body for " + op.name() + " was refused: " + response.statusCode() + " "
                            + abbreviate(response.body()));
                }
            }
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<Finding> findings = new ArrayList<>();
        int sent = 0;
        while (sent < minimum) {
            for (Operation op : operations) {
                for (Request request : variants(op)) {
                    HttpResponse<String> response = send(request);
                    sent++;
                    statuses.merge(response.statusCode(), 1, Integer::sum);
                    String why = wrong(request, response);
                    if (why != null) {
                        findings.add(new Finding(request, response.statusCode(), abbreviate(response.body()), why));
                    }
                }
            }
        }
        return new Report(sent, statuses, findings);
    }

    /** Null when the answer is what a bad request must get; else what is wrong with it. */
    private static String wrong(Request request, HttpResponse<String> response) {
        if (STACK_TRACE.matcher(response.body()).find()) {
            return "a stack trace";
        }
        if (response.statusCode() < 400 || response.statusCode() >= 500) {
            return "not a 4xx";
        }
        if (request.atExisting() && response.statusCode() == 404) {
            return "a 404 where the path names a seeded resource: the bad query or body never reached its check";
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body != null && body.path("error").isTextual() && body.path("error").asText().trim().length() >= 10) {
                return null;
            }
        } catch (Exception e) {
            // Not JSON: reported below.
        }
        return "not {\"error\": \"<sentence>\"}";
    }

    /** An operation; {@code fields} maps each body property to its type. */
    private record Operation(String method, String template, List<String> query, Map<String, String> fields, boolean hasBody,
            boolean bodyRequired) {

        String name() {
            return method + " " + template;
        }
    }

    private static List<Operation> operations(JsonNode document) {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : List.of("get", "post", "put", "patch", "delete")) {
                JsonNode operation = path.getValue().path(method);
                if (operation.isMissingNode()) {
                    continue;
                }
                List<String> query = new ArrayList<>();
                for (JsonNode parameter : operation.path("parameters")) {
                    if ("query".equals(parameter.path("in").asText())) {
                        query.add(parameter.path("name").asText());
                    }
                }
                operations.add(new Operation(method.toUpperCase(), path.getKey(), query, requestFields(document, operation),
                        operation.has("requestBody"), operation.path("requestBody").path("required").asBoolean(false)));
            }
        }
        if (operations.isEmpty()) {
            throw new IllegalStateException("the OpenAPI document lists no operations");
        }
        return operations;
    }

    /** One request per kind of badness the operation can have, each bad in that one way. */
    private List<Request> variants(Operation op) {
        List<Request> requests = new ArrayList<>();
        String good = fill(op.template(), null, null);
        Matcher parameters = PARAMETER.matcher(op.template());
        while (parameters.find()) {
            String parameter = parameters.group(1);
            String bad = next(op, parameter, BAD_SEGMENTS);
            while (valid.getOrDefault(parameter, Set.of()).contains(bad)) {
                bad = next(op, parameter, BAD_SEGMENTS);
            }
            requests.add(new Request(op.method(), fill(op.template(), parameter, bad), op.hasBody() ? "{}" : "", false));
        }
        for (String query : op.query()) {
            requests.add(new Request(op.method(), good + "?" + query + "=" + next(op, "?" + query, BAD_SEGMENTS), "", true));
        }
        if (op.hasBody()) {
            requests.add(new Request(op.method(), good, next(op, "body", BAD_BODIES), true));
            if (op.bodyRequired()) {
                requests.add(new Request(op.method(), good, next(op, "no body", NO_BODIES), true));
            }
            op.fields().forEach((field, type) -> requests.add(new Request(op.method(), good,
                    withField(validBodies.get(op.name()), field, next(op, field, BAD_VALUES.getOrDefault(type, BAD_VALUES.get("other")))), true)));
        }
        return requests;
    }

    /** The valid body with one field set to a bad JSON value, as text (a huge or deep value is kept as it is). */
    private static String withField(String validBody, String field, String badValue) {
        try {
            ObjectNode body = (ObjectNode) JSON.readTree(validBody);
            body.put(field, BAD_VALUE_HERE);
            return body.toString().replace("\"" + BAD_VALUE_HERE + "\"", badValue);
        } catch (Exception e) {
            throw new IllegalArgumentException("the valid body is not a JSON object: " + validBody, e);
        }
    }

    private String next(Operation op, String slot, List<String> values) {
        int turn = turns.merge(op.name() + " " + slot, 1, Integer::sum) - 1;
        return values.get(turn % values.size());
    }

    /** The template with every parameter naming what exists, but {@code bad} (when given) in place of {@code badParameter}. */
    private String fill(String template, String badParameter, String bad) {
        Matcher m = PARAMETER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = m.group(1).equals(badParameter) ? bad
                    : existing.getOrDefault(template + " " + m.group(1), existing.getOrDefault(m.group(1), "1"));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /** The properties of the operation's JSON body and their types, following $refs to the schemas. */
    private static Map<String, String> requestFields(JsonNode document, JsonNode operation) {
        JsonNode schema = resolve(document, operation.at("/requestBody/content/application~1json/schema"));
        Map<String, String> fields = new TreeMap<>();
        schema.path("properties").fields().forEachRemaining(p -> fields.put(p.getKey(), resolve(document, p.getValue()).path("type").asText("other")));
        return fields;
    }

    private static JsonNode resolve(JsonNode document, JsonNode schema) {
        return schema.has("$ref") ? document.at(schema.get("$ref").asText().replace("#/", "/")) : schema;
    }

    private HttpResponse<String> send(Request r) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + r.path().replace(" ", "%20")))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json");
        request.method(r.method(), r.body().isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(r.body()));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
