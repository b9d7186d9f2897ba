package com.gitlab.ops.platform.flags;

import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Evaluates the services' flags for a project. A flag Unleash does not know, or an Unleash never
 * reached with no last-known state, means its definition's {@code default_enabled}: deleting a
 * released flag keeps its feature on. Every evaluation is counted by flag and result, so a rollout
 * can be watched from the metrics.
 */
@ApplicationScoped
public class FeatureFlagService {

    public static final String PROJECT_ID = "projectId";
    public static final String PROJECT_PATH = "projectPath";

    static final String EVALUATIONS = "feature.flag.evaluations";

    private final Unleash unleash;
    private final MeterRegistry registry;
    private final FlagDefinitionRegistry definitions;

    public FeatureFlagService(Unleash unleash, MeterRegistry registry, FlagDefinitionRegistry definitions) {
        this.unleash = unleash;
        this.registry = registry;
        this.definitions = definitions;
    }

    public boolean isEnabled(String flag, ProjectActor actor) {
        UnleashContext.Builder context = UnleashContext.builder().addProperty(PROJECT_ID, Long.toString(actor.projectId()));
        if (actor.projectPath() != null && !actor.projectPath().isBlank()) {
            context.addProperty(PROJECT_PATH, actor.projectPath());
        }
        return evaluate(flag, context.build());
    }

    /**
     * For a group (a direct-transfer group entity, which has no project): a percentage of actors
     * takes groups too, hashed apart from projects as GitLab's Flipper hashes {@code Group:<id>}
     * beside {@code Project:<id>}, so a rollout's last step (100%) covers them; named projects never do.
     */
    public boolean isEnabledForGroup(String flag, long groupId) {
        return evaluate(flag, UnleashContext.builder().addProperty(PROJECT_ID, "Group:" + groupId).build());
    }

    /** For what has no project (a release, a package): only strategies without project constraints apply. */
    public boolean isEnabled(String flag) {
        return evaluate(flag, UnleashContext.builder().build());
    }

    private boolean evaluate(String flag, UnleashContext context) {
        boolean enabled = unleash.isEnabled(flag, context, definitions.of(flag).defaultEnabled());
        registry.counter(EVALUATIONS, "flag", flag, "result", Boolean.toString(enabled)).increment();
        return enabled;
    }
}
