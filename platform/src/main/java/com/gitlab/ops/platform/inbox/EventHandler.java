package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.event.CloudEvent;

/**
 * Applies one event of one type. Runs inside the transaction that also claims the event id; throws
 * {@link com.gitlab.ops.platform.event.InvalidEventException} when the event can never apply.
 */
@FunctionalInterface
public interface EventHandler {

    void handle(CloudEvent event);

    /**
     * Called, in a transaction of its own, when a valid event is given up on after its retries (the
     * database was down too long, say), just before it is dead-lettered: the place to make the
     * failure visible on the service's own records. Best effort: if it fails too, the dead letter
     * and the metric remain.
     */
    default void failed(CloudEvent event, String reason) {
    }
}
