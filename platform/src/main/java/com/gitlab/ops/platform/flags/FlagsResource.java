package com.gitlab.ops.platform.flags;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Admin: every flag this service evaluates, with its definition and what Unleash says of it now, so
 * that an operator rolling a flag out sees what each service sees.
 */
@Path("/admin/flags")
@Produces(MediaType.APPLICATION_JSON)
public class FlagsResource {

    private final FlagDefinitionRegistry definitions;
    private final UnleashFetchMonitor fetches;
    private final MeterRegistry registry;

    public FlagsResource(FlagDefinitionRegistry definitions, UnleashFetchMonitor fetches, MeterRegistry registry) {
        this.definitions = definitions;
        this.fetches = fetches;
        this.registry = registry;
    }

    /**
     * A flag as this service sees it.
     *
     * @param knownToUnleash whether Unleash sent the flag at the last fetch; when not, the
     *                       definition's default_enabled applies
     * @param enabled        Unleash's switch for this service's environment, null when unknown
     * @param strategies     the strategies in force in this service's environment, as Unleash sent them
     * @param evaluations    evaluations since the service started, by result
     */
    public record FlagView(String name, FlagDefinition definition, boolean knownToUnleash, Boolean enabled, JsonNode strategies,
            Map<String, Long> evaluations) {
    }

    /** The whole answer: when the service last fetched from Unleash, and each flag. */
    public record FlagsView(Instant lastFetchAt, String lastFetch, Instant lastChangeAt, boolean fromBackup, List<FlagView> flags) {
    }

    @GET
    public FlagsView flags() {
        List<FlagView> flags = definitions.all().values().stream().map(definition -> {
            JsonNode feature = fetches.feature(definition.name()).orElse(null);
            return new FlagView(definition.name(), definition, feature != null, feature == null ? null : feature.path("enabled").asBoolean(),
                    feature == null ? null : feature.path("strategies"), evaluations(definition.name()));
        }).toList();
        return new FlagsView(fetches.lastFetchAt().orElse(null), fetches.lastFetch(), fetches.lastChangeAt().orElse(null),
                fetches.fromBackup(), flags);
    }

    private Map<String, Long> evaluations(String flag) {
        Map<String, Long> byResult = new TreeMap<>(Map.of("true", 0L, "false", 0L));
        for (Counter counter : registry.find(FeatureFlagService.EVALUATIONS).tag("flag", flag).counters()) {
            byResult.merge(counter.getId().getTag("result"), (long) counter.count(), Long::sum);
        }
        return byResult;
    }
}
