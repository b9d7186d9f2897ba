package com.gitlab.ops.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each overlay with {@code kubectl kustomize} and checks what can be checked without a
 * cluster, against the services' own sources: configuration keys, topics, probes and ports, secrets.
 */
class ManifestConsistencyTest {

    private static final Path ROOT = Path.of(System.getProperty("repository.root", "../..")).toAbsolutePath().normalize();
    private static final List<String> SERVICES = List.of("incident-service", "release-tracker", "import-service");
    private static final List<String> CONTRACT_TOPICS = List.of("alerts", "incident-escalations", "incident-pages", "deploys",
            "imports", "import-events");
    /** Read by the image's run-java.sh, not by the application. */
    private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS_APPEND");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|TOKEN|SECRET|CREDENTIAL).*");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyOverlayIsConsistentWithTheServices(String overlay) throws Exception {
        List<JsonNode> docs = render(overlay);
        Map<String, Integer> partitions = new HashMap<>();
        for (JsonNode topic : ofKind(docs, "KafkaTopic")) {
            partitions.put(topic.at("/spec/topicName").asText(), topic.at("/spec/partitions").asInt());
        }
        for (String topic : CONTRACT_TOPICS) {
            assertTrue(partitions.containsKey(topic), overlay + ": no KafkaTopic for " + topic);
            assertTrue(partitions.containsKey(topic + ".dlq"), overlay + ": no KafkaTopic for " + topic + ".dlq");
        }
        assertTrue(ofKind(docs, "Secret").isEmpty(), overlay + ": a Secret is in the manifests; secrets are created outside them");

        Map<String, JsonNode> configMaps = new HashMap<>();
        for (JsonNode cm : ofKind(docs, "ConfigMap")) {
            configMaps.put(cm.at("/metadata/name").asText(), cm.path("data"));
            cm.path("data").fieldNames().forEachRemaining(key ->
                    assertFalse(SECRET_NAME.matcher(key).matches(), overlay + ": ConfigMap " + cm.at("/metadata/name").asText()
                            + " holds " + key + ", which belongs in a Secret"));
        }

        for (String service : SERVICES) {
            JsonNode deployment = named(docs, "Deployment", service);
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            Map<String, String> env = environment(container, configMaps, overlay + "/" + service);
            Set<String> known = knownVariables(service);
            for (String name : env.keySet()) {
                assertTrue(known.contains(name) || IMAGE_VARIABLES.contains(name),
                        overlay + "/" + service + ": " + name + " is not a configuration key of the service");
            }
            for (JsonNode var : container.path("env")) {
                if (SECRET_NAME.matcher(var.path("name").asText()).matches()) {
                    assertTrue(var.at("/valueFrom/secretKeyRef").isObject(),
                            overlay + "/" + service + ": " + var.path("name").asText() + " must come from a Secret, not a value");
                }
            }

            if (service.equals("incident-service")) {
                // Incident numbers come from import-service: wired to its Service.
                assertEquals("http://" + named(docs, "Service", "import-service").at("/metadata/name").asText(), env.get("IMPORT_SERVICE_URL"),
                        overlay + "/incident-service: IMPORT_SERVICE_URL");
            }
            int port = container.path("ports").get(0).path("containerPort").asInt();
            assertEquals(Integer.toString(port), env.get("QUARKUS_HTTP_PORT"), overlay + "/" + service + ": the port it listens on");
            assertProbe(container, "readinessProbe", "/q/health/ready", overlay + "/" + service);
            assertProbe(container, "livenessProbe", "/q/health/live", overlay + "/" + service);
            assertProbe(container, "startupProbe", "/q/health/started", overlay + "/" + service);

            JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
            assertSelects(named(docs, "Service", service).at("/spec/selector"), podLabels, overlay + "/Service " + service);
            assertSelects(named(docs, "PodDisruptionBudget", service).at("/spec/selector/matchLabels"), podLabels,
                    overlay + "/PodDisruptionBudget " + service);

            Set<String> topics = topicsOf(service);
            for (String topic : topics) {
                assertTrue(partitions.containsKey(topic), overlay + "/" + service + " uses topic " + topic + ", which has no KafkaTopic");
            }
            JsonNode hpa = named(docs, "HorizontalPodAutoscaler", service);
            assertEquals(service, hpa.at("/spec/scaleTargetRef/name").asText());
            String scalesWith = hpa.at("/metadata/annotations/gitlab-ops~1scales-with-topic").asText();
            assertTrue(consumedTopics(service).contains(scalesWith), overlay + "/" + service + " scales with " + scalesWith
                    + ", which it does not consume");
            int consumers = consumersPerPod(service, scalesWith, env);
            assertEquals(partitions.get(scalesWith).intValue(), hpa.at("/spec/maxReplicas").asInt() * consumers,
                    overlay + "/" + service + ": the HPA's ceiling times each pod's " + consumers + " consumer(s) of " + scalesWith
                            + " is its partitions (more would sit idle)");
            assertTrue(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt() > 20,
                    overlay + "/" + service + ": the grace period must outlast the 20 s shutdown timeout");
        }
    }

    private static void assertProbe(JsonNode container, String probe, String path, String where) {
        JsonNode get = container.path(probe).path("httpGet");
        assertEquals(path, get.path("path").asText(), where + ": " + probe + " path");
        String port = get.path("port").asText();
        boolean named = false;
        for (JsonNode p : container.path("ports")) {
            named |= port.equals(p.path("name").asText()) || port.equals(p.path("containerPort").asText());
        }
        assertTrue(named, where + ": " + probe + " port " + port + " is not a port of the container");
    }

    private static void assertSelects(JsonNode selector, JsonNode podLabels, String where) {
        assertTrue(selector.isObject() && selector.size() > 0, where + ": an empty selector selects every pod");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), podLabels.path(e.getKey()).asText(),
                where + " selects " + e.getKey() + "=" + e.getValue().asText()));
    }

    /** The variables a container gets: its env and every ConfigMap it takes whole. */
    private static Map<String, String> environment(JsonNode container, Map<String, JsonNode> configMaps, String where) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String name = from.at("/configMapRef/name").asText();
            JsonNode data = configMaps.get(name);
            if (data == null) {
                fail(where + " takes ConfigMap " + name + ", which the overlay does not have");
            }
            data.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        for (JsonNode var : container.path("env")) {
            env.put(var.path("name").asText(), var.path("value").asText(null));
        }
        return env;
    }

    /** Every variable the service reads: named in an expression, or a property key in environment form. */
    private static Set<String> knownVariables(String service) throws IOException {
        Set<String> known = new HashSet<>();
        for (Path file : configFiles(service)) {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher expression = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(line);
                while (expression.find()) {
                    known.add(expression.group(1));
                }
                String key = line.split("=", 2)[0].trim();
                if (!key.startsWith("%")) {
                    known.add(key.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
                }
            }
        }
        return known;
    }

    private static List<Path> configFiles(String service) {
        return List.of(ROOT.resolve(service + "/src/main/resources/application.properties"),
                ROOT.resolve("platform/src/main/resources/META-INF/microprofile-config.properties"));
    }

    /**
     * A pod's consumers of the topic: its channel's {@code concurrency} (SmallRye's channel copies),
     * as the pod's environment sets it or else the default the service's configuration gives; 1
     * without one.
     */
    private static int consumersPerPod(String service, String topic, Map<String, String> env) throws IOException {
        String config = Files.readString(configFiles(service).get(0));
        Matcher channel = Pattern.compile("(?m)^mp\\.messaging\\.incoming\\.([^.]+)\\.topic=" + Pattern.quote(topic) + "\\s*$").matcher(config);
        if (!channel.find()) {
            return 1;
        }
        Matcher concurrency = Pattern.compile("(?m)^mp\\.messaging\\.incoming\\." + Pattern.quote(channel.group(1))
                + "\\.concurrency=(?:\\$\\{(\\w+):(\\d+)\\}|(\\d+))\\s*$").matcher(config);
        if (!concurrency.find()) {
            return 1;
        }
        if (concurrency.group(3) != null) {
            return Integer.parseInt(concurrency.group(3));
        }
        return Integer.parseInt(env.getOrDefault(concurrency.group(1), concurrency.group(2)));
    }

    private static Set<String> consumedTopics(String service) throws IOException {
        Set<String> topics = new HashSet<>();
        Matcher m = Pattern.compile("(?m)^mp\\.messaging\\.incoming\\.[^.]+\\.topic=(.+)$")
                .matcher(Files.readString(configFiles(service).get(0)));
        while (m.find()) {
            topics.add(m.group(1).trim());
        }
        return topics;
    }

    /** Topics the service reads, dead-letters to, or publishes to (outbox topics are constants in its code). */
    private static Set<String> topicsOf(String service) throws IOException {
        Set<String> topics = new HashSet<>(consumedTopics(service));
        Matcher dlq = Pattern.compile("(?m)^mp\\.messaging\\.incoming\\.[^.]+\\.dead-letter-queue\\.topic=(.+)$")
                .matcher(Files.readString(configFiles(service).get(0)));
        while (dlq.find()) {
            topics.add(dlq.group(1).trim());
        }
        try (Stream<Path> sources = Files.walk(ROOT.resolve(service + "/src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher constant = Pattern.compile("TOPIC = \"([^\"]+)\"").matcher(Files.readString(source));
                while (constant.find()) {
                    topics.add(constant.group(1));
                }
            }
        }
        assertFalse(topics.isEmpty(), service + " uses no topic?");
        return topics;
    }

    private static List<JsonNode> render(String overlay) throws Exception {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve("deploy/k8s/overlays/" + overlay).toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("kubectl is needed to render the manifests (it is on this project's machines; "
                    + "elsewhere install it from Kubernetes' packages)", e);
        }
        String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, kubectl.exitValue(), "kubectl kustomize " + overlay + " failed:\n" + output);
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(output)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !(d instanceof MissingNode) && d.has("kind")) {
                    docs.add(d);
                }
            });
        }
        assertTrue(docs.size() > 20, "rendered only " + docs.size() + " objects");
        return docs;
    }

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    private static JsonNode named(List<JsonNode> docs, String kind, String name) {
        return ofKind(docs, kind).stream().filter(d -> name.equals(d.at("/metadata/name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }
}
