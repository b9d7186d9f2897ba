package com.gitlab.ops.release.deploy;

import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.event.EventData;

/** A {@code post_migrations.executed} event's data, validated against the contract. */
public record PostMigrationsExecuted(String environment, String packageVersion) {

    public static PostMigrationsExecuted from(CloudEvent event) {
        EventData data = event.fields();
        return new PostMigrationsExecuted(data.requiredText("environment", 64), data.requiredText("package", 128));
    }
}
