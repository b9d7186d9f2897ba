package com.gitlab.ops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Bad HTTP requests derived from a service's own OpenAPI document: every operation with path
 * parameters that are not numbers, out of range or strange, and bodies that are not JSON, have the
 * wrong shape, wrong types, huge values or unknown fields. Sent with admin credentials so they reach
 * the handlers. What a service must never answer: a 5xx, or a stack trace.
 */
public final class BadRequestGenerator {

    public record Finding(String request, int status, String body) {
    }

    public record Report(int sent, List<Finding> findings) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STACK_TRACE = Pattern.compile("(\\tat |\\bat [a-z]+\\.[a-z]+\\.|Exception:|\\.java:\\d+\\))");
    private static final List<String> BAD_SEGMENTS = List.of("abc", "-1", "0", "9223372036854775808", "1.5", "%00", "%27%3B--",
            "..%2F..%2Fetc", "%F0%9F%92%A5", "1e10", " ", "null", "x".repeat(300));
    private static final List<String> BAD_VALUES = List.of("\"text\"", "-1", "0", "1.5", "true", "null", "[]", "{}",
            "9223372036854775808", "\"" + "a".repeat(5000) + "\"", "\"\\u0000\"", "-9223372036854775808");
    private static final List<String> BAD_BODIES = List.of("", "not json", "{", "[]", "[1,2]", "\"string\"", "42", "null", "{}",
            "{\"unknown_field\": 1}", "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String authorization;
    private final Random random = new Random(42);

    public BadRequestGenerator(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends at least {@code minimum} bad requests over every operation of the document. */
    public Report run(int minimum) throws Exception {
        JsonNode document = JSON.readTree(get("/q/openapi?format=json"));
        List<String[]> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase();
                if (List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    JsonNode operation = path.getValue().path(method.toLowerCase());
                    operations.add(new String[] {method, path.getKey(), requestFields(document, operation).toString()});
                }
            }
        }
        if (operations.isEmpty()) {
            throw new IllegalStateException("the OpenAPI document of " + baseUrl + " lists no operations");
        }
        List<Finding> findings = new ArrayList<>();
        int sent = 0;
        while (sent < minimum) {
            for (String[] op : operations) {
                for (Map.Entry<String, String> request : variants(op[0], op[1], JSON.readTree(op[2])).entrySet()) {
                    String[] parts = request.getKey().split(" ", 2);
                    HttpResponse<String> response = send(parts[0], parts[1], request.getValue());
                    sent++;
                    if (response.statusCode() >= 500 || STACK_TRACE.matcher(response.body()).find()) {
                        findings.add(new Finding(request.getKey() + " " + abbreviate(request.getValue()), response.statusCode(),
                                abbreviate(response.body())));
                    }
                }
            }
        }
        return new Report(sent, findings);
    }

    private Map<String, String> variants(String method, String template, JsonNode fields) {
        Map<String, String> requests = new java.util.LinkedHashMap<>();
        String good = template.replaceAll("\\{[^}]+}", Integer.toString(1 + random.nextInt(5)));
        boolean hasParams = template.contains("{");
        if (hasParams) {
            String bad = BAD_SEGMENTS.get(random.nextInt(BAD_SEGMENTS.size()));
            requests.put(method + " " + template.replaceAll("\\{[^}]+}", bad), "{}");
        }
        if (method.equals("GET") || method.equals("DELETE")) {
            requests.put(method + " " + good + "?project_id=" + BAD_SEGMENTS.get(random.nextInt(BAD_SEGMENTS.size()))
                    + "&target=" + BAD_SEGMENTS.get(random.nextInt(BAD_SEGMENTS.size())), "");
            return requests;
        }
        requests.put(method + " " + good, BAD_BODIES.get(random.nextInt(BAD_BODIES.size())));
        if (fields.isArray() && !fields.isEmpty()) {
            String field = fields.get(random.nextInt(fields.size())).asText();
            requests.put(method + " " + good, "{\"" + field + "\": " + BAD_VALUES.get(random.nextInt(BAD_VALUES.size())) + "}");
        }
        return requests;
    }

    /** The property names of the operation's JSON body, following a $ref to the schema. */
    private static JsonNode requestFields(JsonNode document, JsonNode operation) {
        JsonNode schema = operation.at("/requestBody/content/application~1json/schema");
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText().replace("#/", "/");
            schema = document.at(ref);
        }
        List<String> names = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(names::add);
        return JSON.valueToTree(names);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path.replace(" ", "%20")))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json");
        request.method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
