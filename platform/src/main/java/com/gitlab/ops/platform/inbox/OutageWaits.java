package com.gitlab.ops.platform.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The consumers waiting out an outage: their topic, since when, the last error. Each waits, with
 * backoff, until the part it needs is back ({@link InboxProcessor}); {@link ConsumersReadiness}
 * reports them.
 */
@ApplicationScoped
public class OutageWaits {

    private record Wait(Instant since, String lastError) {
    }

    private final Map<String, Wait> waits = new ConcurrentHashMap<>();

    void waiting(String topic, String error) {
        waits.compute(topic, (t, wait) -> new Wait(wait == null ? Instant.now() : wait.since(), error));
    }

    void over(String topic) {
        waits.remove(topic);
    }

    HealthCheckResponse health() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Event consumers").status(waits.isEmpty());
        waits.forEach((topic, wait) -> response.withData(topic, "waiting out an outage since " + wait.since() + ": " + wait.lastError()));
        return response.build();
    }
}
