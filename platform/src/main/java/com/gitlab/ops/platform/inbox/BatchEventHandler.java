package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.event.CloudEvent;
import java.util.List;

/**
 * An {@link EventHandler} that can also apply a poll's events of its type together, set-based: a
 * statement for many events instead of one each, which is what a storm of them needs. The platform
 * hands it each run of consecutive events of its type that a poll brought, in the poll's
 * transaction, their ids already claimed; if it throws, the poll is applied again one event at a
 * time (each through the handler {@link #prepare} gave for it, with its own transaction and retries), so that a bad event
 * is dead-lettered alone.
 */
public interface BatchEventHandler extends EventHandler {

    /**
     * Prepares a run of this type's events together, outside any transaction: the place for one
     * request to another service for all of them. If it throws (an invalid event among them, a
     * failure of the other service), each event is prepared on its own by {@link #prepare}, which
     * dead-letters the invalid one alone and waits out an outage.
     *
     * @return each event's handler, in the run's order
     */
    default List<EventHandler> prepareAll(List<CloudEvent> run) {
        return run.stream().map(this::prepare).toList();
    }

    /**
     * Applies what it can of the run together.
     *
     * @param run the events in their order, each with the handler {@link #prepare} gave for it
     * @return the events it did not apply, in their order: the platform applies them one at a time
     *         after it, in the same transaction. Events whose effects depend on each other's order
     *         must be applied together or left together.
     */
    List<PreparedEvent> handleAll(List<PreparedEvent> run);
}
