package com.gitlab.ops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.util.Arrays;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the JVM's real Kafka broker. Init arg {@code topics}: a comma
 * separated list to create before the application starts (the broker also creates topics on first
 * use, with three partitions). A test's {@code @InjectKafkaCompanion KafkaCompanion} field gets a
 * companion for this broker, as Quarkus's own {@code KafkaCompanionResource} would for a container.
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
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(KafkaBroker.shared().companion(),
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaCompanion.class, KafkaCompanion.class));
    }

    @Override
    public void stop() {
        // The broker serves every test of this JVM and stops with it.
    }
}
