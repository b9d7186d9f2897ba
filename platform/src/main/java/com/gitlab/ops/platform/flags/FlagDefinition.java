package com.gitlab.ops.platform.flags;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A flag's definition, kept in the repository beside the code that evaluates it, as GitLab keeps
 * {@code config/feature_flags/**}{@code /*.yml}. {@code defaultEnabled} is what the flag means when
 * Unleash does not know it: releasing a feature is setting it to true, shipping, then deleting the
 * flag from Unleash.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FlagDefinition(String name, String introducedByUrl, String rolloutIssueUrl, String milestone, String type, String group,
        Boolean defaultEnabled) {
}
