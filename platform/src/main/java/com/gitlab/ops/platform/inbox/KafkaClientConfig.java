package com.gitlab.ops.platform.inbox;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Properties;

/**
 * The connection settings of the services' own Kafka clients (readiness, dead-letter replay): the
 * same {@code kafka.*} configuration as the channels, as Quarkus exposes it, so bootstrap servers,
 * TLS and SASL settings reach them too.
 */
@ApplicationScoped
public class KafkaClientConfig {

    private final Map<String, Object> channels;

    public KafkaClientConfig(@Identifier("default-kafka-broker") Map<String, Object> channels) {
        this.channels = Map.copyOf(channels);
    }

    /** A new set of the channels' settings, to add a client's own to. */
    public Properties properties() {
        Properties props = new Properties();
        props.putAll(channels);
        return props;
    }
}
