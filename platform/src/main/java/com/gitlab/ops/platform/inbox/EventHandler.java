package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.event.CloudEvent;

/**
 * Applies one event of one type. Runs inside the transaction that also claims the event id; throws
 * {@link com.gitlab.ops.platform.event.InvalidEventException} when the event can never apply.
 * Work the event needs from another service goes in {@link #prepare}, never inside the transaction.
 */
@FunctionalInterface
public interface EventHandler {

    void handle(CloudEvent event);

    /**
     * Runs before the event's transaction, outside any, and gives the handler that applies it in the
     * transaction: the place for a call to another service (a number from import-service, say), so
     * that no remote call holds a database transaction and its locks open. Called again for a retry
     * only if it failed. A failure to reach the other service is an outage, waited out like the
     * database's; an {@code InvalidEventException} dead-letters the event.
     */
    default EventHandler prepare(CloudEvent event) {
        return this;
    }

    /**
     * Called, in a transaction of its own, when a valid event is given up on after its retries (the
     * database was down too long, say), just before it is dead-lettered: the place to make the
     * failure visible on the service's own records. Best effort: if it fails too, the dead letter
     * and the metric remain.
     */
    default void failed(CloudEvent event, String reason) {
    }
}
