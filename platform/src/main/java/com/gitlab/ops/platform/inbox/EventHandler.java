package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.event.CloudEvent;

/**
 * Applies one event of one type. Runs inside the transaction that also claims the event id; throws
 * {@link com.gitlab.ops.platform.event.InvalidEventException} when the event can never apply.
 */
@FunctionalInterface
public interface EventHandler {

    void handle(CloudEvent event);
}
