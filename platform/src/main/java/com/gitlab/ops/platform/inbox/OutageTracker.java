package com.gitlab.ops.platform.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
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
public class OutageTracker {

    /** @param ownPart the database or the broker, without which the service is not ready; else another service it calls */
    private record Wait(Instant since, String lastError, boolean ownPart) {
    }

    private final Map<String, Wait> waits = new ConcurrentHashMap<>();
    private final Clock clock;

    public OutageTracker(Clock clock) {
        this.clock = clock;
    }

    void waiting(String topic, String error, boolean ownPart) {
        waits.compute(topic, (t, wait) -> new Wait(wait == null ? clock.instant() : wait.since(), error, ownPart));
    }

    void over(String topic) {
        waits.remove(topic);
    }

    /**
     * DOWN while a consumer waits for the service's own database or broker. Waiting for another
     * service is reported but leaves it UP: taking this one out of its Service would make its API
     * unavailable too, for an outage elsewhere.
     */
    HealthCheckResponse health() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Event consumers")
                .status(waits.values().stream().noneMatch(Wait::ownPart));
        waits.forEach((topic, wait) -> response.withData(topic, "waiting out an outage since " + wait.since() + ": " + wait.lastError()));
        return response.build();
    }
}
