package com.gitlab.ops.release.deploy;

import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.event.EventData;
import com.gitlab.ops.platform.event.InvalidEventException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A {@code deploy.job.finished} event's data, validated against the contract. */
public record DeployJobFinished(String packageVersion, String environment, String job, String status,
        OffsetDateTime finishedAt, Optional<Long> pipelineId, Optional<List<String>> postMigrations) {

    public static final Set<String> STATUSES = Set.of("success", "failed", "canceled");

    public static DeployJobFinished from(CloudEvent event) {
        EventData data = event.fields();
        return new DeployJobFinished(
                data.requiredText("package", 128),
                data.requiredText("environment", 64),
                data.requiredText("job", 128),
                data.requiredEnum("status", STATUSES),
                data.requiredTime("finished_at"),
                data.optionalId("pipeline_id"),
                data.optionalNode("post_migrations").map(node -> {
                    if (!node.isArray()) {
                        throw new InvalidEventException("field 'post_migrations' must be an array of file paths");
                    }
                    List<String> files = new ArrayList<>();
                    node.forEach(f -> {
                        if (!f.isTextual() || f.asText().isBlank()) {
                            throw new InvalidEventException("field 'post_migrations' must hold only non-empty file paths");
                        }
                        files.add(f.asText());
                    });
                    return files;
                }));
    }
}
