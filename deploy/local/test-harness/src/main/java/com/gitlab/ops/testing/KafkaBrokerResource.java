package com.gitlab.ops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Arrays;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the JVM's real Kafka broker. Init arg {@code topics}: a comma
 * separated list to create before the application starts (the broker also creates topics on first
 * use, with three partitions).
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private String topics = "";

    @Override
    public void init(Map<String, String> initArgs) {
        topics = initArgs.getOrDefault("topics", "");
    }

    @Override
    public Map<String, String> start() {
        KafkaBroker broker = KafkaBroker.shared();
        if (!topics.isBlank()) {
            broker.createTopics(Arrays.stream(topics.split(",")).map(String::trim).toList());
        }
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker serves every test of this JVM and stops with it.
    }
}
