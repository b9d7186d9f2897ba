package com.gitlab.ops.incident.incident;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/projects/{projectId}/incidents}. */
public record CreateIncidentRequest(
        @NotBlank(message = "is required") @Size(max = 255, message = "must be at most 255 characters") String title,
        @Pattern(regexp = "critical|high|medium|low|info|unknown", message = "must be critical, high, medium, low, info or unknown") String severity,
        @Pattern(regexp = "triggered|acknowledged|resolved|ignored", message = "must be triggered, acknowledged, resolved or ignored") String status,
        @Positive(message = "must be a positive integer") Long escalationPolicyId,
        @Size(max = 255, message = "must be at most 255 characters") String projectPath) {
}
