package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.config.PlatformConfig;
import com.gitlab.ops.platform.error.Causes;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness DOWN while the broker does not answer, within a bound: Quarkus's own Kafka check waited
 * for its admin client's default (a minute) with the broker gone, so the probe itself hung instead of
 * answering 503.
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    private final KafkaClientConfig clients;
    private final Duration timeout;
    private AdminClient admin;

    public KafkaReadiness(KafkaClientConfig clients, PlatformConfig config) {
        this.clients = clients;
        this.timeout = config.kafka().readinessTimeout();
    }

    @Override
    public HealthCheckResponse call() {
        try {
            Collection<Node> nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return HealthCheckResponse.named("Kafka broker").up().withData("nodes", nodes.size()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        } catch (Exception e) {
            return down(Causes.describe(e));
        }
    }

    private static HealthCheckResponse down(String why) {
        return HealthCheckResponse.named("Kafka broker").down().withData("error", why).build();
    }

    private synchronized AdminClient admin() {
        if (admin == null) {
            Properties props = clients.admin();
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "readiness");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            admin = AdminClient.create(props);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
