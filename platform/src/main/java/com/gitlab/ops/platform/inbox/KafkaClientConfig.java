package com.gitlab.ops.platform.inbox;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The connection settings of the services' own Kafka clients (readiness, dead-letter replay): the
 * same {@code kafka.*} configuration as the channels, as Quarkus exposes it, so bootstrap servers,
 * TLS and SASL settings reach them too. Each client gets only the settings it knows, and never the
 * channels' consumer group.
 */
@ApplicationScoped
public class KafkaClientConfig {

    private final Map<String, Object> channels;

    public KafkaClientConfig(@Identifier("default-kafka-broker") Map<String, Object> channels) {
        this.channels = Map.copyOf(channels);
    }

    public Properties admin() {
        return only(AdminClientConfig.configNames());
    }

    public Properties consumer() {
        return only(ConsumerConfig.configNames());
    }

    public Properties producer() {
        return only(ProducerConfig.configNames());
    }

    private Properties only(Set<String> known) {
        Properties props = new Properties();
        channels.forEach((name, value) -> {
            if (known.contains(name) && !name.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
                props.put(name, value);
            }
        });
        return props;
    }
}
