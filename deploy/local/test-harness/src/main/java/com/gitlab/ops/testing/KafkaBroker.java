package com.gitlab.ops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One real Apache Kafka broker per test JVM (KRaft, from deploy/local/kafka), on free ports, in a
 * fresh directory. It is started on first use and dies with the JVM.
 */
public final class KafkaBroker {

    private static KafkaBroker shared;

    private final String bootstrapServers;
    private final Process process;
    private final Path log;

    private KafkaBroker(String bootstrapServers, Process process, Path log) {
        this.bootstrapServers = bootstrapServers;
        this.process = process;
        this.log = log;
    }

    public static synchronized KafkaBroker shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
        }
        return shared;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates topics that do not exist yet, with three partitions each. */
    public void createTopics(Collection<String> topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = topics.stream().map(t -> new NewTopic(t, 3, (short) 1)).toList();
            admin.createTopics(newTopics).values().values().forEach(f -> {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic: " + e.getCause().getMessage(), e);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("could not create topics " + topics, e);
                }
            });
        }
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    private static int port(String bootstrapServers) {
        return Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
    }

    private static KafkaBroker start() {
        int port = ChildProcesses.freePort();
        int controllerPort = ChildProcesses.freePort();
        Path dir;
        try {
            dir = Files.createTempDirectory("test-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = dir.resolve("broker.log");
        Process process = ChildProcesses.start(List.of(ChildProcesses.java(), "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", HarnessLocations.brokerClasspath(), "com.gitlab.ops.local.kafka.BrokerMain",
                "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort),
                "--data-dir", dir.toString(), "--exit-with-parent"), log, Map.of());
        KafkaBroker broker = new KafkaBroker("127.0.0.1:" + port, process, log);
        broker.awaitReady();
        return broker;
    }

    private void awaitReady() {
        ChildProcesses.awaitReady(process, "Kafka broker at " + bootstrapServers, log, Duration.ofSeconds(60), () -> {
            // The port first: an admin client polling a closed port only fills the log.
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port(bootstrapServers))) {
                // open
            }
            try (Admin admin = admin()) {
                return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
            }
        });
    }
}
