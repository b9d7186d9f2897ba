package com.gitlab.ops.testing;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
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
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One real Apache Kafka broker per test JVM (KRaft, from deploy/local/kafka), on free ports, in a
 * fresh directory. It is started on first use and dies with the JVM.
 */
public final class KafkaBroker {

    private static KafkaBroker shared;

    private final int port;
    private final int controllerPort;
    private final Path dir;
    private final Path log;
    private volatile Process process;
    private KafkaCompanion companion;

    private KafkaBroker(int port, int controllerPort, Path dir) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.dir = dir;
        this.log = dir.resolve("broker.log");
    }

    public static synchronized KafkaBroker shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
        }
        return shared;
    }

    /** A broker of the caller's own, for a suite that stops and restarts it; it dies with the JVM too. */
    public static KafkaBroker startNew() {
        return start();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Quarkus's Kafka test client for this broker: what another system sends and reads. */
    public synchronized KafkaCompanion companion() {
        if (companion == null) {
            companion = new KafkaCompanion(bootstrapServers());
        }
        return companion;
    }

    /**
     * Stops the broker as an orderly shutdown does (SIGTERM) and starts it again on the same ports and
     * data: what clients see when a broker is restarted.
     */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** Stops the broker as an orderly shutdown does (SIGTERM): clients see it gone until {@link #startAgain()}. */
    public synchronized void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the broker", e);
        }
    }

    /** Starts a stopped broker again on the same ports and data. */
    public synchronized void startAgain() {
        launch();
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

    /**
     * Whether a consumer group has settled: stable, with every partition of the topic assigned to one
     * of its members. After the broker comes back, readiness can be UP while the group still
     * rebalances, and an event sent then waited 30 s for it.
     */
    public boolean groupConsumes(String group, String topic) {
        try (Admin admin = admin()) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS);
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions().size();
            long assigned = description.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                    .filter(p -> p.topic().equals(topic)).count();
            return description.groupState() == GroupState.STABLE && assigned == partitions;
        } catch (ExecutionException | TimeoutException e) {
            return false; // the coordinator not there yet: not settled
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    private static KafkaBroker start() {
        try {
            int[] ports = ChildProcesses.freePorts(2); // the client port and the controller's, never the same
            KafkaBroker broker = new KafkaBroker(ports[0], ports[1], Files.createTempDirectory("test-kafka-"));
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() {
        // C1 only, as ./stack runs it: a test's few events gain nothing from C2, which took a third of
        // the broker's CPU to start.
        process = ChildProcesses.start(List.of(ChildProcesses.java(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", HarnessLocations.brokerClasspath(), "com.gitlab.ops.local.kafka.BrokerMain",
                "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort),
                "--data-dir", dir.toString(), "--exit-with-parent"), log, Map.of());
        awaitReady();
    }

    private void awaitReady() {
        ChildProcesses.awaitReady(process, "Kafka broker at " + bootstrapServers(), log, Duration.ofSeconds(60), () -> {
            // The port first: an admin client polling a closed port only fills the log.
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                // open
            }
            try (Admin admin = admin()) {
                return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
            }
        });
    }
}
