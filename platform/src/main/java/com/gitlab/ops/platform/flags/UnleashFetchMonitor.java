package com.gitlab.ops.platform.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.FeatureSet;
import io.getunleash.event.UnleashSubscriber;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the Unleash SDK last fetched, for {@code GET /admin/flags}: when, with what outcome, and each
 * flag's strategies in this service's environment as Unleash sent them. The Unleash extension
 * subscribes this bean to the SDK's events.
 */
@ApplicationScoped
@Unremovable
public class UnleashFetchMonitor implements UnleashSubscriber {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile Instant lastFetchAt;
    private volatile String lastFetch = "not yet";
    private volatile Instant lastChangeAt;
    private volatile boolean fromBackup;
    private final Map<String, JsonNode> features = new ConcurrentHashMap<>();
    private final Clock clock;

    public UnleashFetchMonitor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void togglesFetched(ClientFeaturesResponse response) {
        lastFetchAt = clock.instant();
        switch (response.getStatus()) {
            case CHANGED -> {
                lastFetch = "changed";
                lastChangeAt = lastFetchAt;
                fromBackup = false;
                response.getClientFeatures().ifPresent(this::remember);
            }
            case NOT_CHANGED -> lastFetch = "not changed";
            default -> lastFetch = "unavailable (HTTP " + response.getHttpStatusCode() + ")";
        }
    }

    @Override
    public void featuresBackupRestored(FeatureSet features) {
        fromBackup = true;
    }

    private void remember(String clientFeatures) {
        try {
            Map<String, JsonNode> now = new java.util.HashMap<>();
            for (JsonNode feature : JSON.readTree(clientFeatures).path("features")) {
                now.put(feature.path("name").asText(), feature);
            }
            features.keySet().retainAll(now.keySet());
            features.putAll(now);
        } catch (IOException e) {
            lastFetch = "changed, but not readable here: " + e.getMessage();
        }
    }

    /** The flag as Unleash last sent it (enabled, strategies), if it knows it. */
    public Optional<JsonNode> feature(String flag) {
        return Optional.ofNullable(features.get(flag));
    }

    public Optional<Instant> lastFetchAt() {
        return Optional.ofNullable(lastFetchAt);
    }

    public String lastFetch() {
        return lastFetch;
    }

    public Optional<Instant> lastChangeAt() {
        return Optional.ofNullable(lastChangeAt);
    }

    /** The flags in force came from the SDK's backup file (Unleash not reached since the start). */
    public boolean fromBackup() {
        return fromBackup;
    }
}
