package com.gitlab.ops.incident.policy;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of {@code POST /api/projects/{projectId}/escalation-policies}, with GitLab's limits. */
public record PolicyRequest(
        @NotBlank(message = "is required") @Size(max = 72, message = "must be at most 72 characters") String name,
        @Size(max = 160, message = "must be at most 160 characters") String description,
        @NotNull(message = "are required: at least one rule") @Size(min = 1, max = 10, message = "must be between 1 and 10 rules")
        List<@Valid @NotNull(message = "must not hold null") Rule> rules) {

    public record Rule(
            @NotNull(message = "is required") @Pattern(regexp = "acknowledged|resolved", message = "must be acknowledged or resolved") String status,
            @NotNull(message = "is required") @Min(value = 0, message = "must be between 0 and 86400")
            @Max(value = 86400, message = "must be between 0 and 86400") Integer elapsedTimeSeconds,
            @Positive(message = "must be a positive integer") Long userId,
            @Positive(message = "must be a positive integer") Long oncallScheduleId) {
    }
}
